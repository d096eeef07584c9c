"""The supervisor's day page over a station that worked: figures, the two charts, the decisions."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.fixtures.enrolment import PERSON, Bench
from tests.fixtures.station_day import backend_refuses, plain_visit, visit_with_decisions
from tests.ui.console_pages import console, opened, shot, text_problems
from ui.consoles.day_page import DaySummaryPage
from ui.qt import QLabel


def test_the_day_shows_figures_charts_and_who_confirmed(qtbot: QtBot, bench: Bench) -> None:
    visit_with_decisions(bench)
    plain_visit(bench, score=82)
    backend_refuses(bench)
    ui = console(bench)
    page = opened(qtbot, ui, DaySummaryPage)
    assert page.summary is not None and page.summary.sealed == 2
    figures = page.figures()
    assert (figures["sealed"], figures["reenrolments"], figures["rejected"], figures["confirmations"]) == (
        2,
        1,
        2,
        2,
    )
    assert page.by_finger.columns[0][0] == "right-thumb"  # the policy's order
    assert "R thumb: mean 53.5, from 25 to 82, 2 prints" in page.by_finger.accessibleDescription()
    assert len(page.by_device.columns) == 1
    html = page.decisions.toPlainText()
    assert "Exception" in html and "bandaged" in html and "op-supervisor ★" in html
    assert "Print below threshold" in html and "Re-enrolment" in html
    assert "unregistered_device" in html
    assert PERSON.curp not in html and PERSON.name not in html
    assert not text_problems(ui, page)
    shot(page, "day-en")
    ui.tr.set_language("es_MX")
    assert any(label.text() == "enrolamientos sellados" for label in page.findChildren(QLabel))
    assert "Excepción" in page.decisions.toPlainText()
    shot(page, "day-es")


def test_an_empty_day_says_so(qtbot: QtBot, bench: Bench) -> None:
    ui = console(bench)
    page = opened(qtbot, ui, DaySummaryPage)
    assert page.summary is not None and page.summary.started == 0
    assert page.by_finger.columns == [] and "No prints" in page.by_finger.accessibleDescription()
    assert "No decisions" in page.decisions.toPlainText()


def test_a_technician_is_refused_and_shown_nothing(qtbot: QtBot, bench: Bench) -> None:
    visit_with_decisions(bench)
    ui = console(bench, "technician")
    page = opened(qtbot, ui, DaySummaryPage)
    assert page.summary is None and page.status.objectName() == "error"
    assert "technician" in page.status.text() and page.decisions.toPlainText() == ""
    assert page.by_finger.columns == []
