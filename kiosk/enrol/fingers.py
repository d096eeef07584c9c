"""Finger by finger: NFIQ 2 gates each finger on its own, the best attempt is kept, and a print that
matches a finger already taken in this session is caught and named at once.

`FingerSlot` is pure bookkeeping (no devices, no threads): the screen or the headless runner captures a
frame, `judge` scores it, and `FingerSlot.offer` says what happens next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from devices.positions import Finger
from kiosk.enrol.rules import FingerRules
from kiosk.messages import Message


class Verdict(StrEnum):
    ACCEPTED = "accepted"  # NFIQ 2 reached the threshold: go to the next finger
    RETRY = "retry"  # below the threshold, attempts left: ask again with the guidance
    DUPLICATE = "duplicate"  # the same finger as one already captured: ask for the right finger
    NEEDS_CONFIRMATION = "needs_confirmation"  # attempts exhausted: the operator may accept the best one


@dataclass
class Attempt:
    image: np.ndarray = field(repr=False)
    ppi: int
    nfiq2: int
    guidance: list[Message]
    template: Any = field(default=None, repr=False)
    duplicate_of: Finger | None = None
    duplicate_score: int = 0


@dataclass
class FingerException:
    code: str  # XX amputated/missing (permanent) or UP unable to print
    reason: str  # amputated, missing, bandaged, injured, scarred, worn, other
    note: str | None = None
    supervisor_id: str | None = None


@dataclass
class FingerSlot:
    finger: Finger
    rules: FingerRules
    attempts: int = 0
    best: Attempt | None = None
    accepted: bool = False
    accepted_below_threshold: bool = False
    exception: FingerException | None = None

    @property
    def done(self) -> bool:
        return self.accepted or self.exception is not None

    def offer(self, attempt: Attempt) -> Verdict:
        self.attempts += 1
        if attempt.duplicate_of is not None:
            return Verdict.DUPLICATE if self.attempts < self.rules.attempts else self._exhausted()
        if self.best is None or attempt.nfiq2 > self.best.nfiq2:
            self.best = attempt
        if attempt.nfiq2 >= self.rules.min_nfiq2:
            self.accepted = True
            return Verdict.ACCEPTED
        return Verdict.RETRY if self.attempts < self.rules.attempts else self._exhausted()

    def _exhausted(self) -> Verdict:
        return Verdict.NEEDS_CONFIRMATION

    def accept_below_threshold(self) -> None:
        """The operator confirms the best attempt after the attempts ran out (recorded in the manifest)."""
        if self.best is None:
            raise ValueError("no usable attempt to accept")
        self.accepted = True
        self.accepted_below_threshold = True

    def mark_exception(self, exception: FingerException) -> None:
        self.exception = exception
        self.best = None  # nothing of an exception finger is kept

    def wipe(self) -> None:
        if self.best is not None:
            self.best.image.fill(0)
        self.best = None


def judge(finger: Finger, image: np.ndarray, ppi: int, checker: Any) -> Attempt:
    """Score one capture: NFIQ 2 on the uncompressed image, then the session's duplicate check."""
    from kiosk.quality.matching import make_template
    from kiosk.quality.nfiq2 import nfiq2

    result = nfiq2(image, ppi)
    attempt = Attempt(image, ppi, int(result.score), list(result.guidance))
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
