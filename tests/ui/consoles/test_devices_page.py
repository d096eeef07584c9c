"""The technician's devices page: the table follows the cables, the live test shows frames and keeps
none, the self-tests report a device pulled out mid-test, and the report is saved (JSON and a PDF a
person can read) and sent to the real backend."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from devices.positions import Finger
from kiosk.backend.server import Running
from kiosk.enrol.desk import Desk
from kiosk.enrol.runner import SIM_DRIVERS, Credentials, close_station, open_station, register_devices
from tests.fixtures.backend import TECH_PASSWORD, Station
from tests.fixtures.enrolment import Bench
from tests.ui.conftest import settle
from tests.ui.pdf_tools import needs_poppler, pdf_text
from ui.qt import QApplication, Qt
from ui.shell import Shell

SHOTS = Path("/tmp/tech-shots/tests")


def devices_page(shell: Shell, bench: Bench) -> object:
    shell.desk._signed_in(bench.login("technician"))
    return shell.screen("console").page("devices")


def click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def shot(shell: Shell, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    shell.window.grab().save(str(SHOTS / f"{name}.png"))


def test_the_table_shows_each_device_and_follows_the_cables(qtbot: QtBot, shell: Shell, bench: Bench) -> None:
    page = devices_page(shell, bench)
    qtbot.waitUntil(lambda: page.scans > 0, timeout=10_000)
    kinds = {r.kind: r for r in page.rows if r.state != "refused"}
    assert set(kinds) == {"fingerprint", "camera"}
    assert all(r.state == "open" and r.registered for r in kinds.values())
    assert page.table.item(0, 2).text() == page.rows[0].serial
    camera = kinds["camera"]
    bench.station.devices.watch(0.1)  # the hot-plug monitor, as `kiosk run` starts it
    registry = bench.station.devices.registry
    qtbot.waitUntil(lambda: registry._refreshed, timeout=10_000)  # it knows what is plugged in now
    bench.hardware.units("camera")[0].simulation.unplug()
    qtbot.waitUntil(lambda: (page.row(camera.device_id) or camera).state == "gone", timeout=10_000)
    texts = [page.table.item(r, 4).text() for r in range(page.table.rowCount())]
    assert "desconectado" in texts
    bench.hardware.units("camera", plugged_only=False)[0].simulation.replug()
    qtbot.waitUntil(lambda: (page.row(camera.device_id) or camera).state == "open", timeout=10_000)
    settle(qtbot, shell)


def test_a_live_test_shows_frames_with_their_estimate_and_keeps_none(
    qtbot: QtBot, shell: Shell, bench: Bench
) -> None:
    page = devices_page(shell, bench)
    live = page.live
    click(qtbot, live.reader)
    bench.station.devices.reader.simulation.place(777, Finger.LEFT_THUMB)
    try:
        qtbot.waitUntil(lambda: (live.bar.value or 0) > 0, timeout=20_000)
        assert live.preview.has_frame and "NFIQ 2" in live.measure.text()
        # one device job at a time: the self-tests wait for the live test
        click(qtbot, page.tests.run)
        assert page.tests.status.text().startswith("espere: la prueba en vivo")
        shot(shell, "devices-live-reader")
    finally:
        bench.station.devices.reader.simulation.lift()
    click(qtbot, live.stop)
    settle(qtbot, shell)
    assert live.kind is None and not live.preview.has_frame  # nothing of the live test stays
    assert "ninguna guardada" in live.status.text()


def test_a_reader_unplugged_during_its_self_test_is_reported(
    qtbot: QtBot, shell: Shell, bench: Bench
) -> None:
    page = devices_page(shell, bench)
    tests = page.tests
    unit = bench.hardware.units("fingerprint")[0]
    pulled = threading.Timer(0.1, unit.simulation.unplug)
    click(qtbot, tests.run)
    pulled.start()
    settle(qtbot, shell, 30_000)
    pulled.join()
    assert tests.report is not None and not tests.report.passed
    assert any("la prueba se interrumpió" in line for line in tests.verdicts)
    cells = [
        tests.checks.item(r, 4).text() for r in range(tests.checks.rowCount()) if tests.checks.item(r, 4)
    ]
    assert any("se desconectó" in text for text in cells)  # in the reader's heading row
    assert "se desconectó" in tests.status.text()
    shot(shell, "devices-selftest-unplugged")


def test_the_report_is_saved_as_json_and_a_readable_pdf(
    qtbot: QtBot, shell: Shell, bench: Bench, tmp_path: Path
) -> None:
    page = devices_page(shell, bench)
    tests = page.tests
    assert not tests.save.isEnabled()  # nothing to save before the self-tests
    click(qtbot, tests.run)
    settle(qtbot, shell, 30_000)
    assert tests.report is not None and tests.report.passed
    blocked = tmp_path / "a-file"
    blocked.write_text("in the way", encoding="utf-8")
    tests.folder.setText(str(blocked))
    click(qtbot, tests.save)
    assert tests.status.text().startswith("no se puede escribir")
    tests.folder.setText(str(tmp_path / "usb"))
    click(qtbot, tests.save)
    json_path, pdf_path = tests.saved
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["station"]["id"] == bench.station.station_id and data["passed"]
    assert pdf_path.read_bytes().startswith(b"%PDF")
    needs_poppler()
    text = pdf_text(pdf_path)
    assert "Reporte de diagnóstico de la estación" in text
    assert bench.station.devices.reader.info.serial in text


@pytest.fixture
def live(qtbot: QtBot, backend: Running, station: Station) -> Iterator[Shell]:
    context = open_station(station.data_dir, mode="test", test=True, allowed_drivers=SIM_DRIVERS)
    register_devices(context, Credentials("tecnico", TECH_PASSWORD))
    shell = Shell(Desk(context), "es_MX")
    qtbot.addWidget(shell.window)
    shell.window.show()
    yield shell
    shell.controller.ticker.stop()
    shell.window.bar.timer.stop()
    if shell.desk.signed_in:
        shell.desk.logout("test_end")
    shell.background.wait(10_000)
    close_station(context)


def test_the_report_reaches_the_backends_diagnostics(qtbot: QtBot, live: Shell, backend: Running) -> None:
    login = live.screen("login")
    qtbot.keyClicks(login.username, "tecnico")
    qtbot.keyClicks(login.password, TECH_PASSWORD)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    settle(qtbot, live)
    assert live.window.current_screen == "console"
    tests = live.screen("console").page("devices").tests
    click(qtbot, tests.run)
    settle(qtbot, live, 30_000)
    click(qtbot, tests.send)
    settle(qtbot, live)
    assert tests.status.text().startswith("reporte recibido por el servidor central")
    stored = backend.backend.store.one("SELECT * FROM diagnostics WHERE report_id = ?", tests.sent_id)
    assert json.loads(stored["report"])["station"]["id"] == live.desk.station.station_id


def test_devices_registered_and_a_test_enrolment_from_the_console(
    qtbot: QtBot, backend: Running, station: Station
) -> None:
    """A station whose set-up stopped after joining: its devices are registered and its test enrolment
    run from the devices page."""
    context = open_station(station.data_dir, mode="test", test=True, allowed_drivers=SIM_DRIVERS)
    shell = Shell(Desk(context), "es_MX")
    qtbot.addWidget(shell.window)
    shell.window.show()
    try:
        login = shell.screen("login")
        qtbot.keyClicks(login.username, "tecnico")
        qtbot.keyClicks(login.password, TECH_PASSWORD)
        qtbot.keyClick(login.password, Qt.Key.Key_Return)
        settle(qtbot, shell)
        page = shell.screen("console").page("devices")
        qtbot.waitUntil(lambda: page.scans > 0, timeout=10_000)
        devices = [r for r in page.rows if r.state != "refused"]
        assert devices and not any(r.registered for r in devices)
        click(qtbot, page.trial)  # the backend refuses a packet from devices it does not know
        settle(qtbot, shell, 30_000)
        assert page.trial_receipt is None
        assert page.tests.status.text().startswith("Revise los dispositivos")
        click(qtbot, page.register)
        settle(qtbot, shell)
        qtbot.waitUntil(lambda: all(r.registered for r in page.rows if r.state != "refused"), timeout=10_000)
        assert page.tests.status.text() == "dispositivos registrados ahora: 2"
        click(qtbot, page.trial)
        settle(qtbot, shell, 30_000)
        assert page.trial_receipt is not None and page.trial_receipt.verified
        assert page.tests.status.text().startswith("Acuse de prueba ACU-")
    finally:
        shell.controller.ticker.stop()
        shell.window.bar.timer.stop()
        if shell.desk.signed_in:
            shell.desk.logout("test_end")
        shell.background.wait(10_000)
        close_station(context)
