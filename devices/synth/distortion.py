"""Placement and elastic skin distortion: the map from sensor pixels back to master pixels.

Skin does not move as a rigid sheet. Following Cappelli, Maio and Maltoni's plastic distortion
model, the region in close contact with the glass stays put, the periphery follows a small rigid
motion of its own (the finger's push and twist), and a transition band in between bends smoothly:
the result is non-linear, strongest at the edges of the contact, as in real plain impressions. A weak
random warp adds the unevenness of the pulp. The rigid placement (rotation and translation on the
sensor) is applied on top, and the whole thing is one `cv2.remap` map.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Placement:
    rotation_deg: float
    dx_px: float
    dy_px: float
    distortion_px: float  # displacement reached by the periphery
    distortion_deg: float  # twist of the periphery
    contact_centre: tuple[float, float]  # in master pixels: where the close-contact region is


def _smooth_field(rng: np.random.Generator, shape: tuple[int, int], cells: int) -> np.ndarray:
    h, w = shape
    small = rng.standard_normal((cells, cells)).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def sensor_to_master(
    rng: np.random.Generator,
    placement: Placement,
    frame_shape: tuple[int, int],
    master_shape: tuple[int, int],
) -> tuple[np.ndarray, np.ndarray]:
    """`(map_x, map_y)` float32 arrays of `frame_shape`: the master pixel each sensor pixel shows."""
    fh, fw = frame_shape
    mh, mw = master_shape
    v, u = np.mgrid[0:fh, 0:fw].astype(np.float32)
    # Rigid placement, inverted: sensor -> finger (master) coordinates about the two centres.
    a = np.deg2rad(placement.rotation_deg)
    cos_a, sin_a = np.float32(np.cos(a)), np.float32(np.sin(a))
    qx = u - (fw - 1) / 2 - placement.dx_px
    qy = v - (fh - 1) / 2 - placement.dy_px
    px = cos_a * qx + sin_a * qy + (mw - 1) / 2
    py = -sin_a * qx + cos_a * qy + (mh - 1) / 2
    # Plastic distortion around the close-contact region (inverted to first order: subtract it).
    cx, cy = placement.contact_centre
    rx, ry = px - cx, py - cy
    r = np.sqrt(rx * rx + ry * ry)
    r0, r1 = 70.0, 230.0
    t = np.clip((r - r0) / (r1 - r0), 0.0, 1.0)
    brake = t * t * (3 - 2 * t)  # smoothstep: 0 in close contact, 1 at the periphery
    b = np.deg2rad(placement.distortion_deg)
    cos_b, sin_b = np.float32(np.cos(b) - 1.0), np.float32(np.sin(b))
    direction = rng.uniform(0, 2 * np.pi)
    tx = placement.distortion_px * np.cos(direction)
    ty = placement.distortion_px * np.sin(direction)
    dx = (cos_b * rx - sin_b * ry + tx) * brake
    dy = (sin_b * rx + cos_b * ry + ty) * brake
    wobble = 0.25 * placement.distortion_px
    dx += wobble * _smooth_field(rng, frame_shape, 4)
    dy += wobble * _smooth_field(rng, frame_shape, 4)
    return (px - dx).astype(np.float32), (py - dy).astype(np.float32)
