"""The finger-on -> stable -> capture state machine, as plain logic fed one frame at a time.

libfprint's image device owns this machine so that scanner drivers stay small; here it is also free of
threads and devices, so it can be tested frame by frame. "Stable" means several consecutive frames that
barely differ (the finger stopped settling and pressing); the capture is the best of those frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from devices.frames import Frame, Image

BLOCK = 16
RIDGE_STD = 12.0  # grey-level spread of a block that holds ridges; a bare sensor stays well below it
MIN_COVERAGE = 0.08  # share of ridged blocks above which a finger is on the sensor


def coverage(image: Image) -> float:
    """Share of 16x16 blocks that look like ridges: the image's own answer to "is a finger there?"."""
    h, w = (image.shape[0] // BLOCK) * BLOCK, (image.shape[1] // BLOCK) * BLOCK
    if h == 0 or w == 0:
        return 0.0
    blocks = image[:h, :w].astype(np.float32).reshape(h // BLOCK, BLOCK, w // BLOCK, BLOCK)
    return float((blocks.std(axis=(1, 3)) > RIDGE_STD).mean())


def finger_in_image(image: Image) -> bool:
    return coverage(image) >= MIN_COVERAGE


class Phase(StrEnum):
    WAITING = "waiting"  # no finger yet
    SETTLING = "settling"  # a finger, still moving or pressing
    CAPTURED = "captured"  # stable: `best` holds the capture
    LIFTED = "lifted"  # the finger left before it was stable


@dataclass
class FingerTracker:
    stable_frames: int = 3  # consecutive frames within `max_change` of their predecessor
    max_change: float = 6.0  # mean absolute grey-level change between frames (4x subsampled)
    phase: Phase = Phase.WAITING
    best: Frame | None = None
    _previous: npt.NDArray[np.float32] | None = field(default=None, repr=False)
    _run: list[tuple[float, Frame]] = field(default_factory=list, repr=False)

    def present(self, frame: Frame) -> bool:
        if frame.finger_present is not None:
            return frame.finger_present
        return finger_in_image(frame.image)

    def feed(self, frame: Frame) -> Phase:
        if self.phase in (Phase.CAPTURED, Phase.LIFTED):
            self.reset()
        if not self.present(frame):
            lifted = self.phase is Phase.SETTLING
            self.reset()
            self.phase = Phase.LIFTED if lifted else Phase.WAITING
            return self.phase
        small = frame.image[::4, ::4].astype(np.float32)
        steady = (
            self._previous is not None
            and self._previous.shape == small.shape
            and float(np.abs(small - self._previous).mean()) <= self.max_change
        )
        self._previous = small
        if steady:
            self._run.append((_sharpness(frame.image), frame))
        else:
            self._run = [(_sharpness(frame.image), frame)]
        self.phase = Phase.SETTLING
        if len(self._run) > self.stable_frames:
            self.best = max(self._run, key=lambda item: item[0])[1]
            self.phase = Phase.CAPTURED
        return self.phase

    def reset(self) -> None:
        self.phase, self.best, self._previous, self._run = Phase.WAITING, None, None, []


def _sharpness(image: Image) -> float:
    """Contrast of the ridge area: among near-identical stable frames, prefer the crispest."""
    small = image[::2, ::2].astype(np.float32)
    return float(np.abs(np.diff(small, axis=1)).mean() + np.abs(np.diff(small, axis=0)).mean())
