"""The live part of a capture: frames from a device, measured as they come, until one is kept.

These run in whatever thread calls them (the window's worker, the headless actor's own thread) and
touch nothing of the enrolment flow: they hand each frame and its live measure to `on_frame` (the
screen paints it, the tests count it) and stop when `cancel` is set. Frames are never copied anywhere
but to the callback; the callback must not keep them past the session (the screens paint and drop).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from devices.errors import StreamStopped
from devices.frames import Frame
from kiosk.enrol.face import FaceCapture, FaceStep


class Cancelled(Exception):
    """The operator moved on (an exception recorded, the session wiped) while a capture waited."""


@dataclass(frozen=True)
class FingerFrame:
    image: np.ndarray
    present: bool
    estimate: Any  # kiosk.quality.live.LiveEstimate, or None when the frame was not measured


@dataclass(frozen=True)
class FaceFrame:
    image: np.ndarray
    result: Any  # kiosk.quality.face.FaceResult
    progress: float  # 0-1 towards auto-capture
    guidance: Any  # Message | None: the one thing to tell the person now


def capture_finger(
    reader: Any,
    *,
    on_frame: Callable[[FingerFrame], None] | None = None,
    cancel: threading.Event | None = None,
    timeout: float = 10.0,
    require_lift: bool = False,
    estimate: bool = True,
) -> Frame:
    """Wait for a steady finger and return the reader's best frame (the generic reader decides)."""
    from kiosk.quality.live import live_estimate

    def frame_seen(frame: Frame) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        if on_frame is None:
            return
        present = frame.finger_present is not False
        measured = None
        if estimate and present:
            try:
                measured = live_estimate(frame.image, frame.ppi or 500)
            except ValueError:
                measured = None
        on_frame(FingerFrame(frame.image, present, measured))

    if cancel is not None and cancel.is_set():
        raise Cancelled()
    return reader.capture(timeout, on_frame=frame_seen, require_lift=require_lift)


def capture_face(
    camera: Any,
    step: FaceStep,
    *,
    on_frame: Callable[[FaceFrame], None] | None = None,
    cancel: threading.Event | None = None,
    timeout: float | None = 8.0,
) -> FaceCapture | None:
    """Preview until auto-capture fires (or `timeout`: then the still is taken and judged anyway)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    step.auto.reset()
    with camera.stream() as stream:
        while deadline is None or time.monotonic() < deadline:
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            try:
                frame = stream.read(timeout=2.0)
            except StreamStopped:
                raise Cancelled() from None
            result, ready = step.feed(frame.image)
            if on_frame is not None:
                on_frame(FaceFrame(frame.image, result, step.auto.progress, step.auto.guidance(result)))
            if ready:
                break
    if cancel is not None and cancel.is_set():
        raise Cancelled()
    still = camera.capture_still()
    return step.take(still.image)
