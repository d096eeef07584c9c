"""Two edges of a finger's bookkeeping: on a tie the first capture is kept (the later one is wiped at
once), and a wiped capture keeps neither its pixels nor its matcher template."""

from __future__ import annotations

import numpy as np

from devices.positions import Finger
from kiosk.enrol.fingers import Attempt, FingerSlot
from kiosk.enrol.rules import FingerRules

RULES = FingerRules(order=(Finger.RIGHT_THUMB,), min_nfiq2=40, attempts=3)


def capture(score: int) -> Attempt:
    return Attempt(np.full((8, 8), 200, np.uint8), 500, score, [], template=b"minutiae")


def test_a_tie_keeps_the_first_capture_and_wipes_the_later_one() -> None:
    slot = FingerSlot(Finger.RIGHT_THUMB, RULES)
    first, tie = capture(30), capture(30)
    slot.offer(first)
    slot.offer(tie)
    assert slot.best is first and first.image.any()
    assert not tie.image.any() and tie.template is None


def test_a_wiped_capture_keeps_neither_pixels_nor_template() -> None:
    attempt = capture(70)
    attempt.wipe()
    assert not attempt.image.any() and attempt.template is None
