"""Finger by finger: NFIQ 2 gates each finger on its own, the best attempt is kept, and a print that
matches a finger already taken in this session is caught and named at once.

`FingerSlot` is pure bookkeeping (no devices, no threads): a capture is scored by `judge`, and
`FingerSlot.offer` says what happens next. When the attempts run out the slot does not decide: it
says whether there is a usable print to accept below the threshold (`NEEDS_CONFIRMATION`) or none
at all (`NEEDS_EXCEPTION`: every attempt was another finger); the enrolment flow asks the role the
policy names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import numpy as np

from devices.positions import Finger
from kiosk.enrol.rules import FingerRules
from kiosk.errors import KioskError
from kiosk.messages import Message


class Verdict(StrEnum):
    ACCEPTED = "accepted"  # NFIQ 2 reached the threshold: go to the next finger
    RETRY = "retry"  # below the threshold, attempts left: ask again with the guidance
    DUPLICATE = "duplicate"  # the same finger as one already captured: ask for the right finger
    NEEDS_CONFIRMATION = "needs_confirmation"  # attempts exhausted: the best may be accepted, confirmed
    NEEDS_EXCEPTION = "needs_exception"  # attempts exhausted and none usable: only an exception is left


# ANSI/NIST-ITL exception codes and the reasons each admits.
EXCEPTION_REASONS: dict[str, tuple[str, ...]] = {
    "XX": ("amputated", "missing"),  # permanent
    "UP": ("bandaged", "injured", "scarred", "worn", "other"),  # unable to print
}
TEMPORARY_REASONS = frozenset({"bandaged", "injured"})  # the person should come back once healed
MAX_NOTE = 200


@dataclass
class Attempt:
    image: np.ndarray = field(repr=False)
    ppi: int
    nfiq2: int
    guidance: list[Message]
    template: Any = field(default=None, repr=False)
    duplicate_of: Finger | None = None
    duplicate_score: int = 0
    captured_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def wipe(self) -> None:
        self.image.fill(0)
        self.template = None


@dataclass(frozen=True)
class FingerException:
    code: str  # XX amputated/missing (permanent) or UP unable to print
    reason: str  # amputated, missing, bandaged, injured, scarred, worn, other
    note: str | None = None
    supervisor_id: str | None = None

    def __post_init__(self) -> None:
        reasons = EXCEPTION_REASONS.get(self.code)
        if reasons is None or self.reason not in reasons:
            raise KioskError("enrol.exception_bad_reason", code=self.code, reason=self.reason)
        note = (self.note or "").strip() or None
        if self.reason == "other" and not note:
            raise KioskError("enrol.exception_needs_note")
        if note is not None and len(note) > MAX_NOTE:
            raise KioskError("enrol.exception_note_too_long", limit=MAX_NOTE)
        object.__setattr__(self, "note", note)

    @property
    def temporary(self) -> bool:
        return self.reason in TEMPORARY_REASONS


@dataclass
class FingerSlot:
    finger: Finger
    rules: FingerRules
    attempts: int = 0
    best: Attempt | None = None
    accepted: bool = False
    accepted_below_threshold: bool = False
    confirmed_by: str | None = None  # who confirmed a below-threshold acceptance
    exception: FingerException | None = None
    last: Verdict | None = None

    @property
    def done(self) -> bool:
        return self.accepted or self.exception is not None

    @property
    def exhausted(self) -> bool:
        return self.attempts >= self.rules.attempts

    def offer(self, attempt: Attempt) -> Verdict:
        if self.done:
            raise KioskError(
                "enrol.finger_already_done", finger=Message(f"finger.{self.finger.name.lower()}")
            )
        if self.exhausted:
            raise KioskError("enrol.no_attempts_left", attempts=self.rules.attempts)
        self.attempts += 1
        if attempt.duplicate_of is not None:
            attempt.wipe()  # another finger's print is never kept
            self.last = Verdict.DUPLICATE if not self.exhausted else self._exhausted()
            return self.last
        if self.best is None or attempt.nfiq2 > self.best.nfiq2:
            if self.best is not None:
                self.best.wipe()
            self.best = attempt
        else:
            attempt.wipe()
        if attempt.nfiq2 >= self.rules.min_nfiq2:
            self.accepted = True
            self.last = Verdict.ACCEPTED
        else:
            self.last = Verdict.RETRY if not self.exhausted else self._exhausted()
        return self.last

    def _exhausted(self) -> Verdict:
        return Verdict.NEEDS_CONFIRMATION if self.best is not None else Verdict.NEEDS_EXCEPTION

    def accept_below_threshold(self, confirmed_by: str | None = None) -> None:
        """The best attempt, confirmed after the attempts ran out (recorded in the manifest)."""
        if self.best is None:
            raise KioskError("enrol.nothing_to_accept")
        if not self.exhausted:
            raise KioskError("enrol.attempts_left", left=self.rules.attempts - self.attempts)
        self.accepted = True
        self.accepted_below_threshold = True
        self.confirmed_by = confirmed_by

    def mark_exception(self, exception: FingerException) -> None:
        self.exception = exception
        self.accepted = False
        self.accepted_below_threshold = False
        self.wipe()  # nothing of an exception finger is kept

    def restart(self) -> None:
        """Take this finger again from the start (from the review): the old print is wiped."""
        self.wipe()
        self.attempts = 0
        self.accepted = self.accepted_below_threshold = False
        self.confirmed_by = None
        self.exception = None
        self.last = None

    def wipe(self) -> None:
        if self.best is not None:
            self.best.wipe()
        self.best = None

    @property
    def state(self) -> str:
        """What the hands diagram shows: pending, accepted, below_threshold, exception."""
        if self.exception is not None:
            return "exception"
        if self.accepted_below_threshold:
            return "below_threshold"
        if self.accepted:
            return "accepted"
        return "pending"


def judge(finger: Finger, image: np.ndarray, ppi: int, checker: Any) -> Attempt:
    """Score one capture: NFIQ 2 on the uncompressed image, then the session's duplicate check."""
    from kiosk.quality.matching import make_template
    from kiosk.quality.nfiq2 import nfiq2

    captured_at = datetime.now(UTC)
    result = nfiq2(image, ppi)
    attempt = Attempt(image, ppi, int(result.score), list(result.guidance), captured_at=captured_at)
    if result.score > 0:
        attempt.template = make_template(image, ppi)
        duplicate = checker.check(attempt.template)
        if duplicate is not None and duplicate.finger != finger:
            attempt.duplicate_of = duplicate.finger
            attempt.duplicate_score = int(duplicate.score)
            attempt.guidance = [
                Message(
                    "enrol.duplicate_finger", {"finger": Message(f"finger.{duplicate.finger.name.lower()}")}
                )
            ]
    return attempt
