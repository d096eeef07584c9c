"""Fingers at their edges: what the audit log records of each attempt, acceptance and exception, what
the clerk is told when the reader fails, and which captures the flow refuses or drops. test_flow_fingers.py
covers the main path; this file pins the details the policy and the person at the window rely on."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from devices.errors import CentreFinger, RemoveFinger, ScanRetry, SwipeTooShort
from devices.positions import Finger
from kiosk.enrol.confirm import Decision
from kiosk.enrol.fingers import Verdict, judge
from kiosk.enrol.flow import Enrolment, Step
from kiosk.errors import KioskError
from kiosk.messages import Message
from kiosk.quality.matching import DuplicateChecker
from tests.fixtures.enrolment import (
    CLERK_ID,
    SUPERVISOR,
    Bench,
    attempt,
    audit_events,
    face_capture,
    heard,
    logged,
    to_fingers,
)

SUPERVISOR_ID = SUPERVISOR.operator_id


def reader_of(bench: Bench) -> Any:
    reader = bench.station.devices.reader
    assert reader is not None
    return reader


def supervisor_confirms(flow: Enrolment, decision: Decision, about: dict[str, Any]) -> Any:
    return flow.supervisor_job(decision, about, "supervisora", "correcta")()


# -- what the audit log and the screens learn ---------------------------------------------------------------
def test_every_attempt_is_audited_with_its_score_verdict_and_the_reader(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    told = heard(flow, "finger")
    low = attempt(35)
    assert flow.offer(low) is Verdict.RETRY
    info = reader_of(bench).info
    assert logged(bench, "capture_attempt") == [
        {
            "finger": "right-thumb",
            "nfiq2": 35,
            "verdict": "retry",
            "device": info.serial,
            "driver": info.driver_id,
        }
    ]
    event = told[-1]  # the screen's status line is drawn from these three
    assert event.slot is flow.slot(Finger.RIGHT_THUMB) and event.verdict is Verdict.RETRY
    assert event.attempt is low


def test_a_duplicate_is_audited_naming_the_finger_it_matched_and_the_score(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    flow.offer(attempt(70))
    again = attempt(80, duplicate_of=Finger.RIGHT_THUMB)
    again.duplicate_score = 57
    assert flow.offer(again) is Verdict.DUPLICATE
    assert logged(bench, "duplicate_finger") == [
        {"finger": "right-index", "matches": "right-thumb", "score": 57}
    ]


def test_exhausted_attempts_ask_the_right_decision_for_that_finger(bench: Bench) -> None:
    bench.set_policy(**{"fingers.attempts": 1})
    flow = to_fingers(bench.start())
    asked = heard(flow, "confirmation")
    assert flow.offer(attempt(10)) is Verdict.NEEDS_CONFIRMATION
    below = asked[-1]
    assert below.decision is Decision.BELOW_THRESHOLD and below.finger is Finger.RIGHT_THUMB
    assert below.supervisor is False  # the default policy lets the operator confirm a low score
    flow.accept_below_threshold()
    assert flow.offer(attempt(80, duplicate_of=Finger.RIGHT_THUMB)) is Verdict.NEEDS_EXCEPTION
    exception = asked[-1]  # every attempt was another finger: only an exception is left
    assert exception.decision is Decision.EXCEPTION and exception.finger is Finger.RIGHT_INDEX
    assert exception.supervisor is True


def test_accepting_below_the_threshold_records_the_kept_score_and_who_confirmed_it(bench: Bench) -> None:
    bench.set_policy(**{"fingers.below_threshold_confirmation": "supervisor", "fingers.attempts": 2})
    flow = to_fingers(bench.start())
    flow.offer(attempt(31))
    flow.offer(attempt(20))  # worse than the first: the first is the one kept
    told = heard(flow, "finger")
    confirmation = supervisor_confirms(flow, Decision.BELOW_THRESHOLD, flow.below_threshold_subject())
    flow.accept_below_threshold(confirmation)
    # What the supervisor confirmed is the finger and the score that will go into the packet.
    assert logged(bench, "supervisor_confirmed") == [
        {"clerk": CLERK_ID, "decision": "below_threshold", "finger": "right-thumb", "nfiq2": 31}
    ]
    assert logged(bench, "accepted_below_threshold") == [
        {"modality": "finger", "finger": "right-thumb", "nfiq2": 31, "confirmed_by": SUPERVISOR_ID}
    ]
    thumb = flow.slot(Finger.RIGHT_THUMB)
    event = told[-1]  # the screen says "accepted below the threshold" from this
    assert event.slot is thumb and event.verdict is Verdict.ACCEPTED and event.attempt is None
    assert thumb.accepted_below_threshold and flow.current == Finger.RIGHT_INDEX


def test_a_confirmation_asked_before_any_print_names_no_score_and_accepts_nothing(bench: Bench) -> None:
    bench.set_policy(**{"fingers.below_threshold_confirmation": "supervisor"})
    flow = to_fingers(bench.start())
    confirmation = supervisor_confirms(flow, Decision.BELOW_THRESHOLD, flow.below_threshold_subject())
    assert logged(bench, "supervisor_confirmed")[-1]["nfiq2"] == 0
    with pytest.raises(KioskError) as caught:
        flow.accept_below_threshold(confirmation)
    assert caught.value.message.code == "enrol.nothing_to_accept"
    assert flow.current == Finger.RIGHT_THUMB and not flow.slot(Finger.RIGHT_THUMB).done


# -- exceptions ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("supervisor", "code", "reason", "temporary"),
    [(True, "UP", "bandaged", True), (False, "XX", "missing", False)],
)
def test_an_exception_is_audited_with_its_code_reason_permanence_and_confirmer(
    bench: Bench, supervisor: bool, code: str, reason: str, temporary: bool
) -> None:
    bench.set_policy(**{"fingers.exceptions_need_supervisor": supervisor})
    flow = to_fingers(bench.start())
    told = heard(flow, "finger")
    about = flow.exception_subject(Finger.RIGHT_THUMB, code, reason)
    confirmation = supervisor_confirms(flow, Decision.EXCEPTION, about) if supervisor else None
    flow.record_exception(Finger.RIGHT_THUMB, code, reason, confirmation=confirmation)
    assert logged(bench, "exception") == [
        {
            "finger": "right-thumb",
            "code": code,
            "reason": reason,
            "temporary": temporary,  # a bandaged finger: the person should come back once healed
            "confirmed_by": SUPERVISOR_ID if supervisor else CLERK_ID,
        }
    ]
    thumb = flow.slot(Finger.RIGHT_THUMB)
    event = told[-1]  # no verdict and no attempt: the screen says "exception recorded"
    assert event.slot is thumb and event.verdict is None and event.attempt is None
    assert thumb.exception is not None and flow.current == Finger.RIGHT_INDEX


def test_the_supervisor_confirms_one_exception_code_and_reason_not_another(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    about = flow.exception_subject(Finger.LEFT_LITTLE, "XX", "amputated")
    confirmation = supervisor_confirms(flow, Decision.EXCEPTION, about)
    assert logged(bench, "exception_confirmed") == [
        {
            "clerk": CLERK_ID,
            "decision": "exception",
            "finger": "left-little",
            "code": "XX",
            "reason": "amputated",
        }
    ]
    with pytest.raises(KioskError) as caught:
        flow.record_exception(Finger.LEFT_LITTLE, "XX", "missing", confirmation=confirmation)
    assert caught.value.message.code == "enrol.confirmation_mismatch"
    assert flow.slot(Finger.LEFT_LITTLE).exception is None
    flow.record_exception(Finger.LEFT_LITTLE, "XX", "amputated", confirmation=confirmation)
    assert flow.slot(Finger.LEFT_LITTLE).exception.reason == "amputated"  # type: ignore[union-attr]


def test_the_note_of_an_exception_for_another_reason_is_kept_trimmed(bench: Bench) -> None:
    bench.set_policy(**{"fingers.exceptions_need_supervisor": False})
    flow = to_fingers(bench.start())
    flow.record_exception(Finger.LEFT_LITTLE, "UP", "other", "  burn scar, 2019  ")
    exception = flow.slot(Finger.LEFT_LITTLE).exception
    assert exception is not None and exception.note == "burn scar, 2019"
    assert exception.supervisor_id is None  # the clerk's own confirmation names no supervisor


def test_a_finger_already_captured_cannot_be_turned_into_an_exception(bench: Bench) -> None:
    bench.set_policy(**{"fingers.exceptions_need_supervisor": False})
    flow = to_fingers(bench.start())
    flow.offer(attempt(70))
    with pytest.raises(KioskError) as caught:
        flow.record_exception(Finger.RIGHT_THUMB, "UP", "worn")
    assert caught.value.message.code == "enrol.finger_already_done"
    assert caught.value.message.params == {"finger": Message("finger.right_thumb")}
    assert caught.value.render("en") == "the right thumb is already done"
    thumb = flow.slot(Finger.RIGHT_THUMB)
    assert thumb.accepted and thumb.exception is None and thumb.best is not None
    assert "exception" not in audit_events(bench)


def test_a_finger_the_policy_does_not_ask_for_is_refused_by_name(bench: Bench) -> None:
    bench.set_policy(
        **{"fingers.order": ["right-thumb", "right-index"], "fingers.exceptions_need_supervisor": False}
    )
    flow = to_fingers(bench.start())
    with pytest.raises(KioskError) as caught:
        flow.record_exception(Finger.LEFT_LITTLE, "XX", "missing")
    assert caught.value.message.code == "enrol.finger_not_in_policy"
    assert caught.value.message.params == {"finger": Message("finger.left_little")}
    assert caught.value.render("en") == "the policy does not ask for the left little finger"
    assert "exception" not in audit_events(bench) and flow.current == Finger.RIGHT_THUMB


# -- capture: refused, dropped, and what the clerk is told ---------------------------------------------
@pytest.mark.parametrize("duplicate", [False, True])
def test_no_capture_while_the_current_finger_waits_for_a_decision(bench: Bench, duplicate: bool) -> None:
    bench.set_policy(**{"fingers.attempts": 1})
    flow = to_fingers(bench.start())
    if duplicate:
        flow.offer(attempt(70))
        assert flow.offer(attempt(80, duplicate_of=Finger.RIGHT_THUMB)) is Verdict.NEEDS_EXCEPTION
    else:
        assert flow.offer(attempt(10)) is Verdict.NEEDS_CONFIRMATION
    with pytest.raises(KioskError) as caught:
        flow.capture_job()
    assert caught.value.message.code == "enrol.no_finger_to_capture"


def test_no_capture_on_a_reader_that_is_no_longer_usable(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    reader_of(bench).close()  # still the station's reader, but not open any more
    with pytest.raises(KioskError) as caught:
        flow.capture_job()
    assert caught.value.message.code == "enrol.no_reader"


def test_a_capture_that_returns_after_its_finger_became_an_exception_is_dropped(bench: Bench) -> None:
    bench.set_policy(**{"fingers.exceptions_need_supervisor": False})
    flow = to_fingers(bench.start())
    job = flow.capture_job()  # the thumb is being read when the clerk records it as missing
    flow.record_exception(Finger.RIGHT_THUMB, "XX", "amputated")
    late = attempt(80)
    assert job.finish(late) is None and not late.image.any()
    index = flow.slot(Finger.RIGHT_INDEX)  # the thumb's print is never given to the next finger
    assert flow.current == Finger.RIGHT_INDEX and index.attempts == 0 and index.best is None


def test_a_capture_from_before_a_retake_is_not_taken_as_the_retake(bench: Bench) -> None:
    bench.set_policy(**{"fingers.order": ["right-thumb"]})
    flow = to_fingers(bench.start())
    job = flow.capture_job()
    flow.offer(attempt(70))
    flow.offer_face(face_capture())
    flow.retake_finger(Finger.RIGHT_THUMB)
    late = attempt(80)
    assert job.finish(late) is None and not late.image.any()
    thumb = flow.slot(Finger.RIGHT_THUMB)
    assert flow.step is Step.FINGERS and thumb.attempts == 0 and not thumb.done
    assert flow.offer(attempt(75)) is Verdict.ACCEPTED
    assert flow.step is Step.REVIEW  # the face was taken already: back to the review, not to the camera


def test_a_print_offered_from_outside_a_capture_job_enters_the_duplicate_check(bench: Bench) -> None:
    """`offer` takes a capture scored elsewhere: the thumb kept that way is still named when it comes back."""
    bench.set_policy(**{"fingers.order": ["right-thumb", "right-index"]})
    flow = to_fingers(bench.start())
    reader = reader_of(bench)
    reader.simulation.place(4242, Finger.RIGHT_THUMB)
    frame = reader.capture(5.0)
    thumb = judge(Finger.RIGHT_THUMB, frame.image, frame.ppi or 500, DuplicateChecker())
    assert thumb.template is not None and flow.offer(thumb) is Verdict.ACCEPTED
    assert flow.capture_job()() is Verdict.DUPLICATE  # the same thumb, still on the glass, for the index
    reader.simulation.lift()
    assert logged(bench, "duplicate_finger")[-1]["matches"] == "right-thumb"
    assert flow.current == Finger.RIGHT_INDEX and flow.slot(Finger.RIGHT_INDEX).best is None


def test_a_print_kept_without_a_template_leaves_the_next_finger_s_duplicate_check_working(
    bench: Bench,
) -> None:
    bench.set_policy(**{"fingers.order": ["right-thumb", "right-index"], "fingers.attempts": 1})
    flow = to_fingers(bench.start())
    assert flow.offer(attempt(0)) is Verdict.NEEDS_CONFIRMATION  # NFIQ 2 could not score it: no template
    flow.accept_below_threshold()
    reader = reader_of(bench)
    reader.simulation.place(4242, Finger.RIGHT_INDEX)
    verdict = flow.capture_job()()
    reader.simulation.lift()
    assert verdict is Verdict.ACCEPTED and flow.step is Step.FACE


def test_a_finger_lifted_too_soon_is_told_and_costs_no_attempt(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    said = heard(flow, "message")
    reader_of(bench).simulation.place(4242, Finger.RIGHT_THUMB, lift_early=True)
    assert flow.capture_job(timeout=5.0)() is None
    assert [(e.message, e.level) for e in said] == [(Message("enrol.finger_lifted"), "warning")]
    assert flow.current == Finger.RIGHT_THUMB and flow.slot(Finger.RIGHT_THUMB).attempts == 0


def test_no_finger_in_time_is_told_as_such(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    said = heard(flow, "message")
    assert flow.capture_job(timeout=0.3)() is None
    assert [(e.message, e.level) for e in said] == [(Message("enrol.no_finger"), "warning")]
    assert flow.slot(Finger.RIGHT_THUMB).attempts == 0


def test_a_reader_fault_is_told_in_the_reader_s_own_words(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    said = heard(flow, "message")
    reader = reader_of(bench)
    reader.simulation.fail_next("lamp failed")
    assert flow.capture_job(timeout=5.0)() is None
    fault = Message("devices.error.hardware_fault", {"device": reader.device_id, "reason": "lamp failed"})
    assert [(e.message, e.level) for e in said] == [(fault, "warning")]
    assert flow.step is Step.FINGERS and flow.slot(Finger.RIGHT_THUMB).attempts == 0


def test_a_cancelled_capture_ends_quietly(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    said = heard(flow, "message")
    cancel = threading.Event()
    cancel.set()  # the clerk moved on before the reader was asked
    assert flow.capture_job(timeout=0.3, cancel=cancel)() is None
    assert said == [] and flow.slot(Finger.RIGHT_THUMB).attempts == 0


def test_a_new_impression_is_required_so_a_resting_finger_is_not_taken_again(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    said = heard(flow, "message")
    reader_of(bench).simulation.place(4242, Finger.RIGHT_THUMB)  # left on the glass, never lifted
    assert flow.capture_job(timeout=0.5, require_lift=True)() is None
    assert [e.message.code for e in said] == ["enrol.no_finger"]
    assert flow.slot(Finger.RIGHT_THUMB).attempts == 0


@pytest.mark.parametrize("kind", [ScanRetry, SwipeTooShort, CentreFinger, RemoveFinger])
def test_a_scan_to_retry_gives_the_reader_s_advice_not_no_finger(bench: Bench, kind: type[ScanRetry]) -> None:
    """The finger was on the reader: "no finger was placed in time" would tell the person otherwise."""
    flow = to_fingers(bench.start())
    said = heard(flow, "message")
    error = kind("reader-1", "off centre", seconds=2.0)
    assert flow.capture_job().fail(error) is None
    assert [(e.message, e.level) for e in said] == [
        (Message(kind.code, error.to_json()["params"]), "warning")
    ]
    assert flow.slot(Finger.RIGHT_THUMB).attempts == 0
