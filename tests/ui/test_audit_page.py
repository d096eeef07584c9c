"""The audit page: the chain verified on open, entries filtered and masked, a tampered log shown broken."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from tests.fixtures.enrolment import PERSON, Bench
from tests.fixtures.station_day import plain_visit, visit_with_decisions
from tests.ui.console_pages import console, opened, shot, text_problems
from ui.consoles.audit_page import AuditPage


def test_an_intact_log_is_verified_and_its_entries_filtered(qtbot: QtBot, bench: Bench) -> None:
    visit_with_decisions(bench)
    bench.station.audit.checkpoint()
    ui = console(bench)
    page = opened(qtbot, ui, AuditPage)
    assert page.browser is not None and page.browser.report.ok and page.browser.report.signatures_checked
    assert page.verdict.objectName() == "ok" and "audit log intact" in page.verdict.text()
    text = page.entries.toPlainText()
    assert "exception_confirmed" in text and PERSON.curp not in text and PERSON.curp[:4] + "*" in text
    assert not text_problems(ui, page)
    shot(page, "audit-intact")
    page.select(event="exception")
    rows = page.browser.select(page.shown())
    assert [e.event for e in rows] == ["exception"] and "bandaged" in page.entries.toPlainText()
    page.select(day=dt.datetime.now().astimezone().date(), actor="op-supervisor")
    assert {e.actor for e in page.browser.select(page.shown())} == {"op-supervisor"}
    page.select(day=dt.date(2001, 1, 1))  # a day not in the log: the list falls back to every day
    assert page.day_filter.currentData() is None


def test_a_tampered_log_is_shown_broken_with_where(qtbot: QtBot, bench: Bench) -> None:
    plain_visit(bench)
    bench.station.audit.checkpoint()
    path = sorted((bench.station.audit.directory).glob("audit-*.jsonl"))[0]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if '"event":"consent"' in line)
    lines[index] = lines[index].replace('"given":true', '"given":false')  # consent turned into a refusal
    path.chmod(0o600)
    path.write_text("".join(lines), encoding="utf-8")
    ui = console(bench)
    page = opened(qtbot, ui, AuditPage)
    assert page.browser is not None and not page.browser.report.ok
    assert page.verdict.objectName() == "error" and "TAMPERED" in page.verdict.text()
    seq = index + 1  # one entry per line from seq 1
    assert f"{path.name} line {index + 1} (seq {seq}): the entry was changed" in page.findings.text()
    assert page.browser.report.issues[0].seq == seq
    html = page.entries.toHtml().replace(" ", "")
    assert f'color:#b3261e;">{seq}<' in html  # the edited entry's row in red (style.BAD)
    shot(page, "audit-tampered")


def test_a_technician_sees_the_verdict_but_no_entries(qtbot: QtBot, bench: Bench) -> None:
    plain_visit(bench)
    bench.station.audit.checkpoint()
    ui = console(bench, "technician")
    page = opened(qtbot, ui, AuditPage)
    assert page.browser is not None and page.browser.report.ok and page.browser.entries == []
    assert page.hidden_note.isVisible() and not page.event_filter.isVisible()
    assert page.entries.toPlainText() == ""
