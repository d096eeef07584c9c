"""Webcam-like stills made from the real portrait, and the faulty variants the face tests need.

The portrait (`faces/astronaut.png`, 512x512, NASA, public domain) is upscaled x2.4 with cubic
interpolation and framed in 1280x720, the way a 720p webcam would see a person at the kiosk (about
100 px between the eyes, and soft, as upscaled and real webcam stills are). Each variant changes one
thing, so that the measure named after that thing must fail while it passed on the still.
Edits that need to know where the eyes or the mouth are take the landmarks found on the clean still.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from kiosk.quality.face import landmarks as lm

WIDTH, HEIGHT = 1280, 720
UPSCALE = 2.4
# Where the face is in astronaut.png (fractions of its width and height: between the eyes and the mouth).
PORTRAIT_FACE = (0.437, 0.234)


def read_rgb(path: Path) -> np.ndarray:
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert bgr is not None, path
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _shift(image: np.ndarray, dx: float, dy: float) -> np.ndarray:
    matrix = np.array([[1, 0, dx], [0, 1, dy]], dtype=np.float32)
    return cv2.warpAffine(image, matrix, (image.shape[1], image.shape[0]), borderMode=cv2.BORDER_REPLICATE)


def webcam_still(portrait: np.ndarray) -> np.ndarray:
    """The portrait upscaled and framed in 1280x720 with the face in the middle."""
    big = cv2.resize(portrait, None, fx=UPSCALE, fy=UPSCALE, interpolation=cv2.INTER_CUBIC)
    fx, fy = PORTRAIT_FACE[0] * big.shape[1], PORTRAIT_FACE[1] * big.shape[0]
    matrix = np.array([[1, 0, WIDTH / 2 - fx], [0, 1, HEIGHT * 0.46 - fy]], dtype=np.float32)
    return cv2.warpAffine(
        big, matrix, (WIDTH, HEIGHT), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE
    )


def dark(still: np.ndarray, gain: float = 0.22) -> np.ndarray:
    return np.clip(still.astype(np.float32) * gain, 0, 255).astype(np.uint8)


def over_exposed(still: np.ndarray, gain: float = 2.0, offset: float = 60.0) -> np.ndarray:
    return np.clip(still.astype(np.float32) * gain + offset, 0, 255).astype(np.uint8)


def blurred(still: np.ndarray, sigma: float = 4.0) -> np.ndarray:
    return cv2.GaussianBlur(still, (0, 0), sigma)


def rolled(still: np.ndarray, degrees: float = 15.0) -> np.ndarray:
    matrix = cv2.getRotationMatrix2D((WIDTH / 2, HEIGHT * 0.46), degrees, 1.0)
    return cv2.warpAffine(
        still, matrix, (WIDTH, HEIGHT), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )


def small(still: np.ndarray, factor: float = 0.45) -> np.ndarray:
    """The person steps back: the whole scene shrinks about the frame centre."""
    matrix = cv2.getRotationMatrix2D((WIDTH / 2, HEIGHT / 2), 0.0, factor)
    return cv2.warpAffine(
        still, matrix, (WIDTH, HEIGHT), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE
    )


def off_centre(still: np.ndarray, fraction: float = 0.3) -> np.ndarray:
    return _shift(still, fraction * WIDTH, 0.0)


def no_face(still: np.ndarray) -> np.ndarray:
    """The camera sees only the suit and the shuttle model: the lower right of the still, enlarged."""
    part = still[HEIGHT // 2 + 80 :, WIDTH // 2 + 80 :]
    return cv2.resize(part, (WIDTH, HEIGHT), interpolation=cv2.INTER_CUBIC)


def two_faces(still: np.ndarray) -> np.ndarray:
    """Two people side by side: the middle half of the still, twice."""
    middle = still[:, WIDTH // 4 : 3 * WIDTH // 4]
    return np.ascontiguousarray(np.hstack([middle, middle]))


def to_preview(still: np.ndarray) -> np.ndarray:
    """What the same camera shows in its 640x480 preview mode: full height, the sides cropped."""
    side = (WIDTH - HEIGHT * 4 // 3) // 2
    return cv2.resize(still[:, side : WIDTH - side], (640, 480), interpolation=cv2.INTER_AREA)


def eyes_closed(still: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Both eyes painted shut: the eye openings in-painted with eyelid skin, a lash line along the lid."""
    ied = lm.inter_eye_distance(points)
    mask = np.zeros(still.shape[:2], np.uint8)
    for outline in (lm.RIGHT_EYE_OUTLINE, lm.LEFT_EYE_OUTLINE):
        eye = points[list(outline)]
        centre = eye.mean(axis=0)
        cv2.fillPoly(mask, [np.round((eye - centre) * [1.2, 1.8] + centre).astype(np.int32)], 255)
    out = cv2.inpaint(still, mask, max(3, int(ied * 0.08)), cv2.INPAINT_TELEA)
    for outline in (lm.RIGHT_EYE_OUTLINE, lm.LEFT_EYE_OUTLINE):
        eye = points[list(outline)]
        lid = np.vstack([eye[0], eye[9:][::-1], eye[8]]) - [0.0, 0.02 * ied]
        cv2.polylines(
            out, [np.round(lid).astype(np.int32)], False, (70, 50, 45), max(2, int(ied * 0.035)), cv2.LINE_AA
        )
    return out


def mouth_open(still: np.ndarray, points: np.ndarray, fraction: float = 0.3) -> np.ndarray:
    """The jaw drops by `fraction` of the eye-to-chin distance and a dark mouth opening shows."""
    gap = round(fraction * lm.t_metric(points))
    cut = round((points[lm.UPPER_LIP_INNER, 1] + points[lm.LOWER_LIP_INNER, 1]) / 2)
    oval = points[list(lm.FACE_OVAL)]
    x0, x1 = int(oval[:, 0].min()), int(oval[:, 0].max())
    bottom = min(still.shape[0] - gap, int(points[lm.CHIN, 1] + gap))
    out = still.copy()
    out[cut + gap : bottom + gap, x0:x1] = still[cut:bottom, x0:x1]
    out[cut : cut + gap, x0:x1] = still[cut - gap : cut, x0:x1][::-1]
    left, right = points[lm.INNER_MOUTH_CORNERS[0]], points[lm.INNER_MOUTH_CORNERS[1]]
    centre = (int((left[0] + right[0]) / 2), cut + gap // 2)
    axes = (int(abs(right[0] - left[0]) / 2), gap // 2 + 2)
    cv2.ellipse(out, centre, axes, 0, 0, 360, (50, 20, 25), -1, cv2.LINE_AA)
    return out


def side_lit(still: np.ndarray, points: np.ndarray, floor: float = 0.35) -> np.ndarray:
    """Light from the image's left only: brightness falls across the face to `floor` on the right."""
    x0, _, x1, _ = lm.face_box(points)
    ramp = np.clip((x1 - np.arange(still.shape[1], dtype=np.float32)) / max(1.0, x1 - x0), 0.0, 1.0)
    gain = floor + (1.0 - floor) * ramp
    return np.clip(still.astype(np.float32) * gain[None, :, None], 0, 255).astype(np.uint8)


def busy_background(still: np.ndarray, points: np.ndarray) -> np.ndarray:
    """A striped, high-contrast background beside and above the head (an office, a poster)."""
    x0, y0, x1, y1 = lm.face_box(points)
    w, h = x1 - x0, y1 - y0
    yy, xx = np.mgrid[0 : still.shape[0], 0 : still.shape[1]]
    head = ((xx - (x0 + x1) / 2) / (0.85 * w)) ** 2 + ((yy - (y0 + y1) / 2 + 0.15 * h) / (0.85 * h)) ** 2 <= 1
    background = ~head & (yy < y1)
    stripes = (((xx + yy) // 12) % 2).astype(np.uint8) * 200 + 30
    out = still.copy()
    out[background] = stripes[background][:, None]
    return out
