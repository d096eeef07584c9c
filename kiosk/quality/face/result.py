"""What a face analysis returns: one `Measure` per quality measure, the verdict and the guidance.

The measure names are fixed (the enrolment manifest, the UI and `kiosk quality face --json` use them),
and so is their order: `MEASURES` is also the order in which faults are put to the person, the first
failing one being the one thing they are asked to fix (see `score.guidance`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from kiosk.messages import DEFAULT_LANGUAGE, Message
from kiosk.quality.face.pose import Pose

MEASURES = (
    "single_face",
    "inter_eye_distance",
    "head_size",
    "centring",
    "luminance",
    "exposure",
    "yaw",
    "pitch",
    "roll",
    "eyes_open",
    "mouth_closed",
    "illumination_uniformity",
    "sharpness",
    "background_uniformity",
)


@dataclass(frozen=True)
class Measure:
    """A value, its verdict against the policy and a sentence for the person.

    `quality` (0-1) feeds the unified score: 0.5 exactly at the policy limit, 1 comfortably inside it,
    0 far outside. `value` is None when the measure could not be taken (no face, face off the frame).
    """

    value: float | None
    passed: bool
    message: Message
    quality: float = 0.0

    def to_json(self, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        value = None if self.value is None else round(float(self.value), 4)
        return {"value": value, "passed": self.passed, "message": self.message.render(language)}


@dataclass
class FaceResult:
    faces: int
    passed: bool
    score: float
    measures: dict[str, Measure]
    guidance: Message | None
    landmarks: np.ndarray | None = None  # 478x2 pixel coordinates of the measured face
    pose: Pose | None = None
    ms: float = 0.0

    def failed(self) -> list[str]:
        return [name for name in MEASURES if name in self.measures and not self.measures[name].passed]

    def to_json(self, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "faces": self.faces,
            "passed": self.passed,
            "score": round(self.score, 1),
            "guidance": self.guidance.render(language) if self.guidance else None,
            "measures": {name: m.to_json(language) for name, m in self.measures.items()},
            "ms": round(self.ms, 2),
        }
