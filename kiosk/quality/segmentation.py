"""Where the finger is: block-wise foreground segmentation of a 500 ppi fingerprint image.

Every preview frame needs it (is a finger on the glass? where? how much of it?), so it works on the
image halved (250 ppi: ridges are still four to six pixels apart) in 8x8 blocks, which are 16x16 at
500 ppi, and costs a fraction of a millisecond. A block is finger when its
grey level varies like ridges do; sensor noise also varies, so the variance is first corrected for
the noise measured on the image itself (Immerkaer's estimate on the flattest blocks), and a small
closing and opening on the block grid fills pores and removes specks of dirt.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

SCALE = 2  # the working image is the 500 ppi image halved
BLOCK = 8  # pixels of the working image (16 at 500 ppi: about one and a half ridge periods)
# A block is foreground when its ridge contrast (noise removed) is above this standard deviation…
MIN_RIDGE_STD = 8.0
# …and above this fraction of the print's strongest blocks (a faint print on a clean glass is still a print).
RELATIVE_STD = 0.25

_NOISE_KERNEL = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
_GRID_KERNEL = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))


@dataclass(frozen=True)
class Segmentation:
    """The finger's blocks: `mask` (one bool per block), with the measures the guidance needs."""

    mask: np.ndarray
    shape: tuple[int, int]  # of the 500 ppi image
    noise: float  # sensor noise in the working image, grey levels

    @property
    def fraction(self) -> float:
        """Share of the image covered by finger."""
        return float(self.mask.mean()) if self.mask.size else 0.0

    @property
    def pixels(self) -> int:
        """Finger area in pixels at 500 ppi (NFIQ 2 wants at least 50 000)."""
        return int(self.mask.sum()) * (BLOCK * SCALE) ** 2

    def centroid(self) -> tuple[float, float]:
        """Centre of the finger as (x, y) offsets from the image centre, in half-widths (−1 … 1)."""
        ys, xs = np.nonzero(self.mask)
        if xs.size == 0:
            return 0.0, 0.0
        rows, cols = self.mask.shape
        return float((xs.mean() + 0.5) / cols * 2 - 1), float((ys.mean() + 0.5) / rows * 2 - 1)

    def extent(self) -> tuple[float, float]:
        """Height and width of the finger's bounding box, as fractions of the frame's."""
        ys, xs = np.nonzero(self.mask)
        if xs.size == 0:
            return 0.0, 0.0
        rows, cols = self.mask.shape
        return float((ys.max() - ys.min() + 1) / rows), float((xs.max() - xs.min() + 1) / cols)

    @property
    def aspect(self) -> float:
        """Height over width of the finger in pixels: a flat fingertip is taller than wide (about 1.2–1.6)."""
        ys, xs = np.nonzero(self.mask)
        if xs.size == 0:
            return 0.0
        return float((ys.max() - ys.min() + 1) / (xs.max() - xs.min() + 1))

    def edge_contact(self) -> dict[str, float]:
        """Share of each image border that the finger touches (a print cut off by the edge touches it)."""
        m = self.mask
        if m.size == 0:
            return {"top": 0.0, "bottom": 0.0, "left": 0.0, "right": 0.0}
        return {
            "top": float(m[0].mean()),
            "bottom": float(m[-1].mean()),
            "left": float(m[:, 0].mean()),
            "right": float(m[:, -1].mean()),
        }


def block_stats(image: np.ndarray, block: int = BLOCK) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of every block (the image is cropped to whole blocks)."""
    rows, cols = image.shape[0] // block, image.shape[1] // block
    cropped = image[: rows * block, : cols * block]
    size = (cols, rows)
    mean = cv2.resize(cropped, size, interpolation=cv2.INTER_AREA)
    mean_sq = cv2.resize(cropped * cropped, size, interpolation=cv2.INTER_AREA)
    return mean, np.maximum(mean_sq - mean * mean, 0.0)


def noise_sigma(image: np.ndarray, block: int = BLOCK) -> float:
    """Sensor noise (grey levels, one sigma), from the flattest tenth of the blocks (Immerkaer 1996)."""
    response = np.abs(cv2.filter2D(image, -1, _NOISE_KERNEL, borderType=cv2.BORDER_REFLECT))
    rows, cols = image.shape[0] // block, image.shape[1] // block
    if rows == 0 or cols == 0:
        return 0.0
    per_block = cv2.resize(
        response[: rows * block, : cols * block], (cols, rows), interpolation=cv2.INTER_AREA
    )
    flat = float(np.percentile(per_block, 10))
    return flat * float(np.sqrt(np.pi / 2.0)) / 6.0


def working_image(image: np.ndarray) -> np.ndarray:
    """The 500 ppi image halved, as float32 (area averaging also halves the sensor noise)."""
    height, width = image.shape[0] // SCALE, image.shape[1] // SCALE
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA).astype(np.float32)


def segment(image: np.ndarray) -> Segmentation:
    """The finger's blocks in an 8-bit greyscale 500 ppi image."""
    work = working_image(image)
    _mean, var = block_stats(work)
    return segment_blocks(var, noise_sigma(work), image.shape)


def segment_blocks(var: np.ndarray, noise: float, shape: tuple[int, ...]) -> Segmentation:
    """Segmentation from block statistics already computed (the live estimator shares them)."""
    ridge_std = np.sqrt(np.maximum(var - noise * noise, 0.0))
    if ridge_std.size == 0:
        return Segmentation(np.zeros((0, 0), bool), (int(shape[0]), int(shape[1])), noise)
    strong = float(np.percentile(ridge_std, 95))
    threshold = max(MIN_RIDGE_STD, RELATIVE_STD * strong, 1.5 * noise)
    raw = (ridge_std > threshold).astype(np.uint8)
    closed = cv2.morphologyEx(raw, cv2.MORPH_CLOSE, _GRID_KERNEL)
    opened = cv2.morphologyEx(closed, cv2.MORPH_OPEN, _GRID_KERNEL)
    return Segmentation(np.asarray(opened, dtype=bool), (int(shape[0]), int(shape[1])), noise)
