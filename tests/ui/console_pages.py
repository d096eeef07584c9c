"""A console page on its own over the enrolment bench: the UiContext a page is built from, with an
operator of the chosen role signed in at the bench's station."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from kiosk.enrol.desk import Desk
from tests.fixtures.enrolment import Bench
from tests.ui.test_texts import visible_text_problems
from ui.background import Background
from ui.bridge import Bridge
from ui.context import UiContext
from ui.i18n import Translator
from ui.style import SHEET


def console(bench: Bench, role: str = "supervisor", language: str = "en") -> UiContext:
    desk = Desk(bench.station)
    desk._signed_in(bench.login(role))
    return UiContext(Translator(language), Background(), Bridge(), desk)


def opened(qtbot: QtBot, ui: UiContext, page_type: Callable[[UiContext], Any]) -> Any:
    """The page shown and entered, its first load finished."""
    page = page_type(ui)
    page.setStyleSheet(SHEET)
    qtbot.addWidget(page)
    page.resize(1200, 820)
    page.show()
    page.entered()
    settle(qtbot, ui)
    return page


def settle(qtbot: QtBot, ui: UiContext) -> None:
    qtbot.waitUntil(lambda: ui.background.running == 0, timeout=20_000)


def text_problems(ui: UiContext, page: Any) -> list[str]:
    class Holder:
        tr = ui.tr

    return visible_text_problems(Holder, page)  # type: ignore[arg-type]


def shot(page: Any, name: str) -> None:
    """For a person to look at (never committed): /tmp/supervisor-shots."""
    folder = Path("/tmp/supervisor-shots")
    folder.mkdir(exist_ok=True)
    page.grab().save(str(folder / f"{name}.png"))
