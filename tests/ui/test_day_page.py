"""The supervisor's day page over a station that worked: figures, the two charts, the decisions."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.fixtures.enrolment import PERSON, Bench
from tests.fixtures.station_day import backend_refuses, plain_visit, visit_with_decisions
from tests.ui.console_pages import console, opened, shot, text_problems
from ui.consoles.day_page import DaySummaryPage
from ui.consoles.nfiq_chart import BOTTOM, LEFT, RIGHT
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


def test_the_chart_is_painted_amber_below_the_threshold_and_green_above(qtbot: QtBot, bench: Bench) -> None:
    visit_with_decisions(bench)  # right thumb kept at 25 (below 40), the others at 66
    ui = console(bench)
    page = opened(qtbot, ui, DaySummaryPage)
    chart = page.by_finger
    image = chart.grab().toImage()
    ratio = image.width() / chart.width()  # the grab is in device pixels
    columns = len(chart.columns)
    cell = (chart.width() - LEFT - RIGHT) / columns
    y = int((chart.height() - BOTTOM - 22) * ratio)  # inside every bar, above the count written in it

    def colour(index: int) -> tuple[int, int, int]:
        c = image.pixelColor(int((LEFT + cell * (index + 0.5) + 8) * ratio), y)
        return c.red(), c.green(), c.blue()

    thumb, index_finger = colour(0), colour(1)
    assert chart.columns[0][0] == "right-thumb" and chart.columns[0][1].mean == 25
    assert thumb[0] > thumb[1] > thumb[2]  # amber: the mean is below the policy's 40
    assert index_finger[1] > index_finger[0]  # green
