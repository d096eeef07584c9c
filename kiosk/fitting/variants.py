"""The degraded prints the live estimator is fitted and judged on, made the same way every time.

A handful of real prints cannot teach an estimator what a smudged, pale or half-placed finger looks
like, so each real print is degraded in the ways a window sees: blur (a finger that moved), sensor
noise, faded ridges (too light a touch), partial contact (the bottom of the finger off the glass), dry
skin (ridges thinned and broken: grey dilation) and wet skin (ridges swollen into the valleys: grey
erosion). The parameter grid is fixed and the noise is seeded from the source's name, so the NFIQ 2
scores of the variants can be cached and checked against NFIQ 2 again later.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Variant:
    """One degradation: a kind (`original`, `blur`, `noise`, `fade`, `partial`, `dry`, `wet`), a level."""

    kind: str
    level: float

    @property
    def name(self) -> str:
        return "original" if self.kind == "original" else f"{self.kind}-{self.level:g}"


# The ranges are the issue's: blur sigma 1.5–3, noise sigma 20–45, ridges at 25–45 % of their depth,
# the bottom 35–65 % of rows blank, dilation / erosion 3x3 once or twice.
GRID: tuple[Variant, ...] = (
    Variant("original", 0),
    *(Variant("blur", s) for s in (1.5, 2.25, 3.0)),
    *(Variant("noise", s) for s in (20, 32.5, 45)),
    *(Variant("fade", f) for f in (0.25, 0.35, 0.45)),
    *(Variant("partial", f) for f in (0.35, 0.5, 0.65)),
    *(Variant("dry", n) for n in (1, 2)),
    *(Variant("wet", n) for n in (1, 2)),
)

_KERNEL = np.ones((3, 3), np.uint8)


def parse(name: str) -> Variant:
    if name == "original":
        return GRID[0]
    kind, _, level = name.rpartition("-")
    return Variant(kind, float(level))


def _seed(source: str, variant: Variant) -> int:
    digest = hashlib.sha256(f"{source}|{variant.name}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


def paper_white(image: np.ndarray) -> float:
    """The grey of the background (valleys and blank glass): the 99th percentile, not 255, for cards."""
    return float(np.percentile(image, 99))


def apply(image: np.ndarray, variant: Variant, source: str = "") -> np.ndarray:
    """`image` (8-bit grey, ridges dark) degraded by `variant`; `source` seeds the noise."""
    kind, level = variant.kind, variant.level
    if kind == "original":
        return image.copy()
    if kind == "blur":
        return cv2.GaussianBlur(image, (0, 0), level)
    if kind == "noise":
        rng = np.random.default_rng(_seed(source, variant))
        noisy = image.astype(np.float32) + rng.normal(0.0, level, image.shape).astype(np.float32)
        return np.clip(np.rint(noisy), 0, 255).astype(np.uint8)
    if kind == "fade":
        white = paper_white(image)
        faded = white - (white - image.astype(np.float32)) * level
        return np.clip(np.rint(faded), 0, 255).astype(np.uint8)
    if kind == "partial":
        out = image.copy()
        start = round(image.shape[0] * (1.0 - level))
        out[start:, :] = round(paper_white(image))
        return out
    if kind == "dry":
        return cv2.dilate(image, _KERNEL, iterations=round(level))
    if kind == "wet":
        return cv2.erode(image, _KERNEL, iterations=round(level))
    raise ValueError(f"unknown variant kind {kind!r}")


def all_variants(image: np.ndarray, source: str) -> Iterator[tuple[Variant, np.ndarray]]:
    for variant in GRID:
        yield variant, apply(image, variant, source)
