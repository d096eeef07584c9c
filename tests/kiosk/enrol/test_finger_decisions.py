"""What the finger bookkeeping tells the operator when it refuses, and the state it leaves behind:
exception codes and notes, acceptance below the threshold, an exception after a confirmation, a retake."""

from __future__ import annotations

import pytest

from devices.positions import Finger
from kiosk.enrol.fingers import MAX_NOTE, FingerException, FingerSlot, Verdict
from kiosk.enrol.rules import FingerRules
from kiosk.errors import KioskError
from tests.kiosk.enrol.test_finger_slots import attempt

RULES = FingerRules(order=(Finger.RIGHT_THUMB,), min_nfiq2=40, attempts=3)


def said(caught: pytest.ExceptionInfo[KioskError]) -> tuple[str, str]:
    return caught.value.message.code, caught.value.render("en")


@pytest.mark.parametrize(("code", "reason"), [("XX", "bandaged"), ("UP", "amputated"), ("ZZ", "missing")])
def test_an_exception_s_reason_must_be_one_its_code_admits(code: str, reason: str) -> None:
    with pytest.raises(KioskError) as caught:
        FingerException(code, reason)
    assert said(caught) == (
        "enrol.exception_bad_reason",
        f"exception {code} does not admit the reason '{reason}'",
    )


def test_the_reason_other_needs_a_note_and_notes_are_bounded() -> None:
    for empty in (None, "", "   "):
        with pytest.raises(KioskError) as caught:
            FingerException("UP", "other", empty)
        assert said(caught) == ("enrol.exception_needs_note", "the reason 'other' needs a note")
    at_limit = FingerException("UP", "other", "  " + "n" * MAX_NOTE + "  ")
    assert at_limit.note == "n" * MAX_NOTE  # trimmed, and exactly the limit is allowed
    with pytest.raises(KioskError) as caught:
        FingerException("UP", "other", "n" * (MAX_NOTE + 1))
    assert said(caught) == (
        "enrol.exception_note_too_long",
        f"the note is too long (at most {MAX_NOTE} characters)",
    )


def test_a_blank_note_is_no_note_and_a_note_is_kept_trimmed() -> None:
    assert FingerException("XX", "amputated", "   ").note is None
    assert FingerException("UP", "scarred", " burn, 2019 ").note == "burn, 2019"
    assert FingerException("UP", "bandaged").temporary and not FingerException("XX", "missing").temporary


def test_accepting_below_the_threshold_says_why_it_cannot_yet() -> None:
    slot = FingerSlot(Finger.RIGHT_THUMB, RULES)
    with pytest.raises(KioskError) as caught:
        slot.accept_below_threshold()
    assert said(caught) == ("enrol.nothing_to_accept", "there is no capture to accept below the threshold")
    slot.offer(attempt(20))
    with pytest.raises(KioskError) as caught:
        slot.accept_below_threshold()
    assert said(caught) == (
        "enrol.attempts_left",
        "2 attempts are left; try again before accepting below the threshold",
    )
    slot.offer(attempt(25))
    slot.offer(attempt(22))
    slot.accept_below_threshold(confirmed_by="sup-1")
    assert slot.state == "below_threshold" and slot.confirmed_by == "sup-1" and slot.best.nfiq2 == 25


def test_an_exception_after_an_acceptance_below_the_threshold_replaces_it() -> None:
    slot = FingerSlot(Finger.RIGHT_THUMB, RULES)
    for score in (20, 25, 22):
        slot.offer(attempt(score))
    slot.accept_below_threshold()
    slot.mark_exception(FingerException("UP", "injured"))
    assert slot.accepted is False and slot.accepted_below_threshold is False
    assert slot.state == "exception" and slot.done and slot.best is None


def test_a_retake_starts_the_finger_from_nothing() -> None:
    slot = FingerSlot(Finger.RIGHT_THUMB, RULES)
    for score in (20, 25, 22):
        slot.offer(attempt(score))
    slot.accept_below_threshold(confirmed_by="sup-1")
    slot.restart()
    assert slot.attempts == 0 and slot.best is None and slot.last is None and slot.confirmed_by is None
    assert slot.accepted is False and slot.accepted_below_threshold is False and slot.state == "pending"
    # All the policy's attempts are there again: two retries before a decision is needed.
    assert [slot.offer(attempt(10)) for _ in range(3)] == [
        Verdict.RETRY,
        Verdict.RETRY,
        Verdict.NEEDS_CONFIRMATION,
    ]


def test_offering_past_the_end_says_why() -> None:
    slot = FingerSlot(Finger.RIGHT_THUMB, RULES)
    slot.offer(attempt(80))
    with pytest.raises(KioskError) as caught:
        slot.offer(attempt(80))
    assert said(caught) == ("enrol.finger_already_done", "the right thumb is already done")
    spent = FingerSlot(Finger.RIGHT_INDEX, RULES)
    for _ in range(3):
        spent.offer(attempt(10))
    with pytest.raises(KioskError) as caught:
        spent.offer(attempt(10))
    assert caught.value.message.code == "enrol.no_attempts_left"
    assert "the 3 attempts the policy allows were made" in caught.value.render("en")
