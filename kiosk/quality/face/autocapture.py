"""Auto-capture: take the picture once every measure has passed for a stable run of analysed frames.

One passing frame is not enough: a person moving through the right pose passes for a frame or two on
the way. `stable_frames` consecutive passes (policy default 10, about two thirds of a second at 15 Hz)
mean the person is holding the pose. Any failing frame starts the count again. Thread-confined like the
analyser that feeds it.
"""

from __future__ import annotations

from kiosk.messages import Message, msg
from kiosk.quality.face.policy import FacePolicy
from kiosk.quality.face.result import FaceResult


class AutoCapture:
    def __init__(self, policy: FacePolicy | None = None) -> None:
        self.policy = policy or FacePolicy()
        if self.policy.stable_frames < 1:
            raise ValueError("stable_frames must be at least 1")
        self.run = 0
        self.best: FaceResult | None = None  # the highest-scoring frame of the current passing run

    def feed(self, result: FaceResult) -> bool:
        """Count one analysed frame; True once `stable_frames` consecutive frames have passed."""
        if not result.passed:
            self.reset()
            return False
        self.run += 1
        if self.best is None or result.score > self.best.score:
            self.best = result
        return self.run >= self.policy.stable_frames

    def reset(self) -> None:
        self.run = 0
        self.best = None

    @property
    def progress(self) -> float:
        """0-1: how far the current passing run is towards a capture (for the UI's ring)."""
        return min(1.0, self.run / self.policy.stable_frames)

    def guidance(self, result: FaceResult) -> Message | None:
        """What to tell the person about this frame: the fault to fix, or "hold still" while counting."""
        if result.guidance is not None:
            return result.guidance
        return msg("quality.face.hold_still") if self.run < self.policy.stable_frames else None
