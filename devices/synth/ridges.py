"""Ridge pattern grown from noise by iterated, space-variant directional band-pass filtering.

SFinGe grows ridges by applying at each pixel a Gabor filter tuned to the local orientation and
frequency, again and again, from a few seeds. Doing that per pixel is slow in numpy; the same result
comes from a bank of directional band-pass filters applied in the frequency domain (one forward FFT,
one inverse FFT per bank entry) and blended per pixel with weights from the local orientation and
period. Between iterations the response is normalised by its local energy and clipped: that
non-linearity is what turns noise into continuous ridges, with the occasional ending and
bifurcation where the field cannot be fitted by parallel lines (the minutiae).
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

N_ORIENTATIONS = 12
PERIOD_BINS: tuple[float, ...] = (7.4, 9.0, 11.0, 13.4)
_ANGULAR_SIGMA = np.pi / N_ORIENTATIONS * 0.85
_RADIAL_SIGMA_LOG = 0.11  # relative bandwidth of each period bin
CALM_GAIN = 0.25


@lru_cache(maxsize=4)
def _bank(shape: tuple[int, int], scale: float) -> np.ndarray:
    """Frequency responses (orientation bin, period bin, h, w//2+1) on an rfft2 grid.

    `scale` is the grid's size relative to full resolution: periods shrink with it.
    """
    h, w = shape
    ky = np.fft.fftfreq(h).astype(np.float32)[:, None]
    kx = np.fft.rfftfreq(w).astype(np.float32)[None, :]
    phi = np.arctan2(ky, kx)
    log_r = np.log(np.maximum(np.hypot(kx, ky), 1e-6))
    filters = np.empty((N_ORIENTATIONS, len(PERIOD_BINS), h, w // 2 + 1), np.float32)
    for i in range(N_ORIENTATIONS):
        normal = i * np.pi / N_ORIENTATIONS + np.pi / 2  # the frequency vector is across the ridges
        d = np.mod(phi - normal + np.pi / 2, np.pi) - np.pi / 2
        angular = np.exp(-0.5 * (d / _ANGULAR_SIGMA) ** 2)
        for j, period in enumerate(PERIOD_BINS):
            filters[i, j] = angular * _radial(log_r, period * scale)
    return filters


def forget_filters() -> None:
    """Drop the cached filter banks (~29 MB at a finger's size): a caller that grew what it needs (the
    demo, a person's ten fingers) gives them back; the next growth builds them again (~0.1 s)."""
    _bank.cache_clear()
    _ring.cache_clear()


def _radial(log_r: np.ndarray, period: float) -> np.ndarray:
    return np.exp(-0.5 * ((log_r - np.log(1.0 / period)) / _RADIAL_SIGMA_LOG) ** 2).astype(np.float32)


@lru_cache(maxsize=4)
def _ring(shape: tuple[int, int], period: float) -> np.ndarray:
    """An orientation-free band-pass at `period` (pixels of this grid)."""
    h, w = shape
    ky = np.fft.fftfreq(h).astype(np.float32)[:, None]
    kx = np.fft.rfftfreq(w).astype(np.float32)[None, :]
    return _radial(np.log(np.maximum(np.hypot(kx, ky), 1e-6)), period)


# (orientation bin, period bin) -> [(corner, flat pixel indices, weights)]
Bins = dict[tuple[int, int], list[tuple[int, np.ndarray, np.ndarray]]]
CORNERS = 4  # each pixel blends the two nearest orientation bins times the two nearest period bins


def _bin_weights(theta: np.ndarray, period: np.ndarray) -> Bins:
    """Per bin, the pixels it contributes to, with weights: bilinear in angle and log-period, one entry
    per corner of the interpolation (every pixel has exactly one of each corner). `period` is in
    full-resolution pixels whatever the grid."""
    pos = theta.ravel() / (np.pi / N_ORIENTATIONS)
    o0 = np.floor(pos).astype(np.int64)
    fo = (pos - o0).astype(np.float32)
    o0 %= N_ORIENTATIONS
    o1 = (o0 + 1) % N_ORIENTATIONS
    logs = np.log(np.asarray(PERIOD_BINS, np.float32))
    lp = np.clip(np.log(period.ravel()), logs[0], logs[-1] - 1e-6)
    p0 = np.searchsorted(logs, lp, side="right") - 1
    fp = ((lp - logs[p0]) / (logs[p0 + 1] - logs[p0])).astype(np.float32)
    n_p = len(PERIOD_BINS)
    out: Bins = {}
    corners = [
        (oi, ow, pi, pw) for oi, ow in ((o0, 1 - fo), (o1, fo)) for pi, pw in ((p0, 1 - fp), (p0 + 1, fp))
    ]
    for corner, (oi, ow, pi, pw) in enumerate(corners):
        key = oi * n_p + pi
        order = np.argsort(key, kind="stable")
        bounds = np.searchsorted(key[order], np.arange(N_ORIENTATIONS * n_p + 1))
        weight = ow * pw
        for k in range(N_ORIENTATIONS * n_p):
            sel = order[bounds[k] : bounds[k + 1]]
            if sel.size:
                out.setdefault((k // n_p, k % n_p), []).append((corner, sel, weight[sel]))
    return out


def normalise(response: np.ndarray, sigma: float) -> np.ndarray:
    """Divide by the local RMS so ridges have the same amplitude everywhere."""
    energy = cv2.GaussianBlur(response * response, (0, 0), sigma)
    return np.asarray(response / np.sqrt(energy + 1e-6), np.float32)


def _downsample_angle(theta: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Average orientations in the doubled-angle domain (plain averaging breaks at 0/pi)."""
    c = cv2.resize(np.cos(2 * theta), size, interpolation=cv2.INTER_AREA)
    s = cv2.resize(np.sin(2 * theta), size, interpolation=cv2.INTER_AREA)
    return np.mod(0.5 * np.arctan2(s, c), np.pi).astype(np.float32)


def _iterate(
    field: np.ndarray,
    theta: np.ndarray,
    period: np.ndarray,
    calm: np.ndarray | None,
    scale: float,
    iterations: int,
    gain: float,
    last: bool,
) -> np.ndarray:
    h, w = field.shape
    filters = _bank((h, w), scale)
    bins = _bin_weights(theta, period)
    ring = _ring((h, w), float(np.median(period)) * scale) if calm is not None else None
    corners = np.zeros((CORNERS, h * w), np.float32)
    for it in range(iterations):
        spectrum = np.fft.rfft2(field)
        # One filtered image at a time (all 48 at once held ~80 MB at full size), each pixel's share
        # kept per corner and summed in the corners' order: the same numbers as summing as they come.
        for (a, b), entries in bins.items():
            response = np.fft.irfft2(spectrum * filters[a, b], s=(h, w)).ravel()
            for corner, sel, weight in entries:
                corners[corner, sel] = weight * response[sel]
            del response
        out = corners[0] + corners[1]
        for corner in range(2, CORNERS):
            out += corners[corner]
        result = out.reshape(h, w)
        if calm is not None and ring is not None:
            iso = np.fft.irfft2(spectrum * ring, s=(h, w)).astype(np.float32)
            result = result * (1.0 - calm) + CALM_GAIN * iso * calm
        normed = normalise(result, 6.0 * scale)
        field = normed if (last and it == iterations - 1) else np.clip(gain * normed, -1.0, 1.0)
    return field


def grow_ridges(
    theta: np.ndarray,
    period: np.ndarray,
    rng: np.random.Generator,
    coarse: int = 5,
    fine: int = 2,
    gain: float = 1.6,
    calm: np.ndarray | None = None,
) -> np.ndarray:
    """A smooth ridge field (float32, about -1.4..1.4, ridges > 0) following `theta` and `period`.

    The pattern forms over `coarse` iterations at half resolution (ridges are 4-6 px apart there,
    still well sampled, at a quarter of the cost) and is refined by `fine` iterations at full size.
    `calm` (0..1 per pixel) hands the growth over to an orientation-free band-pass filter where the
    orientation turns too fast for any oriented filter (at cores and deltas): left alone, the bank
    leaves a knot of spurious ridge endings there, the same knot in every finger.
    """
    h, w = theta.shape
    half = (w // 2, h // 2)
    small_calm = cv2.resize(calm, half, interpolation=cv2.INTER_AREA) if calm is not None else None
    field = rng.standard_normal((half[1], half[0])).astype(np.float32)
    field = _iterate(
        field,
        _downsample_angle(theta, half),
        cv2.resize(period, half, interpolation=cv2.INTER_AREA),
        small_calm,
        0.5,
        coarse,
        gain,
        last=False,
    )
    full = np.asarray(cv2.resize(field, (w, h), interpolation=cv2.INTER_CUBIC), np.float32)
    return _iterate(full, theta, period, calm, 1.0, fine, gain, last=True)
