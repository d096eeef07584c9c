"""What lies on a simulated fingerprint sensor, frame by frame.

`place` puts a synthetic person's finger (or the next image of a replay folder) on the glass; the print
then appears and settles over a few frames: contact darkens in, the finger slides the last millimetre
into place, and the frames after that are the impression itself, so the reader's stability check and
auto-capture run exactly as on hardware. The world advances per frame read (not per wall-clock second),
so a test gets the same frames however slow the machine is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from devices.frames import Image
from devices.positions import Finger
from devices.sim.hardware import UnitControl

if TYPE_CHECKING:
    from devices.sim.hardware import SimUnit

SENSOR_SIZE = (400, 500)  # (width, height): the synthetic impressions' size, a typical optical reader
BLANK_LEVEL = 248  # an optical sensor's empty glass is near, not at, white
SETTLE_FRAMES = 4  # frames for the print to darken in and slide into place
IMAGE_SUFFIXES = {".png", ".pgm", ".bmp", ".tif", ".tiff", ".jpg", ".jpeg"}


@dataclass
class Placement:
    image: Image  # the impression as it will look once settled
    label: str  # who and what, for logs and tests ("person 7 right-index (dry)")
    lift_after: int | None  # frames until the finger leaves on its own (lifted early)
    shift: tuple[int, int]  # where the finger slides in from, in pixels
    params: dict[str, Any]
    shown: int = 0


class FingerprintSimulation(UnitControl):
    def __init__(self, unit: SimUnit) -> None:
        super().__init__(unit)
        seed = unit.options.get("seed", _stable_seed(unit.unit_id))
        self.rng = np.random.default_rng(seed)
        self.placement: Placement | None = None
        self.dead_pixels: list[tuple[int, int]] = []
        self.stuck_pixels: list[tuple[int, int]] = []
        self.settle_frames = int(unit.options.get("settle_frames", SETTLE_FRAMES))
        self._replay = _replay_files(unit.options.get("replay"))
        self._replay_next = 0
        noise = np.random.default_rng(seed + 1)
        w, h = SENSOR_SIZE
        self._blank = [
            np.clip(BLANK_LEVEL + noise.normal(0, 1.5, (h, w)), 0, 255).astype(np.uint8) for _ in range(4)
        ]
        self._frames = 0

    # -- what tests and the demo say -------------------------------------------------------------------
    def place(
        self,
        person_seed: int | None = None,
        finger: Finger | str | int = Finger.RIGHT_INDEX,
        condition: Any = None,
        *,
        lift_early: bool = False,
        seed: int | None = None,
    ) -> Placement:
        """Put a finger on the sensor: a synthetic person's finger, or (no person) the next replay image.

        `condition` is a `devices.synth.Condition` or its kind as text ("dry", "partial", ...);
        `lift_early` makes the finger leave before it settles; `seed` fixes this impression.
        """
        rng = np.random.default_rng(seed) if seed is not None else self.rng
        if person_seed is None:
            if not self._replay:
                raise ValueError("no person given and this simulated reader has no replay folder")
            path = self._replay[self._replay_next % len(self._replay)]
            self._replay_next += 1
            return self.place_image(_load_grey(path), label=f"replay {path.name}", lift_early=lift_early)
        from devices.sim import prints
        from devices.synth import Condition

        position = Finger.parse(finger) if not isinstance(finger, Finger) else finger
        if isinstance(condition, str):
            condition = Condition(condition)
        image, params = prints.current().press(person_seed, position, rng, condition)
        label = f"person {person_seed} {position.slug}" + (f" ({condition.kind})" if condition else "")
        return self._put(image, label, lift_early, rng, params)

    def place_image(self, image: Image, label: str = "image", *, lift_early: bool = False) -> Placement:
        """Put a given greyscale image on the sensor (a real print from a replay folder, a test pattern)."""
        if image.dtype != np.uint8 or image.ndim != 2:
            raise ValueError("a sensor image is greyscale uint8 HxW")
        return self._put(image, label, lift_early, self.rng, {})

    def lift(self) -> None:
        self.placement = None

    @property
    def placed(self) -> bool:
        return self.placement is not None

    def set_defects(
        self, dead: Sequence[tuple[int, int]] = (), stuck: Sequence[tuple[int, int]] = ()
    ) -> None:
        """Dead (always black) and stuck (always mid-grey) pixels, as (row, column), on every frame."""
        self.dead_pixels, self.stuck_pixels = list(dead), list(stuck)

    # -- what the driver asks --------------------------------------------------------------------------
    def render(self) -> tuple[Image, bool]:
        """The next frame and whether a finger touches the glass (the hardware's finger detector)."""
        self._frames += 1
        blank = self._blank[self._frames % len(self._blank)]
        placement = self.placement
        if (
            placement is not None
            and placement.lift_after is not None
            and placement.shown >= placement.lift_after
        ):
            self.placement = placement = None
        if placement is None:
            return self._defects(blank.copy()), False
        placement.shown += 1
        progress = placement.shown / self.settle_frames
        frame = placement.image.copy() if progress >= 1.0 else self._settling(placement, progress, blank)
        return self._defects(frame), True

    # -- internals -------------------------------------------------------------------------------------
    def _put(
        self, image: Image, label: str, lift_early: bool, rng: np.random.Generator, params: dict[str, Any]
    ) -> Placement:
        angle = rng.uniform(0, 2 * np.pi)
        reach = rng.uniform(8, 16)  # about 0.4–0.8 mm at 500 ppi
        shift = (round(reach * np.cos(angle)), round(reach * np.sin(angle)))
        lift_after = max(1, self.settle_frames // 2) if lift_early else None
        self.placement = Placement(image, label, lift_after, shift, params)
        return self.placement

    def _settling(self, placement: Placement, progress: float, blank: Image) -> Image:
        """A frame while the finger lands: partial contact (lighter ridges) and a last slide into place."""
        image = placement.image
        remaining = 1.0 - progress
        dx, dy = placement.shift[0] * remaining, placement.shift[1] * remaining
        moved = cv2.warpAffine(
            image,
            np.array([[1, 0, dx], [0, 1, dy]], np.float32),
            (image.shape[1], image.shape[0]),
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=255,
        )
        ground = blank if blank.shape == image.shape else np.full_like(image, BLANK_LEVEL)
        alpha = 0.25 + 0.75 * progress
        return np.asarray(cv2.addWeighted(moved, alpha, ground, 1.0 - alpha, 0.0), np.uint8)

    def _defects(self, frame: Image) -> Image:
        h, w = frame.shape
        for y, x in self.dead_pixels:
            if 0 <= y < h and 0 <= x < w:
                frame[y, x] = 0
        for y, x in self.stuck_pixels:
            if 0 <= y < h and 0 <= x < w:
                frame[y, x] = 128
        return frame


def _stable_seed(unit_id: str) -> int:
    return int.from_bytes(hashlib.sha256(unit_id.encode()).digest()[:4], "big")


def _replay_files(folder: str | Path | None) -> list[Path]:
    if not folder:
        return []
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"replay folder {root} does not exist")
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())


def _load_grey(path: Path) -> Image:
    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise ValueError(f"cannot read {path} as an image")
    return np.ascontiguousarray(image, dtype=np.uint8)
