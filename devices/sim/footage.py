"""What the simulated camera films: the bundled demo portrait, a video file, or a folder of images.

Every source yields RGB frames at its own resolution; `devices.sim.scene` frames them (distance,
centring, motion) at whatever size the camera is asked for. The bundled portrait knows where its face
is, so the scenes can put that face exactly where a test wants it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from devices.frames import Image
from devices.resources import demo_portrait
from devices.sim.tilt import lift, tilt_back

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".pgm", ".ppm"}


@dataclass(frozen=True)
class FaceAnchor:
    """Face centre and width, relative to the source image (0..1)."""

    x: float
    y: float
    width: float


# Measured on resources/demo/astronaut.png with mediapipe's face detector (box 0.347–0.533 x 0.162–0.348).
PORTRAIT_FACE = FaceAnchor(0.440, 0.255, 0.186)
# The portrait's head is tipped chin-down (about -5.5° pitch on the normal scene, ICAO allows ±5°): it is
# shown turned this many degrees chin-up, which reads near 0° (see `devices.sim.tilt`).
PORTRAIT_TILT = 8.0


class Footage:
    anchor: FaceAnchor | None = None
    description = ""

    def next_image(self) -> Image:
        raise NotImplementedError

    def close(self) -> None:
        """Release files held open."""


class StillFootage(Footage):
    def __init__(self, path: Path, anchor: FaceAnchor | None = None) -> None:
        self.image = read_rgb(path)
        self.anchor = anchor
        self.description = f"image {path.name}"

    def next_image(self) -> Image:
        return self.image


class VideoFootage(Footage):
    """A video file, looped."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.capture = cv2.VideoCapture(str(path))
        if not self.capture.isOpened():
            raise ValueError(f"cannot open {path} as a video")
        self.description = f"video {path.name}"

    def next_image(self) -> Image:
        ok, frame = self.capture.read()
        if not ok:
            self.capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self.capture.read()
            if not ok:
                raise ValueError(f"{self.path} has no readable frames")
        return np.ascontiguousarray(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))

    def close(self) -> None:
        self.capture.release()


class FolderFootage(Footage):
    """The images of a folder in name order, each held for `hold_frames` frames, looped."""

    def __init__(self, folder: Path, hold_frames: int = 1) -> None:
        self.files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
        if not self.files:
            raise ValueError(f"no images in {folder}")
        self.hold_frames = max(1, hold_frames)
        self._count = 0
        self._cache: tuple[int, Image] | None = None
        self.description = f"folder {folder.name} ({len(self.files)} images)"

    def next_image(self) -> Image:
        index = (self._count // self.hold_frames) % len(self.files)
        self._count += 1
        if self._cache is None or self._cache[0] != index:
            self._cache = (index, read_rgb(self.files[index]))
        return self._cache[1]


def open_footage(source: str | Path | None = None, hold_frames: int = 1) -> Footage:
    """`None` or "portrait": the bundled demo portrait; a folder; an image file; otherwise a video file."""
    if source is None or str(source) == "portrait":
        return portrait_footage()
    path = Path(source)
    if path.is_dir():
        return FolderFootage(path, hold_frames)
    if not path.is_file():
        raise FileNotFoundError(f"camera source {path} does not exist")
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return StillFootage(path)
    return VideoFootage(path)


def portrait_footage(tilt: float = PORTRAIT_TILT) -> StillFootage:
    """The demo portrait with its head turned `tilt` degrees chin-up, and where its face then is."""
    footage = StillFootage(demo_portrait(), PORTRAIT_FACE)
    h, w = footage.image.shape[:2]
    face = PORTRAIT_FACE
    footage.image = tilt_back(footage.image, (face.x * w, face.y * h), face.width * w, tilt)
    footage.anchor = FaceAnchor(face.x, face.y - lift(face.width * w, tilt) / h, face.width)
    return footage


def read_rgb(path: Path) -> Image:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"cannot read {path} as an image")
    return np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
