"""The station's devices: a reader unplugged is dropped and reopened when it comes back (the hot-plug
monitor is applied), and the backend's device registry is remembered for offline starts."""

from __future__ import annotations

import threading
from pathlib import Path

from devices.policy import DevicePolicy
from devices.registry import Registry
from devices.sim.hardware import SimulatedHardware
from kiosk.enrol.devices import StationDevices


def devices(tmp_path: Path) -> tuple[StationDevices, SimulatedHardware]:
    hardware = SimulatedHardware()
    options = {"sim-fingerprint": {"hardware": hardware}, "sim-camera": {"hardware": hardware}}
    # the simulators only: a real driver's probe (libfprint waits for GLib's context, which Qt's GUI thread
    # holds once an earlier test made an application) would slow every hot-plug rescan to seconds
    registry = Registry(DevicePolicy.build("test", allowed_drivers=list(options)), options=options)
    return StationDevices(registry, data_dir=tmp_path).open(), hardware


def test_an_unplugged_reader_is_reopened_when_it_comes_back(tmp_path: Path) -> None:
    station, hardware = devices(tmp_path)
    changed = threading.Event()
    station.events.changed.connect(lambda e: changed.set())
    station.watch(interval=0.05)
    try:
        reader = station.reader
        assert reader is not None and station.reader_ready
        unit = reader.device_id
        changed.clear()
        hardware.unplug(unit)
        assert changed.wait(10) and not station.reader_ready
        assert station.problems["fingerprint"].code == "devices.error.disconnected"
        changed.clear()
        hardware.replug(unit)
        assert changed.wait(10)
        waited = threading.Event()
        for _ in range(200):
            if station.reader_ready:
                break
            waited.wait(0.05)
        assert station.reader_ready and station.reader is not reader
    finally:
        station.close()


def test_the_registered_serials_survive_a_restart(tmp_path: Path) -> None:
    station, _hardware = devices(tmp_path)
    assert station.unregistered() is None  # never asked the backend: unknown, not "all fine"
    reader_serial = station.reader.info.serial if station.reader else ""
    station.set_registered([reader_serial])
    assert [i.kind.value for i in station.unregistered() or []] == ["camera"]
    station.close()
    again, _ = devices(tmp_path)
    assert again.registered_serials == {reader_serial}
    assert (tmp_path / "devices-registered.json").stat().st_mode & 0o077 == 0
    again.close()
