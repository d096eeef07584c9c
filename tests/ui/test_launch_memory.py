"""How the demo keeps the station's memory down: the warm-up's order, and each process's peak reported."""

from __future__ import annotations

import os
import threading
from types import SimpleNamespace
from typing import Any

import pytest

from devices.sim import prints
from ui import launch


def test_the_warm_up_builds_each_nfiq2_extractor_alone_and_gives_its_parse_back_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kiosk import process_memory
    from kiosk.quality import live, nfiq2

    order: list[Any] = []
    monkeypatch.setattr(nfiq2, "extractor", lambda compute=True: order.append(("extractor", compute)))
    monkeypatch.setattr(process_memory, "give_back", lambda: order.append("give back") or True)
    monkeypatch.setattr(live, "warm_up", lambda: order.append("live"))
    from kiosk.enrol import flow

    monkeypatch.setattr(flow, "_face_policy", lambda policy: policy)
    station = SimpleNamespace(policy=None, warm_up_face=lambda policy: order.append("face"))
    launch._warm_up(station)
    for thread in threading.enumerate():
        if thread.name == "warm-up":
            thread.join(30)
    assert order == [
        ("extractor", True),
        "give back",
        ("extractor", False),
        "give back",
        "live",
        "face",
        "give back",
    ]


def test_the_demo_names_the_station_s_peak_and_each_stand_in_s() -> None:
    child = prints.ChildPrints.start()
    previous = prints.use(child)
    try:
        backend = SimpleNamespace(process=SimpleNamespace(pid=os.getpid()))
        peaks = launch._process_peaks(backend)
    finally:
        prints.use(previous)
        child.close()
    assert set(peaks) == {"station_peak_mb", "backend_process_peak_mb", "print_simulator_peak_mb"}
    if not os.path.exists("/proc/self/status"):
        pytest.skip("no /proc on this system: the peaks read 0")
    assert peaks["station_peak_mb"] == peaks["backend_process_peak_mb"] > 0  # the same process here
    assert peaks["print_simulator_peak_mb"] > 10  # its libraries were loaded before it said ready


def test_without_a_print_simulator_or_a_backend_process_their_peaks_read_zero() -> None:
    peaks = launch._process_peaks(SimpleNamespace())
    assert peaks["station_peak_mb"] > 0
    assert peaks["backend_process_peak_mb"] == peaks["print_simulator_peak_mb"] == 0.0
