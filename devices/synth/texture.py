"""Skin and sensor texture drawn on one impression: pores, creases, scars, dry breaks, wet smears.

All of these are random per capture (a crease or a scar is really a property of the finger, but a
simulated reader only needs captures that look and score like real ones, and drawing them per capture
keeps masters cheap). Every function works on float32 arrays of the sensor frame and costs about a
millisecond: noise is drawn at low resolution and resized wherever the feature is larger than a pixel.
"""

from __future__ import annotations

import cv2
import numpy as np

DRY = (3.5, 1.3, 1.5)  # dry breaks: grain (pixels), level at no dryness, level drop per unit of dryness
_CROSS = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))


def smooth_noise(rng: np.random.Generator, shape: tuple[int, int], cell_px: float) -> np.ndarray:
    """Unit-variance-ish random field with features about `cell_px` pixels across."""
    h, w = shape
    gh, gw = max(2, round(h / cell_px)), max(2, round(w / cell_px))
    small = rng.standard_normal((gh, gw)).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def pores(rng: np.random.Generator, shape: tuple[int, int], density: float) -> np.ndarray:
    """Sweat pores: small bright dots (0..1 mask); `density` 1 is about one pore per 0.5 mm of ridge."""
    h, w = shape
    count = int(density * h * w / 60)
    dots = np.zeros(shape, np.uint8)
    dots[rng.integers(0, h, count), rng.integers(0, w, count)] = 1
    grown = cv2.dilate(dots, _CROSS).astype(np.float32)
    return np.asarray(cv2.GaussianBlur(grown, (3, 3), 0.6), np.float32)


def _curve(rng: np.random.Generator, shape: tuple[int, int], horizontal_bias: float) -> np.ndarray:
    """A gently bent random line across part of the frame, as polyline points."""
    h, w = shape
    x0, y0 = rng.uniform(0, w), rng.uniform(0, h)
    angle = rng.normal(0, 0.35) if rng.random() < horizontal_bias else rng.uniform(0, np.pi)
    length = rng.uniform(0.25, 0.8) * max(h, w)
    bend = rng.normal(0, 0.2 * length)
    s = np.linspace(-0.5, 0.5, 12)
    xs = x0 + s * length * np.cos(angle) - bend * (1 - 4 * s * s) * np.sin(angle)
    ys = y0 + s * length * np.sin(angle) + bend * (1 - 4 * s * s) * np.cos(angle)
    return np.stack([xs, ys], axis=1).round().astype(np.int32)


def creases(rng: np.random.Generator, shape: tuple[int, int], count: int) -> np.ndarray:
    """Flexion creases and wrinkles: thin white lines, mostly across the finger (0..1 mask)."""
    out = np.zeros(shape, np.uint8)
    for _ in range(count):
        cv2.polylines(out, [_curve(rng, shape, 0.7)], False, 1, int(rng.integers(1, 4)), cv2.LINE_AA)
    return out.astype(np.float32)


def scars(rng: np.random.Generator, shape: tuple[int, int], count: int) -> np.ndarray:
    """Healed cuts: wide white bands in every direction that sever the ridges (0..1 mask)."""
    out = np.zeros(shape, np.uint8)
    for _ in range(count):
        cv2.polylines(out, [_curve(rng, shape, 0.2)], False, 1, int(rng.integers(4, 14)), cv2.LINE_AA)
    return cv2.GaussianBlur(out.astype(np.float32), (0, 0), 1.2)


def dry_breaks(rng: np.random.Generator, shape: tuple[int, int], dryness: float) -> np.ndarray:
    """Where dry ridges fail to touch the glass (0..1, 1 = ink lost): blotchy, a few pixels wide."""
    if dryness <= 0:
        return np.zeros(shape, np.float32)
    fine = smooth_noise(rng, shape, DRY[0])
    coarse = smooth_noise(rng, shape, 40.0)
    level = DRY[1] - DRY[2] * dryness - 0.5 * coarse
    return np.asarray(1.0 / (1.0 + np.exp(-(fine - level) / 0.15)), np.float32)


def wet_smear(rng: np.random.Generator, ink: np.ndarray, wetness: float) -> np.ndarray:
    """Water between the ridges: valleys fill with ink in blotches, ridge edges spread."""
    if wetness <= 0:
        return ink
    spread = cv2.GaussianBlur(ink, (0, 0), 1.0 + 2.5 * wetness)
    blotch = np.clip(smooth_noise(rng, ink.shape, 30.0) * 0.6 + 1.6 * wetness - 0.3, 0.0, 1.0)
    filled = np.clip(spread * (1.0 + 2.0 * wetness), 0.0, 1.0)
    return np.maximum(ink, blotch * filled)
