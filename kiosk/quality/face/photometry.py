"""The measures that come from pixels: light, exposure, evenness, sharpness, background.

All are computed on the aligned face (`aligned.align`): the token-frontal crop at a canonical scale of
42 px between the eyes, in grey (BT.601 luma). Computing at one scale is what makes sharpness and
gradients comparable between a soft 720p still and a crisp 640x480 preview of the same face.

Definitions (OFIQ, ISO/IEC 29794-5, where it has one):
- luminance: mean of the face region, 0-1;
- exposure: fractions of face pixels below 25 (under) and above 247 (over); the worse side is reported;
- illumination uniformity: intersection of the grey histograms (32 bins) of the left and right halves of
  the face between the eye line and the mouth, 0-1 (1 = both halves lit alike);
- sharpness: how much of the face's detail is at the finest scale: the standard deviation of the
  Laplacian over that of a difference of Gaussians (sigma 1 and 3 px, the scale of eyelids, nostrils,
  lip lines), on the inner face. Being a ratio of two detail bands it ignores brightness, contrast and
  a light gradient across the face, and only falls when fine detail is lost: 1.35 for the upscaled
  720p portrait still and 1.28 for its 640x480 preview; a Gaussian blur of the 720p still of sigma 1.2,
  2 and 4 px (0.5, 0.8 and 1.7 px at the canonical scale) brings it to 1.03, 0.80 and 0.53;
- background uniformity: mean luminance gradient (Sobel, grey levels per pixel) over the background of
  the token area, i.e. pixels that the person segmentation gives to the background, a few pixels away
  from the person's outline. The portrait's mottled studio backdrop gives 1.3, the striped background
  the tests paint behind it 40.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from kiosk.messages import msg
from kiosk.quality.face import landmarks as lm
from kiosk.quality.face.geometry import ok
from kiosk.quality.face.observation import Observation
from kiosk.quality.face.result import Measure
from kiosk.quality.face.score import above, below, within

UNDER, OVER = 25, 247
# The background must be at least this share of the token area to be judged.
MIN_BACKGROUND_SHARE = 0.03


def luminance(obs: Observation) -> Measure:
    assert obs.aligned is not None
    p = obs.policy
    value = float(obs.aligned.grey[obs.aligned.face_mask].mean()) / 255.0
    if value < p.luminance_min:
        message, passed = msg("quality.face.more_light"), False
    elif value > p.luminance_max:
        message, passed = msg("quality.face.less_light"), False
    else:
        message, passed = ok("luminance"), True
    return Measure(value, passed, message, within(value, p.luminance_min, p.luminance_max, 0.1))


def exposure(obs: Observation) -> Measure:
    assert obs.aligned is not None
    p = obs.policy
    face = obs.aligned.grey[obs.aligned.face_mask]
    under = float((face < UNDER).mean())
    over = float((face > OVER).mean())
    if over / p.over_exposed_max >= under / p.under_exposed_max:
        value, limit, fault = over, p.over_exposed_max, msg("quality.face.less_light")
    else:
        value, limit, fault = under, p.under_exposed_max, msg("quality.face.more_light")
    passed = value <= limit
    return Measure(value, passed, ok("exposure") if passed else fault, below(value, limit, limit))


def illumination_uniformity(obs: Observation) -> Measure:
    a = obs.aligned
    assert a is not None
    middle = a.grey.shape[1] // 2  # the eyes are symmetric about the middle of the aligned crop
    eye_line = int(a.points[[lm.RIGHT_EYE_CORNERS[0], lm.LEFT_EYE_CORNERS[0]], 1].mean())
    mouth = int(a.points[lm.UPPER_LIP_INNER, 1]) + 1
    band = np.zeros_like(a.face_mask)
    band[max(0, eye_line) : max(eye_line + 1, mouth)] = True
    region = a.face_mask & band
    left, right = region.copy(), region.copy()
    left[:, middle:] = False
    right[:, :middle] = False
    if left.sum() < 10 or right.sum() < 10:
        return Measure(None, False, msg("quality.face.look_at_camera"), 0.0)
    hist_l = np.histogram(a.grey[left], 32, (0, 256))[0] / left.sum()
    hist_r = np.histogram(a.grey[right], 32, (0, 256))[0] / right.sum()
    value = float(np.minimum(hist_l, hist_r).sum())
    limit = obs.policy.illumination_uniformity_min
    passed = value >= limit
    message = ok("illumination_uniformity") if passed else msg("quality.face.even_light")
    return Measure(value, passed, message, above(value, limit, 0.3))


def sharpness(obs: Observation) -> Measure:
    a = obs.aligned
    assert a is not None
    inner = obs.inner_face
    if inner.sum() < 50:
        return Measure(None, False, msg("quality.face.look_at_camera"), 0.0)
    laplacian = cv2.Laplacian(a.grey, cv2.CV_32F, ksize=1)
    band = cv2.GaussianBlur(a.grey, (0, 0), 1.0) - cv2.GaussianBlur(a.grey, (0, 0), 3.0)
    spread = float(band[inner].std())
    value = float(laplacian[inner].std()) / spread if spread > 1e-3 else 0.0
    limit = obs.policy.sharpness_min
    passed = value >= limit
    message = ok("sharpness") if passed else msg("quality.face.hold_still")
    return Measure(value, passed, message, above(value, limit, 0.3))


def background_uniformity(obs: Observation) -> Measure:
    a = obs.aligned
    assert a is not None
    person = a.person if a.person is not None else np.zeros_like(a.grey)
    away = (person < 0.5).astype(np.uint8)
    # Keep clear of the person's outline (hair edges, a blurred mask border) and of the padding.
    background = (cv2.erode(away, np.ones((7, 7), np.uint8)) > 0) & _shrunk(a.valid)
    if background.mean() < MIN_BACKGROUND_SHARE:
        return Measure(None, False, msg("quality.face.move_back"), 0.0)
    gx = cv2.Sobel(a.grey, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(a.grey, cv2.CV_32F, 0, 1, ksize=3)
    value = float(np.hypot(gx, gy)[background].mean()) / 8.0  # Sobel 3x3 weighs a unit step as 8
    limit = obs.policy.background_gradient_max
    passed = value <= limit
    message = ok("background_uniformity") if passed else msg("quality.face.plain_background")
    return Measure(value, passed, message, below(value, limit, limit * 0.5))


def _shrunk(mask: np.ndarray) -> np.ndarray:
    return cv2.erode(mask.astype(np.uint8), np.ones((3, 3), np.uint8), borderValue=0) > 0


PHOTOMETRY: dict[str, Callable[[Observation], Measure]] = {
    "luminance": luminance,
    "exposure": exposure,
    "illumination_uniformity": illumination_uniformity,
    "sharpness": sharpness,
    "background_uniformity": background_uniformity,
}
