"""Cheap measurements of a fingerprint frame, the inputs of the live estimator and its guidance.

NFIQ 2 looks at foreground area, minutiae, orientation certainty and flow, ridge frequency, ridge/valley
clarity and uniformity, and grey level. These are stand-ins for the same things that fit in a couple of
milliseconds: everything is computed on the frame halved (250 ppi) in 8x8 blocks (16x16 at 500 ppi),
with a handful of OpenCV filters and block averages, so a preview can afford them on every frame:

- segmentation (see `segmentation`): finger area, centring, contact with the image borders;
- structure tensor per block: orientation certainty (coherence) and orientation flow between blocks;
- ridge frequency per block from the energy ratio of gradient to grey level (a ridge pattern of period
  T has E|grad I|^2 / Var I = (2 pi / T)^2), and a sharpness index from the Laplacian (1 for soft,
  sine-like ridges, more for crisp or noisy ones);
- ridge/valley balance: the share of each block darker than its neighbourhood (a dry finger leaves thin
  ridges, a wet one swollen ridges that fill the valleys), and grey level in the finger.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.quality.segmentation import (
    BLOCK,
    Segmentation,
    block_stats,
    noise_sigma,
    segment_blocks,
    working_image,
)

# The order is the model's input order; `live_model.json` records it and refuses a mismatch.
NAMES: tuple[str, ...] = (
    "area",  # finger area at 500 ppi, in units of 10 000 pixels
    "fraction",  # share of the frame covered by finger
    "offset",  # distance of the finger's centre from the frame's centre, in half-widths
    "edge_bottom",  # share of the bottom border the finger touches
    "noise",  # sensor noise, grey levels
    "contrast",  # median ridge contrast (standard deviation, noise removed) in the finger
    "contrast_low",  # 10th percentile of that contrast: faint patches
    "grey",  # mean grey level in the finger (NFIQ 2's Mu)
    "coherence",  # mean orientation certainty in the finger
    "coherence_low",  # share of finger blocks with uncertain orientation
    "flow",  # orientation consistency with the neighbouring blocks
    "frequency",  # median ridge frequency, cycles per pixel at 500 ppi
    "frequency_spread",  # interquartile range of the ridge frequency, relative to the median
    "sharpness",  # median sharpness index (1 = sine-like ridges)
    "ridge_share",  # median share of a block darker than its neighbourhood (ridge width / period)
    "ridge_share_spread",  # spread of that share between blocks
    "dark",  # share of finger pixels near black (a wet or pressed-too-hard finger)
    "light",  # share of finger pixels near white inside the finger (a dry or light touch)
)

_EPS = 1e-6
_TWO_PI = float(2 * np.pi)


@dataclass(frozen=True)
class Features:
    """The named measurements of one frame and the segmentation they were taken on."""

    values: dict[str, float]
    segmentation: Segmentation

    def vector(self) -> np.ndarray:
        return np.array([self.values[name] for name in NAMES], dtype=np.float64)


def _blocks(array: np.ndarray, rows: int, cols: int) -> np.ndarray:
    return cv2.resize(array, (cols, rows), interpolation=cv2.INTER_AREA)


def measure(image500: np.ndarray) -> Features:
    """All live measurements of an 8-bit greyscale 500 ppi fingerprint frame."""
    work = working_image(image500)
    rows, cols = work.shape[0] // BLOCK, work.shape[1] // BLOCK
    if rows < 3 or cols < 3:
        raise ValueError(f"image too small for the live estimator: {image500.shape}")
    work = work[: rows * BLOCK, : cols * BLOCK]
    mean, var = block_stats(work)
    noise = noise_sigma(work)
    seg = segment_blocks(var, noise, image500.shape)
    fg = seg.mask
    values = dict.fromkeys(NAMES, 0.0)
    values["noise"] = noise
    values["edge_bottom"] = seg.edge_contact()["bottom"]
    if not fg.any():
        values["grey"] = float(mean.mean())
        return Features(values, seg)

    # Structure tensor on a lightly smoothed image: gradients of noise average out over a block.
    smooth = cv2.GaussianBlur(work, (0, 0), 0.8)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3, scale=0.125)
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3, scale=0.125)
    gxx, gyy, gxy = _blocks(gx * gx, rows, cols), _blocks(gy * gy, rows, cols), _blocks(gx * gy, rows, cols)
    energy = gxx + gyy
    cos2, sin2 = gxx - gyy, 2.0 * gxy
    magnitude = np.sqrt(cos2 * cos2 + sin2 * sin2)
    coherence = magnitude / (energy + _EPS)
    unit_c, unit_s = cos2 / (magnitude + _EPS), sin2 / (magnitude + _EPS)
    flow = np.hypot(cv2.blur(unit_c, (3, 3)), cv2.blur(unit_s, (3, 3)))

    _smooth_mean, smooth_var = block_stats(smooth)
    lap = cv2.Laplacian(smooth, cv2.CV_32F, ksize=1)
    lap2 = _blocks(lap * lap, rows, cols)
    frequency = np.sqrt(energy / (smooth_var + _EPS)) / _TWO_PI / 2.0  # cycles per 500 ppi pixel
    sharpness = np.sqrt(lap2 * smooth_var / (energy * energy + _EPS))

    local = cv2.blur(work, (7, 7))
    ridge_share = _blocks((work < local).astype(np.float32), rows, cols)
    dark = _blocks((work < 50.0).astype(np.float32), rows, cols)
    light = _blocks((work > 215.0).astype(np.float32), rows, cols)

    ridge_std = np.sqrt(np.maximum(var - noise * noise, 0.0))[fg]
    freq_fg = frequency[fg]
    q1, q2, q3 = np.percentile(freq_fg, (25, 50, 75))
    share_fg = ridge_share[fg]
    dx, dy = seg.centroid()
    values.update(
        area=seg.pixels / 10_000.0,
        fraction=seg.fraction,
        offset=float(np.hypot(dx, dy)),
        contrast=float(np.median(ridge_std)),
        contrast_low=float(np.percentile(ridge_std, 10)),
        grey=float(mean[fg].mean()),
        coherence=float(coherence[fg].mean()),
        coherence_low=float((coherence[fg] < 0.3).mean()),
        flow=float(flow[fg].mean()),
        frequency=float(q2),
        frequency_spread=float((q3 - q1) / (q2 + _EPS)),
        sharpness=float(np.median(sharpness[fg])),
        ridge_share=float(np.median(share_fg)),
        ridge_share_spread=float(np.std(share_fg)),
        dark=float(dark[fg].mean()),
        light=float(light[fg].mean()),
    )
    return Features(values, seg)
