"""Everything the measures read about one frame, computed once: landmarks, pose, the aligned face.

Measures are plain functions of an `Observation` and the policy, so each can be tested and read on its
own, and none recomputes what another already needed (the eye-to-chin length, the aligned crop, the
masks).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np

from kiosk.quality.face import landmarks as lm
from kiosk.quality.face.aligned import AlignedFace
from kiosk.quality.face.policy import FacePolicy
from kiosk.quality.face.pose import Pose


@dataclass
class Observation:
    width: int
    height: int
    still: bool
    policy: FacePolicy
    faces: int
    points: np.ndarray | None  # 478x2, pixels, of the face being measured
    pose: Pose | None = None
    aligned: AlignedFace | None = None

    @cached_property
    def t_metric(self) -> float:
        assert self.points is not None
        return lm.t_metric(self.points)

    @cached_property
    def inner_face(self) -> np.ndarray:
        """The face mask of the aligned crop shrunk by a few pixels, off the outline's edges."""
        assert self.aligned is not None
        mask = self.aligned.face_mask.astype(np.uint8)
        return cv2.erode(mask, np.ones((5, 5), np.uint8)) > 0
