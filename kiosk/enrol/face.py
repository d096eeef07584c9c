"""The face step: analyse preview frames, auto-capture after a stable passing run, take the still,
judge it again at full size, and crop the ISO/IEC 19794-5 token image. Nothing is written to disk.

`FaceStep` holds the analysers (thread-confined: the preview loop's thread uses them); `FaceSlot` is the
bookkeeping the enrolment flow decides on, like `FingerSlot` for a finger: a still that fails its checks
is never sealed silently, it is retaken while attempts remain and then accepted below the checks only
with the confirmation the policy names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import numpy as np

from kiosk.enrol.rules import FaceRules
from kiosk.errors import KioskError
from kiosk.messages import Message


@dataclass
class FaceCapture:
    token: np.ndarray = field(repr=False)  # RGB token-frontal image
    score: float
    passed: bool
    attempts: int
    pose: tuple[float, float, float] | None
    measures: dict[str, float | bool | None]
    guidance: Message | None
    failed: tuple[str, ...] = ()
    captured_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def eyes(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """Eye centres in the token: fixed by the standard's geometry (subject's left eye on the right)."""
        width = self.token.shape[1]
        y = round(0.6 * width)
        return (round(0.625 * width), y), (round(0.375 * width), y)

    def wipe(self) -> None:
        self.token.fill(0)


class FaceVerdict(StrEnum):
    ACCEPTED = "accepted"
    RETRY = "retry"  # failed its checks, attempts left: take it again with the guidance
    NEEDS_CONFIRMATION = "needs_confirmation"  # attempts exhausted: the best may be accepted, confirmed


@dataclass
class FaceSlot:
    rules: FaceRules
    attempts: int = 0
    best: FaceCapture | None = None
    accepted: bool = False
    accepted_below_threshold: bool = False
    confirmed_by: str | None = None
    last: FaceVerdict | None = None

    @property
    def done(self) -> bool:
        return self.accepted

    @property
    def exhausted(self) -> bool:
        return self.attempts >= self.rules.attempts

    def offer(self, capture: FaceCapture) -> FaceVerdict:
        if self.done:
            raise KioskError("enrol.face_already_done")
        if self.exhausted:
            raise KioskError("enrol.no_attempts_left", attempts=self.rules.attempts)
        self.attempts += 1
        capture.attempts = self.attempts
        if self.best is None or (capture.passed, capture.score) > (self.best.passed, self.best.score):
            if self.best is not None:
                self.best.wipe()
            self.best = capture
        else:
            capture.wipe()
        if capture.passed:
            self.accepted = True
            self.last = FaceVerdict.ACCEPTED
        else:
            self.last = FaceVerdict.NEEDS_CONFIRMATION if self.exhausted else FaceVerdict.RETRY
        return self.last

    def accept_below_threshold(self, confirmed_by: str | None = None) -> None:
        if self.best is None:
            raise KioskError("enrol.nothing_to_accept")
        if not self.exhausted:
            raise KioskError("enrol.attempts_left", left=self.rules.attempts - self.attempts)
        self.accepted = self.accepted_below_threshold = True
        self.confirmed_by = confirmed_by

    def restart(self) -> None:
        self.wipe()
        self.attempts = 0
        self.accepted = self.accepted_below_threshold = False
        self.confirmed_by = None
        self.last = None

    def wipe(self) -> None:
        if self.best is not None:
            self.best.wipe()
        self.best = None


class FaceStep:
    """Preview analysis and auto-capture over any camera of the device layer."""

    def __init__(self, policy: Any = None) -> None:
        from kiosk.quality.face import AutoCapture, FaceAnalyzer, FacePolicy

        self.policy = policy or FacePolicy()
        self.preview = FaceAnalyzer(self.policy, still=False)
        # The still borrows the preview's stateless graphs (~60 MB less): the two run one after the other.
        self.still = FaceAnalyzer(self.policy, still=True, share=self.preview)
        self.auto = AutoCapture(self.policy)

    def close(self) -> None:
        self.still.close()
        self.preview.close()

    def feed(self, frame_rgb: np.ndarray) -> tuple[Any, bool]:
        """Analyse one preview frame; True when the stable run is complete and the still should be taken."""
        result = self.preview.analyze(frame_rgb)
        return result, self.auto.feed(result)

    def take(self, still_rgb: np.ndarray) -> FaceCapture | None:
        """Judge the still; None when it shows no usable face (the preview run starts again)."""
        from kiosk.quality.face import token_image

        captured_at = datetime.now(UTC)
        self.auto.reset()
        result = self.still.analyze(still_rgb)
        if result.faces != 1 or result.landmarks is None:
            return None
        try:
            token = token_image(still_rgb, result)
        except ValueError:  # face too small for the token's minimum width
            return None
        pose = (result.pose.yaw, result.pose.pitch, result.pose.roll) if result.pose else None
        measures = {name: m.value for name, m in result.measures.items()}
        return FaceCapture(
            token,
            float(result.score),
            bool(result.passed),
            0,
            pose,
            measures,
            result.guidance,
            tuple(result.failed()),
            captured_at,
        )
