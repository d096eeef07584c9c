"""The face brought to one pose and one scale: the ISO/IEC 19794-5 token-frontal geometry.

A similarity transform (rotation, uniform scale, shift) puts the eye centres where the token-frontal
image wants them: eye line 0.6·W from the top, eyes at x = 0.375·W and 0.625·W, height W / 0.75. The
same transform serves two purposes:
- `token_image` renders it at W >= 240 for the record;
- the photometric measures render it at a small canonical width, so that sharpness, gradients and
  histograms are computed at the same face scale whatever the camera, the distance and the upscaling:
  a soft 720p still of a face and a crisp 640x480 preview of it are then judged alike.
Areas of the token that fall outside the frame are marked invalid, never measured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.quality.face import landmarks as lm

EYE_LINE = 0.6  # of W, from the top
EYE_X = (0.375, 0.625)  # of W
ASPECT = 0.75  # W / H
# Canonical width for the measures: 42 px between the eyes, the scale of a face in a 640x480 preview.
CANONICAL_WIDTH = 168


def token_height(width: int) -> int:
    return round(width / ASPECT)


def token_transform(points: np.ndarray, width: int) -> np.ndarray:
    """2x3 matrix mapping frame pixels to a token image of `width` (eye centres from the landmarks)."""
    right, left = lm.eye_centres(points)  # image-left eye, image-right eye
    src = np.array([right, left], dtype=np.float64)
    dst = np.array([[EYE_X[0] * width, EYE_LINE * width], [EYE_X[1] * width, EYE_LINE * width]])
    return similarity(src, dst)


def similarity(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The rotation+scale+shift taking two points onto two points."""
    s = complex(*(src[1] - src[0]))
    d = complex(*(dst[1] - dst[0]))
    if s == 0:
        raise ValueError("the two source points coincide")
    k = d / s  # rotation and scale as one complex number
    a, b = k.real, k.imag
    shift = dst[0] - np.array([a * src[0][0] - b * src[0][1], b * src[0][0] + a * src[0][1]])
    return np.array([[a, -b, shift[0]], [b, a, shift[1]]], dtype=np.float64)


def apply(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    return points @ matrix[:, :2].T + matrix[:, 2]


@dataclass
class AlignedFace:
    """The face at the canonical scale: grey image, masks and landmarks, all in canonical coordinates."""

    grey: np.ndarray  # float32, 0-255
    face_mask: np.ndarray  # bool: inside the face outline
    valid: np.ndarray  # bool: pixels that come from the frame (not padding)
    points: np.ndarray  # landmarks
    person: np.ndarray | None = None  # float 0-1: how likely each pixel belongs to the person


Segmenter = Callable[[np.ndarray], np.ndarray]


def align(
    rgb: np.ndarray, points: np.ndarray, width: int = CANONICAL_WIDTH, segment: Segmenter | None = None
) -> AlignedFace:
    """Warp the token area of an RGB frame to `width`, in grey (ITU-R BT.601 luma, as OFIQ uses).

    `segment`, when given, is run on the same (shrunk) crop and its person mask is warped alongside.
    """
    height = token_height(width)
    matrix = token_transform(points, width)
    # Only the part of the frame the token covers is converted and resampled.
    box = np.array([[0, 0], [width, 0], [0, height], [width, height]], dtype=np.float64)
    corners = apply(cv2.invertAffineTransform(matrix), box)
    frame_h, frame_w = rgb.shape[:2]
    x0, y0 = (max(0, int(np.floor(v)) - 2) for v in corners.min(axis=0))
    x1 = min(frame_w, int(np.ceil(corners[:, 0].max())) + 2)
    y1 = min(frame_h, int(np.ceil(corners[:, 1].max())) + 2)
    if x1 - x0 < 2 or y1 - y0 < 2:
        raise ValueError("the face's token area lies outside the frame")
    crop = np.ascontiguousarray(rgb[y0:y1, x0:x1])
    scale = float(np.hypot(matrix[0, 0], matrix[1, 0]))
    to_crop = np.array([[1.0, 0.0, x0], [0.0, 1.0, y0], [0.0, 0.0, 1.0]])
    if scale < 1.0:
        # Shrink with area averaging first (what a lower-resolution sensor would see): warping alone
        # would alias, and aliasing looks like detail to a sharpness measure.
        small_w, small_h = max(2, round(crop.shape[1] * scale)), max(2, round(crop.shape[0] * scale))
        sx, sy = crop.shape[1] / small_w, crop.shape[0] / small_h
        crop = cv2.resize(crop, (small_w, small_h), interpolation=cv2.INTER_AREA)
        to_crop = to_crop @ np.array([[sx, 0.0, 0.0], [0.0, sy, 0.0], [0.0, 0.0, 1.0]])
    local = matrix @ to_crop
    size = (width, height)
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    warped = cv2.warpAffine(grey, local, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    ones = np.full(grey.shape, 255, np.uint8)
    valid = cv2.warpAffine(ones, local, size, flags=cv2.INTER_NEAREST, borderValue=0) > 0
    person = None
    if segment is not None:
        person = cv2.warpAffine(segment(crop).astype(np.float32), local, size, flags=cv2.INTER_LINEAR)
    canonical = apply(matrix, points)
    mask = np.zeros((height, width), np.uint8)
    cv2.fillPoly(mask, [np.round(canonical[list(lm.FACE_OVAL)]).astype(np.int32)], 1)
    return AlignedFace(warped.astype(np.float32), (mask > 0) & valid, valid, canonical, person)
