"""Signing in through the screen against the real reference backend: password, wrong password, lockout,
a password that must be changed first, the e.firma; and the station bar, the idle warning, kiosk mode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.backend.operators import add_user, pin_fiel_certificate
from kiosk.backend.server import Running
from kiosk.enrol.desk import Desk
from kiosk.enrol.runner import SIM_DRIVERS, Credentials, close_station, open_station, register_devices
from tests.fixtures.backend import CLERK_PASSWORD, TECH_PASSWORD, Station
from tests.ui.conftest import settle
from ui.qt import Qt
from ui.shell import Shell


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


def sign_in(qtbot: QtBot, shell: Shell, user: str, password: str) -> None:
    screen = shell.screen("login")
    screen.username.clear()
    qtbot.keyClicks(screen.username, user)
    qtbot.keyClicks(screen.password, password)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    settle(qtbot, shell)


def test_a_clerk_signs_in_and_lands_on_the_lookup(qtbot: QtBot, live: Shell) -> None:
    assert live.window.current_screen == "login"
    sign_in(qtbot, live, "ventanilla", CLERK_PASSWORD)
    assert live.window.current_screen == "lookup"
    live.window.bar.refresh()
    assert "Clerk de prueba" in live.window.bar.operator.text()
    assert "en línea" in live.window.bar.backend.text()
    assert live.screen("login").password.text() == ""


def test_a_wrong_password_is_said_and_the_field_emptied(qtbot: QtBot, live: Shell) -> None:
    sign_in(qtbot, live, "ventanilla", "no-es-la-clave-1")
    screen = live.screen("login")
    assert live.window.current_screen == "login"
    assert screen.message.text() == "usuario o contraseña incorrectos" and screen.password.text() == ""


def test_five_failures_lock_the_account(qtbot: QtBot, live: Shell) -> None:
    for _ in range(5):
        sign_in(qtbot, live, "ventanilla", "no-es-la-clave-1")
    sign_in(qtbot, live, "ventanilla", CLERK_PASSWORD)
    assert "bloqueada" in live.screen("login").message.text()


def test_a_password_given_out_must_be_changed_first(qtbot: QtBot, live: Shell, backend: Running) -> None:
    add_user(backend.backend, "nueva", "Operadora nueva", "clerk", "inicial-2026-x", must_change=True)
    sign_in(qtbot, live, "nueva", "inicial-2026-x")
    screen = live.screen("login")
    assert screen.forms.currentIndex() == 2 and live.window.current_screen == "login"
    qtbot.keyClicks(screen.new_password, "propia-2026-y")
    qtbot.keyClicks(screen.repeat_password, "otra-cosa-2026")
    qtbot.mouseClick(screen.change, Qt.MouseButton.LeftButton)
    assert "no coinciden" in screen.message.text()
    qtbot.keyClicks(screen.new_password, "propia-2026-y")
    qtbot.keyClicks(screen.repeat_password, "propia-2026-y")
    qtbot.keyClick(screen.repeat_password, Qt.Key.Key_Return)
    settle(qtbot, live)
    settle(qtbot, live)
    qtbot.waitUntil(lambda: live.window.current_screen == "lookup")


def test_an_employer_signs_in_with_the_sat_test_fiel(
    qtbot: QtBot, live: Shell, backend: Running, shared_data: Path
) -> None:
    folder = shared_data / "sat-test-credentials" / "fake-fiel-EKU9003173C9"
    screen = live.screen("login")
    qtbot.mouseClick(screen.by_fiel, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.fiel_sign_in, Qt.MouseButton.LeftButton)
    assert "elija el certificado" in screen.message.text()
    screen.choose("cer", folder / "EKU9003173C9.cer")
    screen.choose("key", folder / "EKU9003173C9.key")
    qtbot.keyClicks(screen.fiel_password, "clave-mala-1")
    qtbot.keyClick(screen.fiel_password, Qt.Key.Key_Return)
    settle(qtbot, live)
    assert live.window.current_screen == "login" and screen.message.text()
    pin_fiel_certificate(backend.backend, (folder / "EKU9003173C9.cer").read_bytes())
    qtbot.keyClicks(screen.fiel_password, "12345678a")
    qtbot.keyClick(screen.fiel_password, Qt.Key.Key_Return)
    settle(qtbot, live)
    assert live.window.current_screen == "lookup"
    assert live.desk.login is not None and live.desk.login.role == "employer" and live.desk.login.signer


def test_signing_out_wipes_and_returns_to_the_login(qtbot: QtBot, live: Shell) -> None:
    sign_in(qtbot, live, "ventanilla", CLERK_PASSWORD)
    lookup = live.screen("lookup")
    qtbot.keyClicks(lookup.field, "HEGJ800101HDFRRN09")
    qtbot.mouseClick(live.window.bar.logout, Qt.MouseButton.LeftButton)
    settle(qtbot, live)
    assert live.window.current_screen == "login" and lookup.field.text() == ""
    assert not live.desk.signed_in


def test_a_technician_sees_no_person_work(qtbot: QtBot, live: Shell) -> None:
    sign_in(qtbot, live, "tecnico", TECH_PASSWORD)
    assert live.window.current_screen == "console" and live.desk.enrolment is None


def test_kiosk_mode_leaves_only_with_an_authorised_exit(
    qtbot: QtBot, backend: Running, station: Station
) -> None:
    context = open_station(station.data_dir, mode="test", test=True, allowed_drivers=SIM_DRIVERS)
    try:
        shell = Shell(Desk(context), "es_MX", kiosk_mode=True)
        qtbot.addWidget(shell.window)
        shell.show()
        shell.window.close()
        assert shell.window.isVisible()  # the window manager's close is ignored
        shell.request_exit()
        panel = shell.exit_panel
        qtbot.keyClicks(panel.username, "ventanilla")
        qtbot.keyClicks(panel.password, CLERK_PASSWORD)
        qtbot.keyClick(panel.password, Qt.Key.Key_Return)
        settle(qtbot, shell)
        assert shell.window.isVisible() and "no tiene permiso" in panel.error.text()
        qtbot.keyClicks(panel.username, "")
        panel.username.clear()
        qtbot.keyClicks(panel.username, "tecnico")
        qtbot.keyClicks(panel.password, TECH_PASSWORD)
        qtbot.keyClick(panel.password, Qt.Key.Key_Return)
        settle(qtbot, shell)
        assert not shell.window.isVisible()
        events = [
            (e.event, e.fields.get("allowed"))
            for e in context.audit.entries()
            if "exit_kiosk" in str(e.fields)
        ]
        assert events == [("access_denied", False), ("config_changed", True)]
        shell.controller.ticker.stop()
        shell.window.bar.timer.stop()
    finally:
        close_station(context)


def test_packets_delivered_later_are_announced(qtbot: QtBot, live: Shell) -> None:
    bar = live.window.bar
    bar.facts = {**bar.facts, "pending": 3}  # three were waiting at the last look
    bar.refresh()  # now none: the sender delivered them
    assert "3" in live.window.status.text() and "folio" in live.window.status.text()
