"""The per-finger policy: NFIQ 2 gates each finger alone, best attempt kept, duplicates named."""

from __future__ import annotations

import numpy as np
import pytest

from devices.positions import Finger
from kiosk.enrol.fingers import Attempt, FingerException, FingerSlot, Verdict
from kiosk.enrol.rules import FingerRules
from kiosk.errors import KioskError
from kiosk.policy import default_policy

RULES = FingerRules(order=(Finger.RIGHT_THUMB,), min_nfiq2=40, attempts=3)


def attempt(score: int, duplicate_of: Finger | None = None) -> Attempt:
    return Attempt(np.full((4, 4), score, np.uint8), 500, score, [], duplicate_of=duplicate_of)


def test_a_good_first_attempt_is_accepted() -> None:
    slot = FingerSlot(Finger.RIGHT_THUMB, RULES)
    assert slot.offer(attempt(55)) is Verdict.ACCEPTED
    assert slot.done and slot.best is not None and slot.best.nfiq2 == 55 and slot.attempts == 1


def test_below_threshold_retries_then_keeps_the_best_and_asks_for_confirmation() -> None:
    slot = FingerSlot(Finger.RIGHT_THUMB, RULES)
    assert slot.offer(attempt(20)) is Verdict.RETRY
    assert slot.offer(attempt(35)) is Verdict.RETRY
    assert slot.offer(attempt(30)) is Verdict.NEEDS_CONFIRMATION
    assert not slot.done and slot.best is not None and slot.best.nfiq2 == 35
    slot.accept_below_threshold()
    assert slot.done and slot.accepted_below_threshold


def test_one_bad_finger_is_never_averaged_away() -> None:
    good, bad = FingerSlot(Finger.RIGHT_THUMB, RULES), FingerSlot(Finger.RIGHT_INDEX, RULES)
    good.offer(attempt(90))
    bad.offer(attempt(10))
    assert good.done and not bad.done


def test_a_duplicate_is_not_kept_and_is_named() -> None:
    slot = FingerSlot(Finger.RIGHT_INDEX, RULES)
    dup = attempt(80, duplicate_of=Finger.RIGHT_THUMB)
    assert slot.offer(dup) is Verdict.DUPLICATE
    assert slot.best is None and not slot.done
    assert slot.offer(attempt(60)) is Verdict.ACCEPTED


def test_confirmation_needs_a_usable_attempt() -> None:
    slot = FingerSlot(Finger.RIGHT_INDEX, RULES)
    verdicts = [slot.offer(attempt(70, duplicate_of=Finger.RIGHT_THUMB)) for _ in range(3)]
    assert verdicts[-1] is Verdict.NEEDS_EXCEPTION
    with pytest.raises(KioskError):
        slot.accept_below_threshold()
    with pytest.raises(KioskError):
        slot.offer(attempt(70))  # no attempt past the policy's number


def test_an_exception_keeps_nothing_of_the_finger() -> None:
    slot = FingerSlot(Finger.LEFT_LITTLE, RULES)
    slot.offer(attempt(12))
    slot.mark_exception(FingerException("XX", "amputated"))
    assert slot.done and slot.best is None


def test_wipe_zeroes_the_pixels() -> None:
    slot = FingerSlot(Finger.RIGHT_THUMB, RULES)
    a = attempt(60)
    slot.offer(a)
    slot.wipe()
    assert slot.best is None and not a.image.any()


def test_the_default_policy_gates_each_finger_at_its_boundary() -> None:
    """The default policy's rules, applied: NFIQ 2 equal to the minimum passes, one below retries,
    and only the last allowed attempt asks for a confirmation (not a value copied from policy.py)."""
    import datetime as dt

    rules = FingerRules.from_policy(default_policy(1, dt.datetime.now(dt.UTC))["fingers"])
    assert rules.order[:4] == (Finger.RIGHT_THUMB, Finger.RIGHT_INDEX, Finger.LEFT_THUMB, Finger.LEFT_INDEX)
    assert len(set(rules.order)) == 10

    at_minimum = FingerSlot(Finger.RIGHT_THUMB, rules)
    assert at_minimum.offer(attempt(rules.min_nfiq2)) is Verdict.ACCEPTED

    below = FingerSlot(Finger.RIGHT_INDEX, rules)
    verdicts = [below.offer(attempt(rules.min_nfiq2 - 1)) for _ in range(rules.attempts)]
    assert verdicts == [Verdict.RETRY] * (rules.attempts - 1) + [Verdict.NEEDS_CONFIRMATION]
    assert not below.done


def test_the_default_duplicate_threshold_is_inclusive(monkeypatch: pytest.MonkeyPatch) -> None:
    """A match score equal to the policy's duplicate threshold names a duplicate; one below does not."""
    import datetime as dt

    from kiosk.quality import matching

    rules = FingerRules.from_policy(default_policy(1, dt.datetime.now(dt.UTC))["fingers"])
    checker = matching.DuplicateChecker(rules.duplicate_threshold)
    checker.add(Finger.RIGHT_THUMB, b"thumb")
    # Bozorth3 scores stand in for the probes, so the test sits exactly on the boundary.
    scores = {"at": rules.duplicate_threshold, "below": rules.duplicate_threshold - 1}
    monkeypatch.setattr(matching, "match_score", lambda probe, stored: scores[probe])
    found = checker.check("at", Finger.RIGHT_INDEX)
    assert found is not None and found.finger is Finger.RIGHT_THUMB
    assert checker.check("below", Finger.RIGHT_INDEX) is None
    assert checker.check("at", Finger.RIGHT_THUMB) is None  # a retake of the same finger
