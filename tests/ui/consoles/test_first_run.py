"""A station's first start: the wizard, then the station's window over the station it opened, at the login."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from devices.sim.hardware import SimulatedHardware
from kiosk.backend.server import Running
from kiosk.enrol.desk import Desk
from kiosk.station.setup import needed
from tests.fixtures.backend import TECH_PASSWORD
from tests.fixtures.setup import opener
from ui.first_run import FirstRun
from ui.qt import Qt
from ui.shell import Shell


def test_the_wizard_hands_its_station_to_the_window(qtbot: QtBot, backend: Running, tmp_path: Path) -> None:
    folder = tmp_path / "new-station"
    assert needed(folder)
    first = FirstRun(
        folder,
        opener(SimulatedHardware()),
        lambda station: Shell(Desk(station), "es_MX"),
        language="es_MX",
        enrolment_file=backend.enrolment_file,
    )
    first.setup.keystore = "file"
    shells: list[Shell] = []
    first.on_shell = shells.append
    wizard = first.wizard
    first.show()
    try:
        assert wizard.file.text() == str(backend.enrolment_file)  # from the station's configuration

        def click(button: object) -> None:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: first.background.running == 0, timeout=30_000)

        click(wizard.join)
        qtbot.keyClicks(wizard.username, "tecnico")
        qtbot.keyClicks(wizard.password, TECH_PASSWORD)
        click(wizard.sign_in)
        click(wizard.register)
        click(wizard.run_test)
        assert first.setup.receipt is not None and first.setup.receipt.verified
        click(wizard.finish)
        assert shells == [first.shell] and first.shell.desk.station is first.setup.station
        assert first.shell.window.isVisible() and not wizard.isVisible()
        assert first.shell.window.current_screen == "login"
        assert not first.shell.desk.signed_in  # the technician's set-up session ended with the wizard
        assert not needed(folder)
    finally:
        if first.shell is not None:
            first.shell.controller.ticker.stop()
            first.shell.window.bar.timer.stop()
        first.close()
