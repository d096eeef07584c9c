"""Finding faces and their landmarks with mediapipe 0.10.21 (models bundled in the wheel, offline).

Three models, each for what it does best:
- the full-range BlazeFace detector (`model_selection=1`) counts faces, small and far ones included;
- FaceMesh with irises (`refine_landmarks=True`) gives the 478 landmarks every measure is built from;
- selfie segmentation separates the person from the background (for the background measure).
FaceMesh finds faces with its own short-range detector, which misses faces that are small in the frame
(a person standing far back in a 720p still). When the full-range detector sees a face the mesh missed,
the mesh runs again on a crop around it and the landmarks are mapped back, so the person can still be
told how far to come instead of "no face".

A `FaceDetector` holds mediapipe graphs: create one per thread and reuse it (graph creation costs far
more than a frame). In preview mode the mesh tracks across frames; a still is analysed on its own.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from kiosk.quality.face import landmarks as lm

# The crop around a detection the mesh is re-run on, in detection-box sizes: the mesh's own detector
# wants the face to fill a fair part of its input.
CROP_SCALE = 2.2


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float
    score: float

    @property
    def area(self) -> float:
        return max(0.0, self.x1 - self.x0) * max(0.0, self.y1 - self.y0)


@dataclass
class Detection:
    """What the detectors found in one frame; `points` are the landmarks (478x2, pixels) of one face."""

    boxes: list[Box] = field(default_factory=list)
    points: np.ndarray | None = None

    @property
    def faces(self) -> int:
        if self.boxes:
            return len(self.boxes)
        return 1 if self.points is not None else 0


def _quiet_native_logs() -> None:
    """mediapipe's C++ side logs start-up chatter to stderr; a command's output is for people."""
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@functools.cache
def _warm_frame() -> np.ndarray:
    """A frame with a face (the bundled demo portrait, non-square), so every native path runs once."""
    from kiosk.resources import resource_path

    path = resource_path("demo", "astronaut.png")
    image = cv2.imread(str(path)) if path.is_file() else None
    if image is None:
        return np.zeros((48, 64, 3), np.uint8)
    return np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB)[:, 32:-32])


def warmed(make: Callable[[], Any]) -> Any:
    """Build a graph and run it once on a frame with the process's stderr silenced.

    Its native start-up warnings ("Feedback manager requires a model with a single signature inference",
    "All log messages before absl::InitializeLog()...") come from C++ while the graph is built and on its
    first frame, past Python's logging and GLOG_minloglevel; after this they have been said to /dev/null.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            graph = make()
            graph.process(_warm_frame())
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    return graph


class FaceDetector:
    def __init__(self, still: bool, min_confidence: float = 0.5, share: FaceDetector | None = None) -> None:
        """`share`: another detector whose face-counting graph (stateless, ~50 MB) this one uses too; the
        two must never run at the same time (a face step's preview and still never do)."""
        _quiet_native_logs()
        from mediapipe.python.solutions import face_detection, face_mesh

        self._face_mesh = face_mesh
        self._owns_detector = share is None
        self._detector: Any
        if share is not None:
            self._detector = share._detector
        else:
            self._detector = warmed(
                lambda: face_detection.FaceDetection(
                    model_selection=1, min_detection_confidence=min_confidence
                )
            )
        self._mesh = warmed(
            lambda: face_mesh.FaceMesh(
                static_image_mode=still,
                max_num_faces=1,
                refine_landmarks=True,
                min_detection_confidence=min_confidence,
                min_tracking_confidence=0.5,
            )
        )
        self._min_confidence = min_confidence
        # Crops are meshed by a still-image graph (~27 MB each). A still's own mesh is one; a still that
        # shares a preview's graphs lends its mesh to that preview too, so neither builds another.
        self._still = still
        self._crop_mesh: Any = self._mesh if still else None
        self._owns_crop_mesh = False
        self._borrower: FaceDetector | None = None
        if still and share is not None and not share._still:
            share._borrow_crop_mesh(self)

    def _borrow_crop_mesh(self, lender: FaceDetector) -> None:
        if self._owns_crop_mesh and self._crop_mesh is not None:
            self._crop_mesh.close()
        self._crop_mesh, self._owns_crop_mesh = lender._mesh, False
        lender._borrower = self

    def close(self) -> None:
        if self._borrower is not None:  # the lent mesh closes now: the borrower builds its own if it must
            self._borrower._crop_mesh, self._borrower._owns_crop_mesh = None, False
            self._borrower = None
        own_crop = self._crop_mesh if self._owns_crop_mesh else None
        for graph in (self._detector if self._owns_detector else None, self._mesh, own_crop):
            if graph is not None:
                graph.close()
        self._crop_mesh = None

    def detect(self, rgb: np.ndarray) -> Detection:
        height, width = rgb.shape[:2]
        boxes = self._boxes(rgb, width, height)
        points = _points(self._mesh.process(rgb), width, height)
        if points is None and boxes:
            points = self._mesh_on_crop(rgb, max(boxes, key=lambda b: b.area))
        return Detection(boxes, points)

    def _boxes(self, rgb: np.ndarray, width: int, height: int) -> list[Box]:
        found = self._detector.process(rgb).detections or []
        boxes = []
        for detection in found:
            rel = detection.location_data.relative_bounding_box
            x0, y0 = rel.xmin * width, rel.ymin * height
            boxes.append(Box(x0, y0, x0 + rel.width * width, y0 + rel.height * height, detection.score[0]))
        return distinct(boxes)

    def _mesh_on_crop(self, rgb: np.ndarray, box: Box) -> np.ndarray | None:
        height, width = rgb.shape[:2]
        side = CROP_SCALE * max(box.x1 - box.x0, box.y1 - box.y0)
        cx, cy = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
        x0, y0 = max(0, int(cx - side / 2)), max(0, int(cy - side / 2))
        x1, y1 = min(width, int(cx + side / 2)), min(height, int(cy + side / 2))
        if x1 - x0 < 8 or y1 - y0 < 8:
            return None
        if self._crop_mesh is None:
            self._owns_crop_mesh = True
            self._crop_mesh = warmed(
                lambda: self._face_mesh.FaceMesh(
                    static_image_mode=True,
                    max_num_faces=1,
                    refine_landmarks=True,
                    min_detection_confidence=self._min_confidence,
                )
            )
        crop = np.ascontiguousarray(rgb[y0:y1, x0:x1])
        points = _points(self._crop_mesh.process(crop), x1 - x0, y1 - y0)
        if points is None:
            return None
        return points + np.array([x0, y0], dtype=np.float64)


def distinct(boxes: list[Box]) -> list[Box]:
    """One box per face: the detector sometimes reports a small face twice, offset by a fraction of its
    size, which would read as "two people". A box whose centre lies inside a stronger one (or holds the
    stronger one's centre) is the same face; two real faces never overlap that much.
    """
    kept: list[Box] = []
    for box in sorted(boxes, key=lambda b: b.score, reverse=True):
        if not any(_holds_centre(k, box) or _holds_centre(box, k) for k in kept):
            kept.append(box)
    return kept


def _holds_centre(outer: Box, inner: Box) -> bool:
    cx, cy = (inner.x0 + inner.x1) / 2, (inner.y0 + inner.y1) / 2
    return outer.x0 <= cx <= outer.x1 and outer.y0 <= cy <= outer.y1


def _points(result: Any, width: int, height: int) -> np.ndarray | None:
    faces = result.multi_face_landmarks
    if not faces:
        return None
    marks = faces[0].landmark
    if len(marks) < lm.COUNT:
        return None
    return np.array([(p.x * width, p.y * height) for p in marks], dtype=np.float64)


class PersonSegmenter:
    """Person/background mask (mediapipe selfie segmentation, general 256x256 model).

    The background measure must look at the background only: hair, shoulders and clothes vary too much
    from person to person for a geometric head model to leave them out, and OFIQ likewise masks the
    person out with a segmentation model before measuring the background.
    """

    def __init__(self) -> None:
        from mediapipe.python.solutions import selfie_segmentation

        self._graph = warmed(lambda: selfie_segmentation.SelfieSegmentation(model_selection=0))

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        mask = self._graph.process(np.ascontiguousarray(rgb)).segmentation_mask
        if mask is None:
            return np.ones(rgb.shape[:2], np.float32)
        return np.asarray(mask, dtype=np.float32)

    def close(self) -> None:
        self._graph.close()
