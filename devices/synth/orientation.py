"""Pattern class, singular points and the ridge-orientation field of a synthetic master print.

The model follows SFinGe (Cappelli): the orientation around cores and deltas comes from the zero-pole
model of Sherlock and Monro, each point's angular term bent by a small random monotone warp (in the
spirit of Vizcaya and Gerhardt) so that two loops are never the same loop; arches, which have no
singular points, use a closed-form arch profile. A weak random low-frequency field is added last,
in the doubled-angle domain, so that no new singular point can appear.

Angles are in image coordinates (x to the right, y down), radians in [0, pi): the direction along
the ridges, measured from +x towards +y.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from devices.positions import Finger

PATTERNS: tuple[str, ...] = ("arch", "tented_arch", "left_loop", "right_loop", "whorl")

# Natural class frequencies (Wilson et al., as SFinGe uses them): A 3.7, T 2.9, L 33.8, R 31.7, W 27.9 %.
NATURAL_FREQUENCIES: dict[str, float] = {
    "arch": 0.037,
    "tented_arch": 0.029,
    "left_loop": 0.338,
    "right_loop": 0.317,
    "whorl": 0.279,
}


# Random bend of the flow (radians) over 4, 8 and 20 cells across the master: without it, two loops
# of the same geometry share their forced minutiae and match each other weakly.
BEND = (0.3, 0.12, 0.1)
WARP = (12.0, 4)  # coordinate warp: amplitude (pixels) and cells across the master


@dataclass(frozen=True)
class SingularPoint:
    """A core or a delta, in master-image pixels."""

    kind: str  # "core" or "delta"
    x: float
    y: float


def choose_pattern(rng: np.random.Generator, finger: Finger) -> str:
    """Draw a class with the natural frequencies, tilted a little per finger as in real hands.

    Thumbs carry more whorls, index fingers more arches, and loops lean to the ulnar side (towards
    the little finger: right loops on the right hand, left loops on the left). Over all ten fingers
    the mix stays close to the natural frequencies.
    """
    weights = dict(NATURAL_FREQUENCIES)
    digit = (int(finger) - 1) % 5  # 0 thumb .. 4 little
    if digit == 0:
        weights["whorl"] *= 1.4
    elif digit == 1:
        weights["arch"] *= 1.8
        weights["tented_arch"] *= 1.8
    ulnar, radial = ("right_loop", "left_loop") if finger.hand == "right" else ("left_loop", "right_loop")
    weights[ulnar] *= 1.25
    weights[radial] *= 0.75
    names = list(weights)
    p = np.array([weights[n] for n in names])
    return names[int(rng.choice(len(names), p=p / p.sum()))]


def place_singular_points(
    rng: np.random.Generator, pattern: str, centre: tuple[float, float], scale: float
) -> tuple[SingularPoint, ...]:
    """Cores and deltas for `pattern` around `centre` (x, y); `scale` is the pad width in pixels."""
    cx, cy = centre
    s = scale / 340.0
    if pattern == "arch":
        return ()
    if pattern == "tented_arch":
        core = SingularPoint("core", cx + rng.normal(0, 12 * s), cy + rng.normal(-10, 12) * s)
        gap = rng.uniform(55, 95) * s
        return (core, SingularPoint("delta", core.x + rng.normal(0, 8 * s), core.y + gap))
    if pattern in ("left_loop", "right_loop"):
        side = 1.0 if pattern == "left_loop" else -1.0  # a left loop opens to the left: delta on the right
        core = SingularPoint("core", cx - side * rng.uniform(-10, 35) * s, cy + rng.normal(-15, 20) * s)
        # Core-to-delta distance and direction vary widely between real loops (ridge counts 2 to 20).
        distance = rng.uniform(90, 230) * s
        direction = rng.uniform(0.45, 1.25)  # radians below the horizontal, towards the delta's side
        delta = SingularPoint(
            "delta", core.x + side * distance * np.cos(direction), core.y + distance * np.sin(direction)
        )
        return (core, delta)
    if pattern == "whorl":
        spread = rng.uniform(18, 55) * s
        tilt = rng.uniform(-0.9, 0.9)
        ox, oy = 0.5 * spread * np.sin(tilt), 0.5 * spread * np.cos(tilt)
        mx, my = cx + rng.normal(0, 14 * s), cy + rng.normal(-5, 15) * s
        cores = (SingularPoint("core", mx - ox, my - oy), SingularPoint("core", mx + ox, my + oy))
        drop = rng.uniform(110, 165) * s
        deltas = (
            SingularPoint("delta", mx - rng.uniform(110, 165) * s, my + drop + rng.normal(0, 15 * s)),
            SingularPoint("delta", mx + rng.uniform(110, 165) * s, my + drop + rng.normal(0, 15 * s)),
        )
        return cores + deltas
    raise ValueError(f"unknown pattern {pattern!r}")


def _angle_warp(rng: np.random.Generator) -> tuple[float, float, float, float]:
    """Coefficients of g(a) = a + c1 sin(a + p1) + c2 sin(2a + p2); |c1| + 2|c2| < 1 keeps g monotone."""
    c1 = rng.uniform(0.0, 0.45)
    c2 = rng.uniform(0.0, 0.18)
    return c1, rng.uniform(0, 2 * np.pi), c2, rng.uniform(0, 2 * np.pi)


def _smooth_noise(rng: np.random.Generator, shape: tuple[int, int], cells: int) -> np.ndarray:
    """Zero-mean, unit-ish random field varying over about `cells` cells across the image."""
    h, w = shape
    small = rng.standard_normal((cells + 1, max(2, round((cells + 1) * w / h)))).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def _warp(rng: np.random.Generator, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """A smooth, fold-free displacement (pixels) that stretches and shears the pattern.

    The zero-pole model gives every core and delta the same neighbourhood up to rotation and scale;
    minutiae forced by that shape then line up between unrelated fingers of one class (Bozorth3
    scores them as weak matches). Evaluating the model on warped coordinates makes loop heads
    narrow or wide, skewed or upright, as in real fingers. The warp is scaled down if it would fold.
    """
    dx = WARP[0] * _smooth_noise(rng, shape, WARP[1])
    dy = WARP[0] * _smooth_noise(rng, shape, WARP[1])
    jac = (1 + np.gradient(dx, axis=1)) * (1 + np.gradient(dy, axis=0))
    jac -= np.gradient(dx, axis=0) * np.gradient(dy, axis=1)
    worst = float(jac.min())
    if worst < 0.5:  # det(I + s*G) is about 1 - s*(1 - worst) for small s: keep it >= 0.5
        scale = 0.5 / (1.0 - worst)
        dx, dy = dx * scale, dy * scale
    return dx, dy


def unwarp_points(
    points: tuple[SingularPoint, ...], dx: np.ndarray, dy: np.ndarray
) -> tuple[SingularPoint, ...]:
    """Where the singular points land once the coordinates are warped: solve x + d(x) = p."""
    h, w = dx.shape
    out = []
    for p in points:
        x, y = p.x, p.y
        for _ in range(6):
            i, j = int(np.clip(round(y), 0, h - 1)), int(np.clip(round(x), 0, w - 1))
            x, y = p.x - float(dx[i, j]), p.y - float(dy[i, j])
        out.append(SingularPoint(p.kind, x, y))
    return tuple(out)


def orientation_field(
    rng: np.random.Generator,
    pattern: str,
    points: tuple[SingularPoint, ...],
    shape: tuple[int, int],
    pad_box: tuple[float, float, float, float],
) -> tuple[np.ndarray, tuple[SingularPoint, ...]]:
    """Ridge direction per pixel (float32 radians in [0, pi)) for a master of `shape` (h, w).

    `pad_box` = (left, top, right, bottom) of the finger pad: the arch profile is scaled to it.
    Returns the field and the singular points where they ended up after the warp.
    """
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = _warp(rng, shape)
    xs, ys = xs + dx, ys + dy
    if pattern == "arch":
        left, top, right, bottom = pad_box
        cx = 0.5 * (left + right) + rng.normal(0, 10)
        width = right - left
        # Ridges hump upwards most in the upper middle of the pad and flatten towards the bottom.
        peak_y = top + rng.uniform(0.35, 0.5) * (bottom - top)
        height = rng.uniform(0.45, 0.8) * np.exp(-(((ys - peak_y) / (0.45 * (bottom - top))) ** 2))
        slope = height * np.sin(np.pi * np.clip((xs - cx) / (1.1 * width), -0.5, 0.5))
        theta = np.arctan(slope)
    else:
        theta = np.full(shape, rng.normal(0.0, 0.12), np.float32)
        for p in points:
            c1, p1, c2, p2 = _angle_warp(rng)
            a = np.arctan2(ys - p.y, xs - p.x)
            g = a + c1 * np.sin(a + p1) + c2 * np.sin(2 * a + p2) - c1 * np.sin(p1) - c2 * np.sin(p2)
            theta += (-0.5 if p.kind == "delta" else 0.5) * g
    # Random bend: a smooth angle added to the field keeps every singular point and creates none.
    theta = theta + BEND[0] * _smooth_noise(rng, shape, 4) + BEND[1] * _smooth_noise(rng, shape, 8)
    theta = theta + BEND[2] * _smooth_noise(rng, shape, 20)
    return np.mod(theta, np.pi).astype(np.float32), unwarp_points(points, dx, dy)
