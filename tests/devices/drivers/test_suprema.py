"""The Suprema driver against a fake `UFScanner` with the vendor's exact ABI, serving a real print."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from devices.errors import DeviceTimeout, Disconnected, FakeFingerDetected, HardwareFault, ScanRetry
from devices.facts import Capability
from devices.vendors import suprema
from tests.devices.drivers.vendor_fixtures import Bench, bench, crop

DEVICE = "suprema:SUP-0001"


@pytest.fixture
def biomini(
    monkeypatch: pytest.MonkeyPatch, fake_libraries: dict[str, Path], real_print: np.ndarray
) -> Iterator[Bench]:
    yield from bench(
        monkeypatch, "suprema", "KIOSK_SUPREMA_LIB", fake_libraries["suprema"], crop(real_print, 320, 480)
    )


def test_listed_by_scanner_id_without_opening(biomini: Bench) -> None:
    info = biomini.registry.scan().by_id(DEVICE)
    assert info is not None and info.serial == "SUP-0001" and info.model == "BioMini (type 1004)"
    assert Capability.FINGER_DETECT in info.capabilities and Capability.LIVE_PREVIEW not in info.capabilities


def test_single_shot_capture_returns_the_served_print_with_the_timeout_passed_down(biomini: Bench) -> None:
    reader = biomini.open(DEVICE)
    frame = reader.capture(2.5)
    assert np.array_equal(frame.image, biomini.image) and frame.ppi == 500
    assert biomini.fake.fake_timeout() == 2500


def test_timeout_then_the_reader_stays_usable(biomini: Bench) -> None:
    biomini.script("TF")
    reader = biomini.open(DEVICE)
    with pytest.raises(DeviceTimeout) as caught:
        reader.capture(0.2)
    assert caught.value.params["sdk_code"] == -212
    assert np.array_equal(reader.capture(2.0).image, biomini.image)


def test_fake_finger_refused_only_where_detection_is_on(
    monkeypatch: pytest.MonkeyPatch, fake_libraries: dict[str, Path], real_print: np.ndarray
) -> None:
    for detect in (False, True):
        for b in bench(
            monkeypatch, "suprema", "KIOSK_SUPREMA_LIB", fake_libraries["suprema"], crop(real_print, 320, 480)
        ):
            b.registry.options["suprema"] = {"detect_fake": detect}
            b.script("K")
            reader = b.open(DEVICE)
            assert b.fake.fake_detect_fake() == int(detect)
            if detect:
                with pytest.raises(FakeFingerDetected):
                    reader.capture(1.0)
            else:
                assert reader.capture(1.0).size == (320, 480)


@pytest.mark.parametrize(("script", "kind", "code"), [("Q", ScanRetry, -301), ("P", HardwareFault, -112)])
def test_errors_are_mapped(biomini: Bench, script: str, kind: type, code: int) -> None:
    biomini.script(script)
    with pytest.raises(kind) as caught:
        biomini.open(DEVICE).capture(1.0)
    assert caught.value.params["sdk_code"] == code


def test_unplugged_mid_capture_is_a_disconnect_and_the_sdk_callback_wakes_watchers(biomini: Bench) -> None:
    woke = threading.Event()
    stop = suprema.SupremaReader.watch({}, woke.set)
    assert stop is not None
    try:
        biomini.script("G")
        reader = biomini.open(DEVICE)
        with pytest.raises(Disconnected):
            reader.capture(1.0)
        assert woke.is_set()
        assert biomini.registry.scan().by_id(DEVICE) is None
    finally:
        stop()


def test_every_documented_status_has_a_meaning() -> None:
    assert {
        -1,
        -101,
        -102,
        -103,
        -111,
        -112,
        -201,
        -202,
        -203,
        -204,
        -211,
        -212,
        -221,
        -231,
        -301,
        -302,
    } <= set(suprema.ERRORS)
