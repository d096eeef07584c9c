"""The technician's device work without Qt: one job at a time, a live test that keeps nothing, self-tests
with a device pulled out in the middle, and the report saved and uploaded."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from devices.positions import Finger
from kiosk.errors import KioskError
from kiosk.station.device_console import DeviceConsole, LiveFrame, device_verdict
from kiosk.station.device_rows import device_rows
from kiosk.station.diagnostics import export_json, station_report
from tests.fixtures.enrolment import Bench


def test_a_live_test_measures_frames_and_stops(bench: Bench) -> None:
    console = DeviceConsole(bench.station.devices)
    frames: list[LiveFrame] = []
    reader = bench.station.devices.reader
    reader.simulation.place(4242, Finger.RIGHT_INDEX)

    def seen(frame: LiveFrame) -> None:
        frames.append(frame)
        if len(frames) >= 6:
            console.stop_live()

    job = console.live_job("fingerprint", seen)
    with pytest.raises(KioskError) as busy:
        console.selftest_job()
    assert busy.value.message.code == "station.devices.busy"
    summary = job()
    reader.simulation.lift()
    assert summary.frames >= 6 and summary.error is None
    assert any(f.estimate is not None and f.estimate > 0 for f in frames)
    assert console.busy is None


def test_a_camera_live_test_says_focus_and_brightness(bench: Bench) -> None:
    console = DeviceConsole(bench.station.devices)
    seen: list[LiveFrame] = []

    def keep(frame: LiveFrame) -> None:
        seen.append(frame)
        console.stop_live()

    console.live_job("camera", keep)()
    assert seen[0].sharpness is not None and seen[0].brightness is not None


def test_self_tests_pass_on_healthy_simulators(bench: Bench) -> None:
    report = DeviceConsole(bench.station.devices).selftest_job(frames=6)()
    assert report.passed and len(report.devices) == 2
    assert all(device_verdict(d).code == "station.devices.selftest.passed" for d in report.devices)


def test_a_reader_unplugged_during_its_self_test_is_reported(bench: Bench) -> None:
    unit = bench.hardware.units("fingerprint")[0]
    console = DeviceConsole(bench.station.devices)
    job = console.selftest_job(frames=40)
    pulled = threading.Timer(0.15, unit.simulation.unplug)
    pulled.start()
    report = job()
    pulled.join()
    reader = next(d for d in report.devices if str(d.info.kind) == "fingerprint")
    assert not report.passed
    assert reader.error is not None and reader.error["code"] == "devices.error.disconnected"
    assert device_verdict(reader).code == "station.devices.selftest.error"
    assert console.busy is None


def test_the_report_is_saved_private_and_holds_no_image(bench: Bench, tmp_path: Path) -> None:
    devices = bench.station.devices
    report = DeviceConsole(devices).selftest_job(frames=6)()
    rows = device_rows(devices.registry.scan(), set(), devices.registered_serials)
    data = station_report(bench.station, report, rows)
    path = export_json(data, tmp_path / "usb")
    assert os.stat(path).st_mode & 0o077 == 0
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["station"]["id"] == bench.station.station_id
    assert len(saved["device_table"]) == len(rows)
    assert "image" not in path.read_text(encoding="utf-8").lower().replace("image_size", "")


def test_a_folder_that_cannot_take_the_report_is_one_clear_error(bench: Bench, tmp_path: Path) -> None:
    report = DeviceConsole(bench.station.devices).selftest_job(frames=6)()
    data = station_report(bench.station, report, [])
    in_the_way = tmp_path / "not-a-folder"
    in_the_way.write_text("a file where the medium's folder should be", encoding="utf-8")
    with pytest.raises(KioskError) as caught:
        export_json(data, in_the_way)
    assert caught.value.message.code == "devices.cli.cannot_write"
