"""The finger-on -> stable -> capture machine, fed frame by frame."""

from __future__ import annotations

import numpy as np

from devices.finger_tracker import FingerTracker, Phase, coverage, finger_in_image
from devices.frames import Frame


def _ridges(shift: int = 0, contrast: float = 1.0) -> np.ndarray:
    x = np.arange(300)[None, :] + shift
    stripes = 128 + 110 * contrast * np.sin(2 * np.pi * x / 9.0)
    image = np.full((300, 300), 248.0)
    image[50:250, 60:240] = np.broadcast_to(stripes, (300, 300))[50:250, 60:240]
    return image.astype(np.uint8)


def _frame(image: np.ndarray, seq: int, present: bool | None = None) -> Frame:
    return Frame(image, float(seq), seq, finger_present=present)


def test_coverage_tells_ridges_from_an_empty_sensor() -> None:
    blank = np.full((300, 300), 248, np.uint8)
    assert coverage(blank) == 0.0 and not finger_in_image(blank)
    assert coverage(_ridges()) > 0.3 and finger_in_image(_ridges())


def test_settling_then_stable_captures_the_crispest_frame() -> None:
    tracker = FingerTracker(stable_frames=3)
    phases = [tracker.feed(_frame(_ridges(shift=s), i)) for i, s in enumerate([12, 7, 3])]
    assert phases == [Phase.SETTLING] * 3  # still moving
    stable = [_ridges(contrast=c) for c in (0.97, 1.0, 0.98, 0.96)]  # three steady steps
    phases = [tracker.feed(_frame(img, 10 + i)) for i, img in enumerate(stable)]
    assert phases[-1] is Phase.CAPTURED
    assert tracker.best is not None and tracker.best.seq == 11  # the highest-contrast stable frame


def test_no_finger_waits_and_an_early_lift_is_reported() -> None:
    tracker = FingerTracker()
    blank = np.full((300, 300), 248, np.uint8)
    assert tracker.feed(_frame(blank, 1)) is Phase.WAITING
    tracker.feed(_frame(_ridges(), 2))
    assert tracker.feed(_frame(blank, 3)) is Phase.LIFTED
    assert tracker.feed(_frame(blank, 4)) is Phase.WAITING  # and starts over


def test_the_hardware_detector_wins_over_the_image() -> None:
    tracker = FingerTracker()
    assert tracker.feed(_frame(_ridges(), 1, present=False)) is Phase.WAITING
