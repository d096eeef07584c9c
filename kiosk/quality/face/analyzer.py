"""`FaceAnalyzer`: one frame in, every face measure, the unified score and the guidance out.

Used by the live preview (every analysed frame, `still=False`) and on the captured still (`still=True`),
by the enrolment pipeline and the Qt screen alike. It holds mediapipe graphs, so it is reusable and
thread-confined: create it on the thread that analyses and keep it (creating the graphs costs ~100 ms,
a frame ~10 ms). In preview mode the landmark model tracks the face from frame to frame; on a still it
searches the whole image.
"""

from __future__ import annotations

import time
from types import TracebackType

import numpy as np

from kiosk.messages import msg
from kiosk.quality.face import score
from kiosk.quality.face.aligned import align
from kiosk.quality.face.detector import FaceDetector, PersonSegmenter
from kiosk.quality.face.geometry import GEOMETRY, single_face
from kiosk.quality.face.observation import Observation
from kiosk.quality.face.photometry import PHOTOMETRY
from kiosk.quality.face.policy import FacePolicy
from kiosk.quality.face.pose import head_pose
from kiosk.quality.face.result import MEASURES, FaceResult, Measure


class FaceAnalyzer:
    def __init__(
        self, policy: FacePolicy | None = None, still: bool = False, share: FaceAnalyzer | None = None
    ) -> None:
        """`share`: an analyser whose stateless graphs (face counting, segmentation) this one borrows, to
        keep one copy of each model in memory; it must outlive this one and never run at the same time."""
        self.policy = policy or FacePolicy()
        self.still = still
        self._detector: FaceDetector = FaceDetector(
            still=still,
            min_confidence=self.policy.min_detection_confidence,
            share=None if share is None else share._detector,
        )
        self._owns_segmenter = share is None
        self._segmenter: PersonSegmenter = PersonSegmenter() if share is None else share._segmenter

    def close(self) -> None:
        self._detector.close()
        if self._owns_segmenter:
            self._segmenter.close()

    def __enter__(self) -> FaceAnalyzer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def analyze(self, frame_rgb: np.ndarray) -> FaceResult:
        """Measure one uint8 HxWx3 RGB frame (the project's frame convention)."""
        start = time.perf_counter()
        frame = _checked(frame_rgb)
        height, width = frame.shape[:2]
        detection = self._detector.detect(frame)
        obs = Observation(width, height, self.still, self.policy, detection.faces, detection.points)
        if obs.points is not None:
            obs.pose = head_pose(obs.points, width, height)
            try:
                obs.aligned = align(frame, obs.points, segment=self._segmenter)
            except ValueError:  # the face's token area lies entirely outside the frame
                obs.aligned = None
        measures = _measure(obs)
        passed = all(m.passed for m in measures.values())
        return FaceResult(
            faces=obs.faces,
            passed=passed,
            score=score.unified(measures, obs.faces),
            measures=measures,
            guidance=score.guidance(measures),
            landmarks=obs.points,
            pose=obs.pose,
            ms=(time.perf_counter() - start) * 1000.0,
        )


def _measure(obs: Observation) -> dict[str, Measure]:
    measures = {"single_face": single_face(obs)}
    unmeasured = Measure(
        None, False, msg("quality.face.no_face" if obs.faces == 0 else "quality.face.look_at_camera")
    )
    for name in MEASURES[1:]:
        if obs.points is None:
            measures[name] = unmeasured
        elif name in GEOMETRY:
            measures[name] = GEOMETRY[name](obs)
        elif obs.aligned is None:
            measures[name] = Measure(None, False, msg("quality.face.centre"))
        else:
            measures[name] = PHOTOMETRY[name](obs)
    return measures


def _checked(frame: np.ndarray) -> np.ndarray:
    array = np.asarray(frame)
    if array.dtype != np.uint8 or array.ndim != 3 or array.shape[2] != 3:
        raise ValueError(f"expected a uint8 HxWx3 RGB frame, got {array.dtype} {array.shape}")
    if array.shape[0] < 16 or array.shape[1] < 16:
        raise ValueError(f"frame too small to analyse: {array.shape[1]}x{array.shape[0]}")
    return np.ascontiguousarray(array)
