"""Fingers: the NFIQ 2 gate per finger at its exact boundary, retries, confirmations, exceptions."""

from __future__ import annotations

import numpy as np
import pytest

from devices.positions import Finger
from kiosk.enrol.confirm import Decision
from kiosk.enrol.fingers import Verdict
from kiosk.enrol.flow import Step
from kiosk.errors import KioskError
from tests.fixtures.enrolment import Bench, attempt, audit_events, to_fingers


def test_the_gate_accepts_exactly_at_the_threshold_and_not_below(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    first = flow.current
    assert flow.offer(attempt(39)) is Verdict.RETRY and flow.current == first
    assert flow.offer(attempt(40)) is Verdict.ACCEPTED and flow.current != first


def test_the_order_is_the_policy_s(bench: Bench) -> None:
    bench.set_policy(**{"fingers.order": ["left-little", "right-thumb"]})
    flow = to_fingers(bench.start())
    assert [s.finger for s in flow.slots] == [Finger.LEFT_LITTLE, Finger.RIGHT_THUMB]
    assert flow.current == Finger.LEFT_LITTLE


def test_all_fingers_done_moves_to_the_face(bench: Bench) -> None:
    bench.set_policy(**{"fingers.order": ["right-thumb", "right-index"]})
    flow = to_fingers(bench.start())
    flow.offer(attempt(60))
    assert flow.step is Step.FINGERS
    flow.offer(attempt(61))
    assert flow.step is Step.FACE and flow.current is None


def test_the_best_attempt_is_kept_and_the_others_wiped(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    low, better, worse = attempt(20, value=20), attempt(35, value=35), attempt(30, value=30)
    flow.offer(low)
    flow.offer(better)
    assert flow.offer(worse) is Verdict.NEEDS_CONFIRMATION
    slot = flow.current_slot
    assert slot is not None and slot.best is better
    assert not low.image.any() and not worse.image.any() and better.image.any()


def test_below_threshold_needs_the_operator_s_confirmation_not_silence(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    asked: list[object] = []
    flow.events.confirmation.connect(asked.append)
    for score in (10, 11):
        flow.offer(attempt(score))
    with pytest.raises(KioskError) as early:
        flow.accept_below_threshold()
    assert early.value.message.code == "enrol.nothing_to_accept"
    finger = flow.current
    assert flow.offer(attempt(12)) is Verdict.NEEDS_CONFIRMATION and flow.current == finger
    assert asked and asked[-1].decision is Decision.BELOW_THRESHOLD
    with pytest.raises(KioskError):
        flow.offer(attempt(90))  # no fourth attempt past the policy's three
    flow.accept_below_threshold()
    slot = flow.slot(finger)  # type: ignore[arg-type]
    assert slot.accepted_below_threshold and slot.confirmed_by == "op-clerk" and flow.current != finger
    assert "accepted_below_threshold" in audit_events(bench)


def test_the_policy_may_want_a_supervisor_below_threshold(bench: Bench) -> None:
    bench.set_policy(**{"fingers.below_threshold_confirmation": "supervisor", "fingers.attempts": 1})
    flow = to_fingers(bench.start())
    flow.offer(attempt(5))
    with pytest.raises(KioskError) as caught:
        flow.accept_below_threshold()
    assert caught.value.message.code == "enrol.supervisor_needed"
    about = flow.below_threshold_subject()
    confirmation = flow.supervisor_job(Decision.BELOW_THRESHOLD, about, "supervisora", "correcta")()
    flow.accept_below_threshold(confirmation)
    assert flow.slots[0].confirmed_by == "op-supervisor"


def test_three_duplicates_ask_for_an_exception_instead_of_crashing(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    flow.offer(attempt(70))
    finger = flow.current
    assert finger is not None
    verdicts = [flow.offer(attempt(80, duplicate_of=Finger.RIGHT_THUMB)) for _ in range(3)]
    assert verdicts == [Verdict.DUPLICATE, Verdict.DUPLICATE, Verdict.NEEDS_EXCEPTION]
    assert "duplicate_finger" in audit_events(bench)
    with pytest.raises(KioskError):
        flow.accept_below_threshold()
    with pytest.raises(KioskError) as caught:
        flow.record_exception(finger, "UP", "worn")
    assert caught.value.message.code == "enrol.supervisor_needed"
    about = flow.exception_subject(finger, "UP", "worn")
    confirmation = flow.supervisor_job(Decision.EXCEPTION, about, "supervisora", "correcta")()
    flow.record_exception(finger, "UP", "worn", confirmation=confirmation)
    assert flow.slot(finger).exception is not None and flow.current != finger


def test_a_duplicate_is_never_kept_as_the_finger(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    flow.offer(attempt(70))
    dup = attempt(95, duplicate_of=Finger.RIGHT_THUMB)
    flow.offer(dup)
    assert flow.current_slot is not None and flow.current_slot.best is None and not dup.image.any()


def test_exceptions_need_a_supervisor_unless_the_policy_says_otherwise(bench: Bench) -> None:
    bench.set_policy(**{"fingers.exceptions_need_supervisor": False})
    flow = to_fingers(bench.start())
    flow.record_exception(Finger.LEFT_LITTLE, "XX", "amputated")
    slot = flow.slot(Finger.LEFT_LITTLE)
    assert slot.exception is not None and slot.exception.supervisor_id is None
    assert flow.current == Finger.RIGHT_THUMB  # an exception ahead of time does not move the current finger


def test_a_supervisor_confirmation_is_for_one_finger_only(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    about = flow.exception_subject(Finger.LEFT_LITTLE, "XX", "amputated")
    confirmation = flow.supervisor_job(Decision.EXCEPTION, about, "supervisora", "correcta")()
    with pytest.raises(KioskError) as caught:
        flow.record_exception(Finger.LEFT_RING, "XX", "amputated", confirmation=confirmation)
    assert caught.value.message.code == "enrol.confirmation_mismatch"
    flow.record_exception(Finger.LEFT_LITTLE, "XX", "amputated", confirmation=confirmation)
    assert flow.slot(Finger.LEFT_LITTLE).exception.supervisor_id == "op-supervisor"  # type: ignore[union-attr]


def test_a_wrong_supervisor_password_is_refused_and_audited(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    about = flow.exception_subject(Finger.LEFT_LITTLE, "XX", "amputated")
    with pytest.raises(KioskError):
        flow.supervisor_job(Decision.EXCEPTION, about, "supervisora", "mala")()
    assert audit_events(bench)[-1] == "supervisor_override_failed"


@pytest.mark.parametrize(
    ("code", "reason", "note"),
    [("XX", "worn", None), ("UP", "amputated", None), ("UP", "other", None), ("ZZ", "x", None)],
)
def test_exception_codes_and_reasons_are_checked(
    bench: Bench, code: str, reason: str, note: str | None
) -> None:
    bench.set_policy(**{"fingers.exceptions_need_supervisor": False})
    flow = to_fingers(bench.start())
    with pytest.raises(KioskError):
        flow.record_exception(Finger.LEFT_LITTLE, code, reason, note)
    assert flow.slot(Finger.LEFT_LITTLE).exception is None


def test_capture_refuses_without_consent_standing(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    assert flow.consent is not None
    flow.consent.withdraw()
    with pytest.raises(KioskError) as caught:
        flow.offer(attempt(70))
    assert caught.value.message.code == "person.consent_refused"


def test_a_finger_from_a_job_that_outlived_its_visit_is_dropped_and_wiped(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    job = flow.capture_job()
    late = attempt(80)
    flow.wipe("idle")
    assert job.finish(late) is None and not late.image.any()


def test_an_idle_wipe_zeroes_every_kept_print(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    kept = [attempt(70), attempt(71)]
    for a in kept:
        flow.offer(a)
    flow.wipe("idle")
    assert all(not a.image.any() for a in kept)
    assert all(s.best is None for s in flow.slots) and flow.step is Step.ENDED


def test_capture_on_the_simulated_reader_scores_and_names_a_duplicate(bench: Bench) -> None:
    """The real capture path: the reader's state machine, NFIQ 2, templates and the duplicate check."""
    bench.set_policy(**{"fingers.order": ["right-thumb", "right-index"]})
    flow = to_fingers(bench.start())
    reader = bench.station.devices.reader
    assert reader is not None
    frames: list[object] = []
    reader.simulation.place(4242, Finger.RIGHT_THUMB)
    verdict = flow.capture_job(on_frame=frames.append)()
    reader.simulation.lift()
    assert verdict is Verdict.ACCEPTED and frames
    thumb = flow.slot(Finger.RIGHT_THUMB).best
    assert thumb is not None and thumb.nfiq2 >= 40 and thumb.template is not None
    reader.simulation.place(4242, Finger.RIGHT_THUMB)  # the thumb again, when the index is asked for
    verdict = flow.capture_job()()
    reader.simulation.lift()
    assert verdict is Verdict.DUPLICATE
    assert flow.slot(Finger.RIGHT_INDEX).best is None


def test_an_unplugged_reader_keeps_what_was_captured(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    flow.offer(attempt(70))
    messages: list[object] = []
    flow.events.message.connect(messages.append)
    reader = bench.station.devices.reader
    assert reader is not None
    bench.hardware.unplug(reader.device_id)
    assert flow.capture_job(timeout=2.0)() is None
    assert messages and messages[-1].message.code == "enrol.reader_unplugged"  # type: ignore[attr-defined]
    assert flow.step is Step.FINGERS and flow.slots[0].accepted and flow.slots[0].best is not None
    assert np.any(flow.slots[0].best.image)
