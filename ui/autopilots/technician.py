"""The technician's run: a new station set up through the wizard, then the devices page.

On a fresh folder it sets the station up from the backend's enrolment file: first with a token that the
backend does not know (the wizard says to ask for a new one), then with the file's own; the technician
signs in, registers the devices found and runs the test enrolment to its verified receipt. Then, in the
station's window: the login lands in the console; the device table; the camera's cable pulled and put
back (the table follows); a live test of the reader with the synthetic test person's finger on it and
of the camera; the self-tests; the report saved as JSON and PDF and sent to the backend.

`run(pilot) -> dict` (the interface in `ui/autopilots/__init__.py`).
"""

from __future__ import annotations

import shutil
import time
from typing import Any

from devices.positions import Finger
from kiosk.station.trial_enrolment import synthetic_test_person
from ui.autopilot import AutopilotStuck, live_rate
from ui.qt import QAbstractButton


def run(pilot: Any) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    if pilot.shell is None and pilot.setup_window is not None:
        _step(pilot, "setup", lambda: _setup(pilot, summary))
    _step(pilot, "login", lambda: _login(pilot))
    page = pilot.shell.screen("console").page("devices")
    _step(pilot, "device_table", lambda: _table(pilot, page))
    _step(pilot, "hotplug", lambda: _hotplug(pilot, page))
    _step(pilot, "live_test", lambda: _live(pilot, page))
    _step(pilot, "selftests", lambda: _selftests(pilot, page))
    _step(pilot, "report", lambda: _report(pilot, page, summary))
    summary["passed"] = bool(summary.get("test_receipt_verified", True) and summary.get("report_sent"))
    return summary


def _step(pilot: Any, name: str, act: Any) -> None:
    started = pilot.begin(name)
    act()
    pilot.end(name, started)


def _button(pilot: Any, code: str) -> Any:
    return pilot._try(code, QAbstractButton)


# -- set-up -------------------------------------------------------------------------------------------------
def _setup(pilot: Any, summary: dict[str, Any]) -> None:
    wizard = pilot.setup_window
    enrolment_file = str(pilot.backend.enrolment_file)
    pilot.pump(200)
    pilot.shot("setup-start")
    pilot.write("ui.setup.join.file", enrolment_file)
    pilot.write("ui.setup.join.token", "clave-que-el-servidor-no-conoce")
    pilot.click("ui.setup.join.go")
    pilot.wait_for(lambda: wizard.problem.text(), "the wizard's answer to an unknown token")
    pilot.shot("setup-token-refused")
    pilot.write("ui.setup.join.token", "")
    started = time.perf_counter()
    pilot.click("ui.setup.join.go")
    pilot.wait_for(lambda: _button(pilot, "ui.login.sign_in"), "the technician's sign-in", 60)
    pilot.figures["setup_join_ms"] = round((time.perf_counter() - started) * 1000, 1)
    technician = pilot.accounts["technician"]
    pilot.write("ui.login.username", technician.username)
    pilot.write("ui.login.password", technician.password, enter=True)
    pilot.wait_for(lambda: _button(pilot, "ui.setup.devices.go"), "the devices found")
    pilot.shot("setup-devices-found")
    pilot.click("ui.setup.devices.go")
    pilot.wait_for(lambda: _button(pilot, "ui.setup.test.go"), "the devices registered")
    pilot.shot("setup-devices-registered")
    started = time.perf_counter()
    pilot.click("ui.setup.test.go")
    pilot.wait_for(lambda: _button(pilot, "ui.setup.done.go"), "the verified test receipt", 60)
    pilot.figures["setup_test_enrolment_ms"] = round((time.perf_counter() - started) * 1000, 1)
    receipt = wizard.setup.receipt
    summary["test_receipt_folio"] = receipt.folio
    summary["test_receipt_verified"] = receipt.verified and receipt.test
    pilot.shot("setup-done")
    pilot.click("ui.setup.done.go")
    pilot.wait_for(lambda: pilot.shell is not None, "the station's window")
    pilot.pump(200)


def _login(pilot: Any) -> None:
    technician = pilot.accounts["technician"]
    pilot.on_screen("login")
    pilot.shot("login")
    pilot.write("ui.login.username", technician.username)
    pilot.write("ui.login.password", technician.password, enter=True)
    pilot.on_screen("console")


# -- the devices page ---------------------------------------------------------------------------------------
def _table(pilot: Any, page: Any) -> None:
    pilot.wait_for(lambda: page.scans > 0 and page.rows, "the device table")
    registered = [r for r in page.rows if r.kind and r.registered]
    if len(registered) < 2:
        raise AutopilotStuck(pilot.step, "the reader and the camera are not both registered")
    pilot.shot("devices-table")


def _hotplug(pilot: Any, page: Any) -> None:
    camera = pilot.shell.desk.station.devices.camera
    device_id = camera.device_id
    started = time.perf_counter()
    camera.simulation.unplug()  # the person at the station pulls the camera's cable
    pilot.wait_for(lambda: (page.row(device_id) or page.rows[0]).state == "gone", "the camera shown gone", 20)
    pilot.figures["hotplug_unplug_seen_ms"] = round((time.perf_counter() - started) * 1000, 1)
    pilot.shot("devices-camera-unplugged")
    started = time.perf_counter()
    camera.simulation.replug()
    pilot.wait_for(lambda: (page.row(device_id) or page.rows[0]).state == "open", "the camera back", 20)
    pilot.figures["hotplug_replug_seen_ms"] = round((time.perf_counter() - started) * 1000, 1)


def _live(pilot: Any, page: Any) -> None:
    live = page.live
    reader = pilot.shell.desk.station.devices.reader
    pilot.click("ui.devices.live.reader")
    started = time.perf_counter()
    reader.simulation.place(synthetic_test_person().finger_seed, Finger.RIGHT_INDEX)
    try:
        pilot.wait_for(lambda: (live.bar.value or 0) > 0, "a live estimate of the test finger", 30)
        pilot.pump(400)
        pilot.shot("devices-live-reader")
    finally:
        reader.simulation.lift()
    pilot.figures["live_reader_fps"] = live_rate(live.preview.paint_times, started)
    pilot.click("ui.devices.live.stop")
    pilot.wait_for(lambda: live.kind is None, "the live test to end")
    pilot.click("ui.devices.live.camera")
    started = time.perf_counter()
    pilot.wait_for(lambda: live.frames > 10, "the camera's frames")
    pilot.shot("devices-live-camera")
    pilot.figures["live_camera_fps"] = live_rate(live.preview.paint_times, started)
    pilot.click("ui.devices.live.stop")
    pilot.wait_for(lambda: live.kind is None and not live.preview.has_frame, "the live test to end")


def _selftests(pilot: Any, page: Any) -> None:
    tests = page.tests
    started = time.perf_counter()
    pilot.click("ui.devices.selftest.go")
    pilot.wait_for(lambda: tests.report is not None, "the self-tests", 60)
    pilot.figures["selftests_ms"] = round((time.perf_counter() - started) * 1000, 1)
    pilot.pump(100)
    pilot.shot("devices-selftests")


def _report(pilot: Any, page: Any, summary: dict[str, Any]) -> None:
    tests = page.tests
    pilot.click("ui.devices.report.save")
    pilot.wait_for(lambda: tests.saved, "the report saved")
    for path in tests.saved:
        shutil.copy(path, pilot.folder / path.name)
    summary["report_files"] = [p.name for p in tests.saved]
    pilot.click("ui.devices.report.send")
    pilot.wait_for(lambda: getattr(tests, "sent_id", None), "the backend's answer", 30)
    summary["report_sent"] = tests.sent_id
    summary["selftests_passed"] = tests.report.passed
    pilot.shot("devices-report-sent")
