"""Hot-plug: added/removed events from driver notifications and from polling, each announced once."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.errors import Disconnected
from devices.events import DeviceEvent
from devices.fingerprint import FingerprintReader
from devices.hotplug import HotplugMonitor
from devices.policy import DevicePolicy
from devices.registry import Registry
from devices.sim.hardware import SimulatedHardware

WAIT = 5.0


def _collect(registry: Registry) -> queue.Queue[DeviceEvent]:
    events: queue.Queue[DeviceEvent] = queue.Queue()
    registry.events.subscribe(events.put)
    return events


def _next(events: queue.Queue[DeviceEvent]) -> tuple[str, str]:
    event = events.get(timeout=WAIT)
    return event.action, event.device_id


def test_start_announces_what_is_there_and_then_changes(registry: Registry, bench: SimulatedHardware) -> None:
    events = _collect(registry)
    with HotplugMonitor(registry, interval=60.0, use_udev=False):  # no polling: only the simulator's notices
        first = {_next(events), _next(events)}
        assert first == {("added", "sim-fingerprint:0"), ("added", "sim-camera:0")}
        unit = bench.plug("fingerprint")
        assert _next(events) == ("added", "sim-fingerprint:1")
        unit.simulation.unplug()
        assert _next(events) == ("removed", "sim-fingerprint:1")
        unit.simulation.replug()
        assert _next(events) == ("added", "sim-fingerprint:1")
    assert events.empty()


def test_unplug_while_in_use_is_announced_once(registry: Registry, bench: SimulatedHardware) -> None:
    events = _collect(registry)
    monitor = HotplugMonitor(registry, interval=0.02, use_udev=False).start()
    try:
        assert {_next(events), _next(events)} == {("added", "sim-fingerprint:0"), ("added", "sim-camera:0")}
        reader = registry.open("sim-fingerprint:0")
        assert isinstance(reader, FingerprintReader)
        with reader.stream() as stream:
            stream.read(WAIT)
            bench.unplug("sim-fingerprint:0")
            with pytest.raises(Disconnected):
                while True:
                    stream.read(WAIT)
        assert _next(events) == ("removed", "sim-fingerprint:0")
        for _ in range(3):  # several more polls: no second announcement
            monitor.poll()
        assert events.empty()
    finally:
        monitor.stop()


def test_polling_finds_devices_of_drivers_without_notifications(tmp_path: Path) -> None:
    clip = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (64, 48))
    writer.write(np.zeros((48, 64, 3), np.uint8))
    writer.release()
    sources: list[str] = []
    bench = SimulatedHardware(fingerprint_readers=0, cameras=0)
    registry = Registry(
        policy=DevicePolicy(mode="test"),
        options={
            "opencv-camera": {"enumerate": False, "sources": sources},
            "sim-fingerprint": {"hardware": bench},
            "sim-camera": {"hardware": bench},
        },
    )
    events = _collect(registry)
    with HotplugMonitor(registry, interval=0.02, use_udev=False):
        sources.append(str(clip))  # "plugged in": the next poll sees it
        assert _next(events) == ("added", "opencv-camera:file:clip.avi")
        clip.unlink()
        assert _next(events) == ("removed", "opencv-camera:file:clip.avi")


def test_a_failing_listener_does_not_stop_the_others(registry: Registry, bench: SimulatedHardware) -> None:
    got = threading.Event()

    def broken(event: DeviceEvent) -> None:
        raise RuntimeError("listener bug")

    registry.events.subscribe(broken)
    registry.events.subscribe(lambda event: got.set())
    registry.refresh()
    assert got.is_set()


def test_udev_is_used_where_available(registry: Registry) -> None:
    """With the OpenCV driver loaded the monitor asks udev for video4linux events, or else polls."""
    monitor = HotplugMonitor(registry, interval=60.0, use_udev=True).start()
    try:
        assert monitor._subsystems() == {"video4linux"}
        assert isinstance(monitor.udev_active, bool)
    finally:
        monitor.stop()
