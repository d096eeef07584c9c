"""The face step: analyse preview frames, auto-capture after a stable passing run, take the still,
judge it again at full size, and crop the ISO/IEC 19794-5 token image. Nothing is written to disk.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

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

    @property
    def eyes(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """Eye centres in the token: fixed by the standard's geometry (subject's left eye on the right)."""
        width = self.token.shape[1]
        y = round(0.6 * width)
        return (round(0.625 * width), y), (round(0.375 * width), y)

    def wipe(self) -> None:
        self.token.fill(0)


class FaceStep:
    """Preview analysis and auto-capture over any camera of the device layer."""

    def __init__(self, policy: Any = None) -> None:
        from kiosk.quality.face import AutoCapture, FaceAnalyzer, FacePolicy

        self.policy = policy or FacePolicy()
        self.preview = FaceAnalyzer(self.policy, still=False)
        self.still = FaceAnalyzer(self.policy, still=True)
        self.auto = AutoCapture(self.policy)
        self.attempts = 0

    def close(self) -> None:
        self.preview.close()
        self.still.close()

    def feed(self, frame_rgb: np.ndarray) -> tuple[Any, bool]:
        """Analyse one preview frame; True when the stable run is complete and the still should be taken."""
        result = self.preview.analyze(frame_rgb)
        return result, self.auto.feed(result)

    def take(self, still_rgb: np.ndarray) -> FaceCapture | None:
        """Judge the still; None when it shows no usable face (the preview run starts again)."""
        from kiosk.quality.face import token_image

        self.attempts += 1
        result = self.still.analyze(still_rgb)
        if result.faces != 1 or result.landmarks is None:
            self.auto.reset()
            return None
        try:
            token = token_image(still_rgb, result)
        except ValueError:  # face too small for the token's minimum width
            self.auto.reset()
            return None
        pose = (result.pose.yaw, result.pose.pitch, result.pose.roll) if result.pose else None
        measures = {name: m.value for name, m in result.measures.items()}
        return FaceCapture(
            token, float(result.score), bool(result.passed), self.attempts, pose, measures, result.guidance
        )

    def run(self, camera: Any, timeout: float = 8.0) -> FaceCapture | None:
        """Headless use: preview until auto-capture (or the timeout), then the still.

        At the timeout the still is taken anyway and marked not passed: the operator decides on review.
        Each run is a new person in front of the camera: the stable run counts from nothing again.
        """
        self.auto.reset()
        deadline = time.monotonic() + timeout
        with camera.stream() as stream:
            while time.monotonic() < deadline:
                frame = stream.read(timeout=2.0)
                _, ready = self.feed(frame.image)
                if ready:
                    break
        return self.take(camera.capture_still().image)
