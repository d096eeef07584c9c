"""One capture of a master print on a 500 ppi sensor: placement, contact, distortion, skin, sensor.

The order follows SFinGe's impression stage: choose the contact region, vary the ridge thickness
with the pressure, distort the skin, add skin and sensor noise, then render. The ridge surface is
warped (smooth, so bilinear interpolation is harmless) and thresholded only afterwards, so ridges
stay crisp whatever the rotation: NFIQ 2 punishes optical blur far more than noise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from devices.synth.conditions import GOOD, Condition, mm_to_px, sample_params
from devices.synth.distortion import Placement, sensor_to_master
from devices.synth.master import MasterPrint, render_field
from devices.synth.texture import creases, dry_breaks, pores, scars, smooth_noise, wet_smear

BACKGROUND = 252.0
_BASE_THRESHOLD = 0.3  # ridges a little thinner than valleys, as on a clean, healthy finger
_PRESSURE_GAIN = 0.9  # threshold shift per unit of pressure above normal
_RIM_PX = 22.0  # width of the band at the pad's edge where the skin barely touches
RIM_FADE = 1.0
DRY_LIFT = 0.7  # dry skin: ridges thinner
DRY_FLAKES = 0.35  # dead skin flakes on dry fingers: grey grain over the pad
_RIM_LIFT = 1.2  # threshold rise at the rim: ridges thin out and break instead of ending on a line
_EDGE_ROUGHNESS = 0.3  # ridge edges are ragged on real skin; perfectly smooth ones score too high


@dataclass(frozen=True, eq=False)
class Impression:
    """One sensor frame: `image` uint8 (white background), `contact` bool, `params` as applied."""

    image: np.ndarray
    contact: np.ndarray
    params: dict[str, Any]
    ppi: int = 500


def _contact(
    rng: np.random.Generator,
    master: MasterPrint,
    px: np.ndarray,
    py: np.ndarray,
    pad: np.ndarray,
    params: Mapping[str, Any],
) -> tuple[np.ndarray, np.ndarray, float]:
    """Soft contact weight (0..1), a rim profile (1 inside, falling at the edge) and the fraction.

    The contact is an irregular ellipse around the pad centre, scaled so that exactly the asked
    fraction of the visible pad touches (the fraction actually reached is returned).
    """
    g = master.geometry
    cx = g.centre[0] + mm_to_px(params["contact_dx_mm"])
    cy = g.centre[1] + mm_to_px(params["contact_dy_mm"])
    rr = np.sqrt(((px - cx) / (0.55 * g.width)) ** 2 + ((py - cy) / (0.72 * g.width)) ** 2)
    rr += 0.06 * smooth_noise(rng, px.shape, 60.0)
    inside = pad > 0.5
    if not inside.any():
        return np.zeros_like(pad), np.zeros_like(pad), 0.0
    wanted = float(np.clip(params["contact_fraction"], 0.0, 1.0))
    values = rr[inside]
    k = min(values.size - 1, max(0, int(wanted * values.size) - 1))
    limit = float(np.partition(values, k)[k]) if wanted < 1.0 else float(values.max()) + 0.05
    weight = np.clip((limit - rr) / 0.02, 0.0, 1.0) * pad
    profile = np.clip((limit - rr) / 0.1, 0.0, 1.0)
    fraction = float((weight[inside] > 0.5).mean())
    return weight.astype(np.float32), profile.astype(np.float32), fraction


def _ink(
    rng: np.random.Generator, field: np.ndarray, profile: np.ndarray, params: Mapping[str, Any]
) -> np.ndarray:
    """Where the skin leaves ink (0..1): ridge thickness from pressure, then what the skin adds."""
    size = field.shape
    if params["worn"] > 0:  # worn skin: ridges flattened in patches, left as mottled texture
        flat = np.clip(0.5 + 0.8 * smooth_noise(rng, size, 45.0), 0.0, 1.0) * params["worn"]
        field = field * (1.0 - 0.85 * flat) + 0.6 * flat * smooth_noise(rng, size, 3.0)
    threshold = _BASE_THRESHOLD - _PRESSURE_GAIN * (params["pressure"] - 1.0) + _RIM_LIFT * (1.0 - profile)
    threshold += DRY_LIFT * params["dryness"] - 0.9 * params["wetness"]
    field = field + _EDGE_ROUGHNESS * smooth_noise(rng, size, 2.5)
    ink = render_field(field, threshold, 0.12)
    ink *= 1.0 - dry_breaks(rng, size, params["dryness"])
    if params["dryness"] > 0.3 and DRY_FLAKES > 0:  # dead skin flakes: grey grain over the pad
        flakes = DRY_FLAKES * (params["dryness"] - 0.3) * smooth_noise(rng, size, 3.0)
        ink = np.clip(ink + flakes, 0.0, 1.0)
    ink = wet_smear(rng, ink, params["wetness"])
    if params["pores"] > 0:  # pores fill with water on wet skin
        ink *= 1.0 - 0.8 * (1.0 - params["wetness"]) * pores(rng, size, params["pores"])
    if params["creases"] > 0:
        ink *= 1.0 - creases(rng, size, int(params["creases"]))
    if params["scars"] > 0:
        ink *= 1.0 - scars(rng, size, int(params["scars"]))
    return ink


def _line_kernel(length: float, angle_deg: float) -> np.ndarray:
    """A normalised straight-line kernel: motion blur along `angle_deg`."""
    size = int(np.ceil(length)) | 1
    kernel = np.zeros((size, size), np.float32)
    c = size // 2
    dx, dy = np.cos(np.deg2rad(angle_deg)) * length / 2, np.sin(np.deg2rad(angle_deg)) * length / 2
    cv2.line(kernel, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 1, cv2.LINE_AA)
    return kernel / kernel.sum()


def _sensor(
    rng: np.random.Generator, ink: np.ndarray, weight: np.ndarray, params: Mapping[str, Any]
) -> np.ndarray:
    """Grey levels as an optical reader gives them: near-white valleys, dark ridges, then noise."""
    size = ink.shape
    valley = 244.0 + 4.0 * smooth_noise(rng, size, 150.0)  # gentle illumination gradient
    ridge = 40.0 + 12.0 * smooth_noise(rng, size, 80.0)
    depth = params["contrast"] * (valley - ridge)
    image = BACKGROUND - weight * (BACKGROUND - valley) - weight * depth * ink
    if params["blur_sigma"] > 0:
        image = cv2.GaussianBlur(image, (0, 0), params["blur_sigma"])
    if params["smear_px"] >= 2:  # the finger slid while the frame was taken (lifted early)
        image = cv2.filter2D(image, -1, _line_kernel(params["smear_px"], params["smear_deg"]))
    image += params["noise_sigma"] * rng.standard_normal(size, dtype=np.float32)
    if params["grain"] > 0:  # grain at the scale of the ridges: the noise NFIQ 2 does notice
        image += params["grain"] * smooth_noise(rng, size, 3.0)
    if params["speckle"] > 0:
        salt = rng.random(size, dtype=np.float32) < params["speckle"] * 0.2
        image[salt] = rng.choice(np.array([0.0, 255.0], np.float32), int(salt.sum()))
    return np.clip(image, 0, 255).astype(np.uint8)


def _render(
    rng: np.random.Generator, master: MasterPrint, size: tuple[int, int], params: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    centre = master.geometry.centre
    contact_centre = (
        centre[0] + mm_to_px(params["contact_dx_mm"]),
        centre[1] + mm_to_px(params["contact_dy_mm"]),
    )
    placement = Placement(
        rotation_deg=params["rotation_deg"],
        dx_px=mm_to_px(params["dx_mm"]),
        dy_px=mm_to_px(params["dy_mm"]),
        distortion_px=params["distortion_px"],
        distortion_deg=params["distortion_deg"],
        contact_centre=contact_centre,
    )
    map_x, map_y = sensor_to_master(rng, placement, size, master.field.shape)
    field = cv2.remap(master.field, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    depth = cv2.remap(master.depth, map_x, map_y, cv2.INTER_LINEAR, borderValue=0.0)
    pad = np.clip(depth, 0.0, 1.0)
    weight, profile, fraction = _contact(rng, master, map_x, map_y, pad, params)
    params["contact_fraction"] = fraction
    profile = np.minimum(profile, np.clip(depth / _RIM_PX, 0.0, 1.0))
    ink = _ink(rng, field, profile, params)
    # At the rim the print fades out rather than stopping on a line of broken ridge ends.
    fade = RIM_FADE + (1.0 - RIM_FADE) * profile
    return _sensor(rng, ink * fade, weight, params), weight > 0.5


def impression(
    master: MasterPrint,
    rng: np.random.Generator,
    condition: Condition | None = None,
    size: tuple[int, int] = (500, 400),
    *,
    params: Mapping[str, Any] | None = None,
) -> Impression:
    """A new capture of `master`: (height, width) `size` at 500 ppi, drawn with `rng` (~10 ms).

    `params` overrides any of the drawn parameters: e.g. the simulated reader passes a growing
    `contact_fraction` with an otherwise fixed placement for the live frames of one touch. The
    returned `params` hold what was applied, with `contact_fraction` as actually reached.
    """
    applied = sample_params(rng, condition or GOOD)
    if params:
        unknown = set(params) - set(applied)
        if unknown:
            raise ValueError(f"unknown impression parameters: {', '.join(sorted(unknown))}")
        applied.update(params)
    image, contact = _render(rng, master, size, applied)
    return Impression(image=image, contact=contact, params=applied)
