"""The submit screen: the job runs off the GUI thread with its stages; a full disk loses nothing and the
clerk tries again."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.enrol.flow import Enrolment, Step
from kiosk.errors import KioskError
from tests.fixtures.enrolment import Bench, all_fingers, face_capture, to_fingers
from tests.fixtures.receipts import answer_packets
from tests.ui.conftest import settle
from tests.ui.screen_checks import unfinished
from ui.qt import Qt
from ui.shell import Shell


def at_review(shell: Shell) -> Enrolment:
    flow = shell.desk.enrolment
    assert flow is not None
    to_fingers(flow)
    all_fingers(flow)
    flow.offer_face(face_capture(True))
    assert flow.step is Step.REVIEW
    return flow


def test_sealing_and_delivery_are_ticked_off_then_the_receipt_shows(
    qtbot: QtBot, signed_in: Shell, bench: Bench
) -> None:
    answer_packets(bench)
    flow = at_review(signed_in)
    screen = signed_in.screen("submit")
    heard: list[str] = []
    original = screen._stage
    screen._stage = lambda run, stage: (heard.append(stage), original(run, stage))  # type: ignore[method-assign]
    flow.confirm_review()
    assert signed_in.window.current_screen == "submit" and screen.running
    settle(qtbot, signed_in)
    assert heard == ["sealing", "queued", "delivering"]
    assert [screen.marks[s].text() for s in ("sealing", "queued", "delivering")] == ["✓", "✓", "✓"]
    assert signed_in.window.current_screen == "receipt" and flow.receipt is not None
    assert flow.receipt.kind == "acuse"


def test_a_full_disk_loses_nothing_and_the_clerk_tries_again(
    qtbot: QtBot, signed_in: Shell, bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    flow = at_review(signed_in)
    screen = signed_in.screen("submit")

    def full(*args: object, **kwargs: object) -> bool:
        raise KioskError("outbox.disk_full", path=str(bench.station.outbox.path))

    monkeypatch.setattr(type(bench.station.outbox), "add", full)
    flow.confirm_review()
    settle(qtbot, signed_in)
    assert signed_in.window.current_screen == "submit" and flow.step is Step.SUBMIT
    assert "el disco está lleno" in screen.error.text() and screen.nothing_lost.isVisible()
    assert screen.retry.isVisible() and screen.retry.hasFocus() and screen.marks["sealing"].text() == "✗"
    assert all(s.best is not None and s.best.image.any() for s in flow.slots)  # still in memory
    assert unfinished(signed_in, screen) == []
    assert flow.face.best is not None and flow.face.best.token.any()
    monkeypatch.undo()
    qtbot.keyClick(screen.retry, Qt.Key.Key_Return)
    settle(qtbot, signed_in)
    assert signed_in.window.current_screen == "receipt" and flow.receipt is not None
    assert flow.receipt.kind == "provisional"  # the bench's backend does not answer packets
    assert bench.station.outbox.counts()["sealed"] == 1
    assert not screen.retry.isVisible() and screen.error.text() == ""
