"""The outbox page: packets by state with ages and codes, retry, export and import, the freeze banner."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.fixtures.enrolment import Bench
from tests.fixtures.media import full_medium, readonly_medium  # noqa: F401 (fixtures)
from tests.fixtures.station_day import backend_refuses, plain_visit
from tests.ui.console_pages import console, opened, settle, shot, text_problems
from ui.consoles.outbox_page import OutboxPage
from ui.qt import Qt


def test_packets_show_with_states_codes_and_a_rejected_one_is_retried(qtbot: QtBot, bench: Bench) -> None:
    plain_visit(bench)
    (rejected,) = backend_refuses(bench)
    waiting = plain_visit(bench)
    ui = console(bench)
    page = opened(qtbot, ui, OutboxPage)
    listing = page.packets.toPlainText()
    assert rejected in listing and waiting in listing and "unregistered_device" in listing
    assert "1 sealed" in page.counts.text() and "1 rejected" in page.counts.text()
    assert "30 days" in page.retention.text() and not page.banner.isVisible()
    assert not text_problems(ui, page)
    shot(page, "outbox-before-retry")
    assert page.retry_button.isEnabled() and page.retry_choice.currentData() == rejected
    qtbot.mouseClick(page.retry_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui)
    assert "back in the queue" in page.result.text() and page.result.objectName() == "ok"
    assert bench.station.outbox.get(rejected).state == "sealed"  # type: ignore[union-attr]
    assert "2 sealed" in page.counts.text() and not page.retry_button.isEnabled()


def test_export_then_import_through_the_page(qtbot: QtBot, bench: Bench, tmp_path: Path) -> None:
    first = plain_visit(bench)
    ui = console(bench, "technician")  # a technician moves packets too (no person data here)
    page = opened(qtbot, ui, OutboxPage)
    page.folder.setText(str(tmp_path / "stick"))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui)
    assert "1 packets exported" in page.result.text(), page.result.text()
    assert "exported" in page.packets.toPlainText() and (tmp_path / "stick" / f"{first}.kpk").is_file()
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)  # the same stick back: nothing new
    settle(qtbot, ui)
    assert "0 packets imported" in page.result.text() and "1 were already here" in page.result.text()


def _export_fails(qtbot: QtBot, bench: Bench, target: Path, name: str) -> None:
    packet_id = plain_visit(bench)
    ui = console(bench)
    page = opened(qtbot, ui, OutboxPage)
    page.folder.setText(str(target / "export"))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ui)
    assert page.result.objectName() == "error" and "nothing was lost" in page.result.text()
    row = bench.station.outbox.get(packet_id)
    assert row is not None and row.state == "sealed" and row.exported_at is None and row.blob is not None
    assert "exported" not in page.packets.toPlainText()
    shot(page, name)


def test_export_to_a_full_stick_says_nothing_was_lost(qtbot: QtBot, bench: Bench, full_medium: Path) -> None:  # noqa: F811
    _export_fails(qtbot, bench, full_medium, "outbox-full-stick")


def test_export_to_a_read_only_stick_says_nothing_was_lost(
    qtbot: QtBot,
    bench: Bench,
    readonly_medium: Path,  # noqa: F811
) -> None:
    _export_fails(qtbot, bench, readonly_medium, "outbox-readonly-stick")


def test_the_freeze_banner_says_how_to_clear_it(qtbot: QtBot, bench: Bench) -> None:
    plain_visit(bench)
    bench.set_policy(**{"freeze.max_undelivered": 0})
    ui = console(bench)
    page = opened(qtbot, ui, OutboxPage)
    assert page.banner.isVisible()
    assert "no new enrolments" in page.banner_text.text() and "export them" in page.banner_text.text()
    shot(page, "outbox-frozen")


def test_a_clerk_sees_the_outbox_but_cannot_move_packets(qtbot: QtBot, bench: Bench) -> None:
    plain_visit(bench)
    backend_refuses(bench)
    ui = console(bench, "clerk")
    page = opened(qtbot, ui, OutboxPage)
    assert "1 rejected" in page.counts.text()
    assert not page.export_button.isEnabled() and not page.retry_button.isEnabled()
