"""The numbers behind the self-tests, as pure functions of frames (no devices, no threads).

Kept apart from the test runner so each measure can be checked on made-up images: a defect painted in
must be found, a clean image must pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from devices.frames import Image

DEFECT_DEVIATION = 40  # grey levels away from the 5x5 neighbourhood median
DEFECT_PERSISTENCE = 0.9  # share of blank frames in which a pixel must deviate to count as defective
DEAD_LEVEL = 20
SHARPNESS_WIDTH = 640  # focus is measured at one width, so a 720p still and a 480p preview compare


def grey(image: Image) -> Image:
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), np.uint8) if image.ndim == 3 else image


def non_uniformity(image: Image, block: int = 32) -> float:
    """Largest departure of a block's mean from the median block of a blank frame, in percent.

    A clean, evenly lit sensor stays within a few percent; dirt, a latent print or a failing light
    source shows up as blocks darker (or brighter) than the rest, however small the patch.
    """
    g = grey(image).astype(np.float32)
    h, w = (g.shape[0] // block) * block, (g.shape[1] // block) * block
    if h == 0 or w == 0:
        return 0.0
    means = g[:h, :w].reshape(h // block, block, w // block, block).mean(axis=(1, 3))
    median = float(np.median(means))
    return 0.0 if median <= 0 else float(np.abs(means - median).max() / median * 100.0)


@dataclass(frozen=True)
class PixelDefects:
    dead: list[tuple[int, int]]  # (row, column), stuck dark
    stuck: list[tuple[int, int]]  # (row, column), stuck at another level

    @property
    def count(self) -> int:
        return len(self.dead) + len(self.stuck)


def pixel_defects(frames: Sequence[Image], limit: int = 1000) -> PixelDefects:
    """Pixels that differ from their neighbourhood in (nearly) every blank frame."""
    if not frames:
        return PixelDefects([], [])
    hits = np.zeros(grey(frames[0]).shape, np.int32)
    total = np.zeros(hits.shape, np.float64)
    for frame in frames:
        g = grey(frame)
        deviation = cv2.absdiff(g, cv2.medianBlur(g, 5))
        hits += deviation > DEFECT_DEVIATION
        total += g
    persistent = hits >= max(1, int(np.ceil(DEFECT_PERSISTENCE * len(frames))))
    rows, cols = np.nonzero(persistent)
    mean = total / len(frames)
    dead: list[tuple[int, int]] = []
    stuck: list[tuple[int, int]] = []
    for y, x in zip(rows[:limit].tolist(), cols[:limit].tolist(), strict=True):
        (dead if mean[y, x] < DEAD_LEVEL else stuck).append((y, x))
    return PixelDefects(dead, stuck)


def sharpness(image: Image) -> float:
    """Variance of the Laplacian at 640 px width: higher is crisper (a focus measure)."""
    g = grey(image)
    if g.shape[1] > SHARPNESS_WIDTH:
        height = max(1, round(g.shape[0] * SHARPNESS_WIDTH / g.shape[1]))
        g = np.asarray(cv2.resize(g, (SHARPNESS_WIDTH, height), interpolation=cv2.INTER_AREA), np.uint8)
    return float(cv2.Laplacian(g, cv2.CV_64F).var())


@dataclass(frozen=True)
class Exposure:
    mean: float  # mean luminance 0..255
    under: float  # share of pixels below 25
    over: float  # share of pixels above 247


def exposure(image: Image) -> Exposure:
    g = grey(image)
    return Exposure(float(g.mean()), float((g < 25).mean()), float((g > 247).mean()))


def frame_rate(timestamps: Sequence[float]) -> float:
    """Frames per second over a run of monotonic timestamps (0.0 when it cannot be told)."""
    if len(timestamps) < 2 or timestamps[-1] <= timestamps[0]:
        return 0.0
    return (len(timestamps) - 1) / (timestamps[-1] - timestamps[0])
