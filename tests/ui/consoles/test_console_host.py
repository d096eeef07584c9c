"""The console host: a technician lands in it, a supervisor opens it from the bar and comes back."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.fixtures.enrolment import Bench
from tests.ui.conftest import settle
from ui.consoles import pages
from ui.consoles.pages import PageSpec
from ui.qt import QLabel, Qt
from ui.shell import Shell


def test_a_technician_lands_in_the_console_with_the_devices_page(qtbot: QtBot, shell: Shell, bench: Bench):
    shell.desk._signed_in(bench.login("technician"))
    assert shell.window.current_screen == "console"
    host = shell.screen("console")
    assert list(host.tabs) == ["devices", "outbox", "audit"]  # never the day: it is a supervisor's
    assert host.current == "devices"
    assert not host.back.isVisible()
    assert not shell.window.bar.console.isVisible()
    assert shell.desk.enrolment is None  # no visit was started for a technician
    qtbot.waitUntil(lambda: host.page("devices").scans > 0, timeout=10_000)
    settle(qtbot, shell)


def test_a_supervisor_opens_the_console_and_comes_back(qtbot: QtBot, shell: Shell, bench: Bench, monkeypatch):
    monkeypatch.setattr(pages, "PAGE_SPECS", [*pages.PAGE_SPECS, PageSpec("day", lambda ui: QLabel("day"))])
    shell.desk._signed_in(bench.login("supervisor"))
    assert shell.window.current_screen == "lookup"
    bar = shell.window.bar
    bar.refresh()
    assert bar.console.isVisible()
    qtbot.mouseClick(bar.console, Qt.MouseButton.LeftButton)
    assert shell.window.current_screen == "console"
    host = shell.screen("console")
    assert list(host.tabs) == ["day", "outbox", "audit"]  # devices is a technician's page
    assert host.back.isVisible()
    assert shell.desk.enrolment is None
    qtbot.mouseClick(host.back, Qt.MouseButton.LeftButton)
    assert shell.window.current_screen == "lookup"
    assert shell.desk.enrolment is not None
    assert host.pages == {}  # torn down: nothing waits behind the flow


def test_a_supervisor_serving_a_person_finishes_first(qtbot: QtBot, shell: Shell, bench: Bench):
    from tests.fixtures.enrolment import PERSON

    shell.desk._signed_in(bench.login("supervisor"))
    flow = shell.desk.enrolment
    flow.lookup(PERSON.curp)()
    shell.controller.open_console()
    assert shell.window.current_screen == "lookup"
    assert shell.desk.enrolment is flow and not flow.ended
    assert shell.window.status.text() == shell.tr("ui.console.finish_visit_first")


def test_a_page_that_fails_to_build_is_a_line_on_its_tab(
    qtbot: QtBot, shell: Shell, bench: Bench, monkeypatch
):
    def broken(ui):
        raise RuntimeError("no")

    monkeypatch.setattr(pages, "PAGE_SPECS", [PageSpec("devices", broken)])
    shell.desk._signed_in(bench.login("technician"))
    page = shell.screen("console").page("devices")
    assert isinstance(page, QLabel)
    assert "RuntimeError" in page.text()


def test_signing_out_tears_the_console_down(qtbot: QtBot, shell: Shell, bench: Bench):
    shell.desk._signed_in(bench.login("technician"))
    host = shell.screen("console")
    settle(qtbot, shell)
    shell.desk.logout("logout")()
    assert shell.window.current_screen == "login"
    assert host.pages == {} and host.tabs == {}
