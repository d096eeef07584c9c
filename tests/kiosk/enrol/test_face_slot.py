"""The face's bookkeeping at its edges: which still is kept (a passing one over any failing one, the
better score among equals, the first on a tie), what is wiped, how attempts are counted and refused,
and what the operator is told when a face cannot be accepted yet."""

from __future__ import annotations

import pytest

from kiosk.enrol.face import FaceSlot, FaceVerdict
from kiosk.enrol.rules import FaceRules
from kiosk.errors import KioskError
from kiosk.messages import Message
from tests.fixtures.enrolment import face_capture


def slot(attempts: int = 3) -> FaceSlot:
    return FaceSlot(FaceRules(attempts=attempts))


def test_a_passing_still_is_kept_over_a_failing_one_with_a_higher_score() -> None:
    face = slot()
    failing, passing = face_capture(False, 95.0), face_capture(True, 60.0)
    assert face.offer(failing) is FaceVerdict.RETRY
    assert face.offer(passing) is FaceVerdict.ACCEPTED
    assert face.best is passing and face.done and not face.accepted_below_threshold
    assert not failing.token.any() and passing.token.any()  # the one not kept is wiped at once


def test_among_failing_stills_the_better_score_is_kept_and_a_tie_keeps_the_first() -> None:
    face = slot()
    first, tie, worse = face_capture(False, 70.0), face_capture(False, 70.0), face_capture(False, 69.9)
    face.offer(first)
    face.offer(tie)
    assert face.best is first and not tie.token.any()
    assert face.offer(worse) is FaceVerdict.NEEDS_CONFIRMATION
    assert face.best is first and first.token.any() and not worse.token.any()
    assert face.last is FaceVerdict.NEEDS_CONFIRMATION


def test_each_still_is_numbered_by_its_attempt() -> None:
    face = slot()
    stills = [face_capture(False, 50.0), face_capture(False, 40.0), face_capture(True, 80.0)]
    for still in stills:
        face.offer(still)
    assert [s.attempts for s in stills] == [1, 2, 3] and face.attempts == 3


def test_a_face_already_accepted_takes_no_other_still() -> None:
    face = slot()
    face.offer(face_capture(True))
    with pytest.raises(KioskError) as caught:
        face.offer(face_capture(True))
    assert caught.value.message == Message("enrol.face_already_done")


def test_no_still_is_taken_past_the_policy_s_attempts_and_the_limit_is_said() -> None:
    face = slot(attempts=2)
    assert [face.offer(face_capture(False)) for _ in range(2)] == [
        FaceVerdict.RETRY,
        FaceVerdict.NEEDS_CONFIRMATION,
    ]
    with pytest.raises(KioskError) as caught:
        face.offer(face_capture(True))
    assert caught.value.message == Message("enrol.no_attempts_left", {"attempts": 2})
    assert face.attempts == 2


def test_a_failed_face_is_accepted_only_once_the_attempts_ran_out_and_says_how_many_are_left() -> None:
    face = slot(attempts=3)
    with pytest.raises(KioskError) as nothing:
        face.accept_below_threshold("op-clerk")
    assert nothing.value.message == Message("enrol.nothing_to_accept")
    face.offer(face_capture(False))
    with pytest.raises(KioskError) as early:
        face.accept_below_threshold("op-clerk")
    assert early.value.message == Message("enrol.attempts_left", {"left": 2})
    assert not face.accepted and not face.accepted_below_threshold and face.confirmed_by is None
    face.offer(face_capture(False))
    face.offer(face_capture(False))
    face.accept_below_threshold("op-supervisor")
    assert face.done and face.accepted and face.accepted_below_threshold
    assert face.confirmed_by == "op-supervisor"


def test_retaking_the_face_starts_afresh_and_wipes_the_kept_still() -> None:
    face = slot(attempts=1)
    kept = face_capture(False)
    face.offer(kept)
    face.accept_below_threshold("op-supervisor")
    face.restart()
    assert not kept.token.any() and face.best is None
    assert (face.attempts, face.accepted, face.accepted_below_threshold) == (0, False, False)
    assert face.confirmed_by is None and face.last is None and not face.done
    assert face.offer(face_capture(True)) is FaceVerdict.ACCEPTED
