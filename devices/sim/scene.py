"""Scenes in front of the simulated camera: where the person stands, how they sway, how much light.

The face step's tests and the demo need a camera that can show "nobody there", "too far", "off to one
side", "too dark" and "two people" on demand, with the small natural motion of a person standing still
(so per-frame checks and auto-capture see frames that differ). Motion is a function of the frame's time
on the stream's clock, so a run is repeatable.
"""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING

import cv2
import numpy as np

from devices.frames import Image
from devices.sim.footage import FaceAnchor, Footage, open_footage
from devices.sim.hardware import UnitControl

if TYPE_CHECKING:
    from devices.sim.hardware import SimUnit

Size = tuple[int, int]
# Per scene: where each face goes, as (centre x, centre y, face width), fractions of the frame width/height.
PLACEMENTS: dict[str, list[tuple[float, float, float]]] = {
    "normal": [(0.50, 0.45, 0.26)],
    "dark": [(0.50, 0.45, 0.26)],
    "too_far": [(0.50, 0.45, 0.07)],
    "off_centre": [(0.15, 0.45, 0.26)],
    "two_faces": [(0.29, 0.46, 0.16), (0.72, 0.48, 0.15)],
    "no_face": [],
}
SCENES: tuple[str, ...] = tuple(PLACEMENTS)
DARK_GAIN = 0.12
NOISE_SHIFTS = 3  # frames in a row whose noise differs (each reads the field one row lower)


class CameraSimulation(UnitControl):
    def __init__(self, unit: SimUnit) -> None:
        super().__init__(unit)
        self.scene = str(unit.options.get("scene", "normal"))
        self._source = unit.options.get("source")
        self._hold = int(unit.options.get("hold_frames", 1))
        self._footage: Footage | None = None
        self._walls: dict[Size, Image] = {}
        self._noise: dict[Size, tuple[Image, Image]] = {}
        self._lock = threading.Lock()

    def set_scene(self, scene: str) -> None:
        """One of `SCENES`: normal, dark, too_far, off_centre, two_faces, no_face."""
        if scene not in PLACEMENTS:
            raise ValueError(f"unknown scene {scene!r}; use one of {', '.join(SCENES)}")
        self.scene = scene

    def set_source(self, source: str | None) -> None:
        """Film something else: "portrait", a video file or an image folder."""
        with self._lock:
            if self._footage is not None:
                self._footage.close()
            self._source, self._footage = source, None

    @property
    def footage(self) -> Footage:
        with self._lock:
            if self._footage is None:
                self._footage = open_footage(self._source, self._hold)
            return self._footage

    def render(self, size: Size, t: float, index: int = 0) -> Image:
        """The frame at stream time `t` seconds, RGB uint8 of `size` (width, height)."""
        footage = self.footage
        subject = footage.next_image()
        frame = self._wall(size).copy()
        anchor, targets = _targets(self.scene, footage.anchor, subject, size)
        for person, target in enumerate(targets):
            _paste(frame, subject, _placement(subject, anchor, size, target, t + 7.3 * person))
        if self.scene == "dark":
            frame = np.asarray(cv2.convertScaleAbs(frame, alpha=DARK_GAIN), np.uint8)
        return self._noisy(frame, index)

    def _wall(self, size: Size) -> Image:
        if size not in self._walls:
            w, h = size
            rows = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
            cols = np.linspace(-1.0, 1.0, w, dtype=np.float32)[None, :, None]
            top, bottom = np.array([206, 208, 212], np.float32), np.array([176, 178, 184], np.float32)
            wall = top + (bottom - top) * rows - 10.0 * cols**2
            self._walls[size] = np.clip(wall, 0, 255).astype(np.uint8)
        return self._walls[size]

    def _noisy(self, frame: Image, index: int) -> Image:
        """Sensor noise that changes from frame to frame: one field a few rows taller than the frame, read
        from a different row each frame (three fields per size held ~17 MB at 720p; this holds ~6)."""
        h, w = frame.shape[:2]
        size = (w, h)
        if size not in self._noise:  # zero-mean noise of about ±2 grey levels, as (added, subtracted) parts
            rng = np.random.default_rng(len(self._noise))
            signed = rng.integers(-2, 3, (h + NOISE_SHIFTS - 1, *frame.shape[1:]), dtype=np.int8)
            self._noise[size] = (
                np.clip(signed, 0, 2).view(np.uint8),
                (-np.clip(signed, -2, 0)).view(np.uint8),
            )
        plus, minus = self._noise[size]
        shift = index % NOISE_SHIFTS
        return np.asarray(
            cv2.subtract(cv2.add(frame, plus[shift : shift + h]), minus[shift : shift + h]), np.uint8
        )


# For footage with no known face (a video, a folder): the whole picture is the subject; widths are
# relative to the picture filling the frame.
WHOLE_PICTURE: dict[str, list[tuple[float, float, float]]] = {
    "normal": [(0.5, 0.5, 1.0)],
    "dark": [(0.5, 0.5, 1.0)],
    "too_far": [(0.5, 0.55, 0.3)],
    "off_centre": [(0.2, 0.5, 0.6)],
    "two_faces": [(0.27, 0.5, 0.5), (0.73, 0.5, 0.5)],
    "no_face": [],
}


def _targets(
    scene: str, anchor: FaceAnchor | None, subject: Image, size: Size
) -> tuple[FaceAnchor, list[tuple[float, float, float]]]:
    if anchor is not None:
        return anchor, PLACEMENTS[scene]
    sh, sw = subject.shape[:2]
    cover = max(size[0] / sw, size[1] / sh) * sw / size[0]  # frame widths the picture spans when filling it
    return FaceAnchor(0.5, 0.5, 1.0), [(x, y, f * cover * 1.03) for x, y, f in WHOLE_PICTURE[scene]]


def _placement(
    subject: Image, anchor: FaceAnchor, size: Size, target: tuple[float, float, float], t: float
) -> np.ndarray:
    """Affine map from the source to the frame: the face at `target`, with a person's small sway."""
    sh, sw = subject.shape[:2]
    w, h = size
    x, y, width = target
    scale = width * w / (anchor.width * sw)
    scale *= 1.0 + 0.012 * math.sin(2 * math.pi * 0.11 * t)
    angle = 0.8 * math.sin(2 * math.pi * 0.13 * t + 2.0)
    dx = w * (0.006 * math.sin(2 * math.pi * 0.23 * t) + 0.003 * math.sin(2 * math.pi * 0.71 * t + 1.0))
    dy = h * (0.005 * math.sin(2 * math.pi * 0.19 * t + 0.5) + 0.002 * math.sin(2 * math.pi * 0.83 * t))
    centre = (anchor.x * sw, anchor.y * sh)
    matrix = cv2.getRotationMatrix2D(centre, angle, scale)
    matrix[0, 2] += x * w + dx - centre[0]
    matrix[1, 2] += y * h + dy - centre[1]
    return matrix


def _paste(frame: Image, subject: Image, matrix: np.ndarray) -> None:
    """Draw the warped subject onto the frame; soft edges only where it does not cover the frame."""
    h, w = frame.shape[:2]
    warped = cv2.warpAffine(subject, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    if _covers(matrix, subject.shape, (w, h)):
        frame[:] = warped
        return
    mask = cv2.warpAffine(
        np.full(subject.shape[:2], 255, np.uint8), matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=0
    )
    mask = cv2.GaussianBlur(mask, (0, 0), 1.5)
    weight = mask.astype(np.float32) / 255.0
    frame[:] = cv2.blendLinear(warped, frame, weight, 1.0 - weight)


def _covers(matrix: np.ndarray, shape: tuple[int, ...], size: Size) -> bool:
    inverse = cv2.invertAffineTransform(matrix)
    corners = np.array([[0, 0], [size[0] - 1, 0], [0, size[1] - 1], [size[0] - 1, size[1] - 1]], np.float32)
    mapped = corners @ inverse[:, :2].T + inverse[:, 2]
    return bool(
        (mapped[:, 0] >= 0).all()
        and (mapped[:, 0] <= shape[1] - 1).all()
        and (mapped[:, 1] >= 0).all()
        and (mapped[:, 1] <= shape[0] - 1).all()
    )
