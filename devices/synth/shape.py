"""Finger pad outline and ridge-period (density) map of a master print.

A flat impression on a single-finger reader shows the last phalanx: a rounded tip above, nearly
straight sides, and the pad running off the bottom of the sensor. Widths follow the finger (thumbs
about 20 mm, little fingers about 14 mm at 500 ppi = 19.7 px/mm) with a per-person spread.

The ridge period is 0.42–0.55 mm on adult fingers (8–11 px at 500 ppi); it varies smoothly across
the print, a little wider towards the tip and the flexion crease, as SFinGe's density map does.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from devices.positions import Finger

PPI = 500
PX_PER_MM = PPI / 25.4

# Master canvas (height, width): bigger than the 500x400 sensor so placement can move the finger.
MASTER_SHAPE: tuple[int, int] = (560, 448)

_WIDTH_MM = {0: 20.0, 1: 16.8, 2: 17.3, 3: 16.2, 4: 14.2}  # thumb, index, middle, ring, little
PERIOD_SPREAD = 0.07  # between people: mean period within +-7 % of the finger's typical value
PERIOD_WOBBLE = 0.12  # across one print, over a grid of WOBBLE_CELLS
WOBBLE_CELLS = (10, 8)
_PERIOD_PX = {0: 10.6, 1: 10.0, 2: 10.1, 3: 9.8, 4: 9.5}


@dataclass(frozen=True)
class PadGeometry:
    """Where the finger pad lies on the master canvas, in pixels."""

    cx: float
    top: float
    width: float
    tip_radius: float  # vertical radius of the rounded tip

    @property
    def box(self) -> tuple[float, float, float, float]:
        h = MASTER_SHAPE[0]
        return (self.cx - self.width / 2, self.top, self.cx + self.width / 2, float(h))

    @property
    def centre(self) -> tuple[float, float]:
        """Where the cores sit: a little above the middle of the visible pad."""
        return (self.cx, self.top + 0.43 * (MASTER_SHAPE[0] - self.top))


def pad_geometry(rng: np.random.Generator, finger: Finger) -> PadGeometry:
    digit = (int(finger) - 1) % 5
    width = _WIDTH_MM[digit] * PX_PER_MM * rng.uniform(0.93, 1.07)
    return PadGeometry(
        cx=MASTER_SHAPE[1] / 2 + rng.normal(0, 4),
        top=rng.uniform(22, 45),
        width=float(width),
        tip_radius=float(width * rng.uniform(0.55, 0.7)),
    )


def pad_mask(geometry: PadGeometry) -> np.ndarray:
    """Boolean finger area: a half-ellipse tip on top of gently widening sides."""
    h, w = MASTER_SHAPE
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    half = geometry.width / 2
    tip_cy = geometry.top + geometry.tip_radius
    above = ((xs - geometry.cx) / half) ** 2 + ((ys - tip_cy) / geometry.tip_radius) ** 2 <= 1.0
    flare = half * (1.0 + 0.06 * np.clip((ys - tip_cy) / (h - tip_cy), 0, 1))
    below = (ys >= tip_cy) & (np.abs(xs - geometry.cx) <= flare)
    return np.asarray(above | below)


def period_map(rng: np.random.Generator, finger: Finger, geometry: PadGeometry) -> np.ndarray:
    """Ridge period in pixels per pixel (float32), smooth, about 8.5–12 px."""
    h, w = MASTER_SHAPE
    digit = (int(finger) - 1) % 5
    base = _PERIOD_PX[digit] * rng.uniform(1.0 - PERIOD_SPREAD, 1.0 + PERIOD_SPREAD)
    small = rng.standard_normal(WOBBLE_CELLS).astype(np.float32)
    wobble = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    ys = np.arange(h, dtype=np.float32)[:, None]
    _, cy = geometry.centre
    # Wider near the tip and towards the crease, tightest around the cores.
    radial = 0.06 * np.clip(np.abs(ys - cy) / (h / 2), 0, 1.2) ** 1.5
    period = base * (1.0 + PERIOD_WOBBLE * wobble + radial)
    return np.clip(period, 8.0, 12.5).astype(np.float32)
