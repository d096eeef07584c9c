"""The master print: one synthetic finger, repeatable from (person seed, finger position).

A master is the finger itself, not a capture: its ridge field is stored as a smooth signed surface
(ridges > 0) so that every impression can decide ridge thickness (pressure), dryness and wetness at
render time, after placement and distortion, and still draw crisp one- to two-pixel ridge edges.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from devices.positions import Finger
from devices.synth.orientation import SingularPoint, choose_pattern, orientation_field, place_singular_points
from devices.synth.ridges import grow_ridges, normalise
from devices.synth.shape import MASTER_SHAPE, PPI, PadGeometry, pad_geometry, pad_mask, period_map
from devices.synth.texture import smooth_noise

_SALT = 0x5F1A6E  # keeps these streams apart from other users of the same person seed
CALM_RADIUS = 26.0  # pixels around a core or delta grown without an orientation (see grow_ridges)
# Ridge period around cores and deltas varies by up to this fraction, over this radius and scale:
# the ridges a loop or a delta forces to end then fall in different places on every finger.
CORE_PERIOD = (0.15, 70.0, 30.0)
CORE_BEND = (0.0, 60.0, 25.0)


@dataclass(frozen=True, eq=False)
class MasterPrint:
    """A synthetic finger at 500 ppi. Arrays are read-only: masters are cached and shared."""

    person_seed: int
    finger: Finger
    pattern: str
    singular_points: tuple[SingularPoint, ...]
    field: np.ndarray  # float32 ridge surface, ridges > 0
    orientation: np.ndarray  # float32 radians [0, pi)
    period: np.ndarray  # float32 ridge period in pixels
    mask: np.ndarray  # bool finger pad
    depth: np.ndarray  # float32 distance into the pad from its edge, in pixels (0 outside)
    image: np.ndarray  # uint8 rendering: dark ridges on white, white outside the pad
    geometry: PadGeometry
    ppi: int = PPI


def render_field(field: np.ndarray, threshold: float = 0.0, softness: float = 0.28) -> np.ndarray:
    """Ink coverage in [0, 1] from a ridge surface: a steep sigmoid gives crisp, anti-aliased edges.

    A lower threshold makes ridges thicker (more pressure, wetter skin), a higher one thinner.
    """
    return np.asarray(1.0 / (1.0 + np.exp(-(field - threshold) / softness)), np.float32)


def _near(points: tuple[SingularPoint, ...], radius: float) -> np.ndarray:
    """1 at each singular point, fading as a Gaussian of `radius` pixels."""
    h, w = MASTER_SHAPE
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    near = np.zeros((h, w), np.float32)
    for p in points:
        near = np.maximum(near, np.exp(-((xs - p.x) ** 2 + (ys - p.y) ** 2) / (2 * radius**2)))
    return near


def _readonly(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def _build(person_seed: int, finger: Finger) -> MasterPrint:
    rng = np.random.default_rng([_SALT, int(person_seed) & 0xFFFFFFFFFFFF, int(finger)])
    geometry = pad_geometry(rng, finger)
    pattern = choose_pattern(rng, finger)
    points = place_singular_points(rng, pattern, geometry.centre, geometry.width)
    theta, points = orientation_field(rng, pattern, points, MASTER_SHAPE, geometry.box)
    period = period_map(rng, finger, geometry)
    calm = None
    if points and CORE_BEND[0] > 0:
        bend = CORE_BEND[0] * smooth_noise(rng, MASTER_SHAPE, CORE_BEND[2]) * _near(points, CORE_BEND[1])
        theta = np.mod(theta + bend, np.pi).astype(np.float32)
    if points:
        wobble = CORE_PERIOD[0] * smooth_noise(rng, MASTER_SHAPE, CORE_PERIOD[2])
        period = np.clip(period * (1.0 + wobble * _near(points, CORE_PERIOD[1])), 7.0, 12.5)
        period = period.astype(np.float32)
        calm = _near(points, CALM_RADIUS)
    field = grow_ridges(theta, period, rng, calm=calm)
    # Restore full amplitude where ridges end, so endings render as crisp as the ridges themselves.
    field = np.clip(normalise(field, 3.0), -1.6, 1.6).astype(np.float32)
    mask = pad_mask(geometry)
    depth = cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, 3)
    image = np.where(mask, 250.0 - 215.0 * render_field(field), 255.0).astype(np.uint8)
    return MasterPrint(
        person_seed=int(person_seed),
        finger=finger,
        pattern=pattern,
        singular_points=points,
        field=_readonly(field),
        orientation=_readonly(theta),
        period=_readonly(period),
        mask=_readonly(mask),
        depth=_readonly(depth),
        image=_readonly(image),
        geometry=geometry,
    )


@lru_cache(maxsize=64)
def _cached(person_seed: int, finger: Finger) -> MasterPrint:
    return _build(person_seed, finger)


def master_print(person_seed: int, finger: Finger | int) -> MasterPrint:
    """The master of one finger of one simulated person (deterministic; ~250 ms; the last 64 cached)."""
    return _cached(int(person_seed), Finger(finger))


def clear_cache() -> None:
    """Forget cached masters (tests that change generator settings; memory: ~6 MB per master)."""
    _cached.cache_clear()
