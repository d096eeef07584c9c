"""The ISO/IEC 19794-5 token-frontal image: the face rotated upright and scaled to a fixed geometry.

Width W, height W / 0.75, eye line 0.6·W from the top, eye centres at x = 0.375·W and 0.625·W, so the
eyes are 0.25·W apart. W is at least 240 (the standard's minimum, 60 px between the eyes) and otherwise
4 x the measured inter-eye distance, so the token keeps the resolution the camera gave and never
invents more than the minimum asks. Parts of the token outside the frame are padded with neutral grey,
never with made-up image content.
"""

from __future__ import annotations

import cv2
import numpy as np

from kiosk.quality.face import landmarks as lm
from kiosk.quality.face.aligned import token_height, token_transform
from kiosk.quality.face.result import FaceResult

MIN_WIDTH = 240
PADDING = (128, 128, 128)


def token_width(points: np.ndarray) -> int:
    """W for these landmarks: 4 x the inter-eye distance, at least 240, rounded to an even number."""
    width = max(MIN_WIDTH, round(4.0 * lm.inter_eye_distance(points)))
    return width + (width % 2)


def token_image(frame_rgb: np.ndarray, result: FaceResult, width: int | None = None) -> np.ndarray:
    """The token-frontal crop (uint8 RGB) of the face `result` measured in `frame_rgb`."""
    if result.landmarks is None:
        raise ValueError("no face landmarks: a token image needs the face the analysis measured")
    points = result.landmarks
    out_width = width if width is not None else token_width(points)
    if out_width < MIN_WIDTH:
        raise ValueError(f"token width {out_width} is below the standard's minimum of {MIN_WIDTH}")
    matrix = token_transform(points, out_width)
    scale = float(np.hypot(matrix[0, 0], matrix[1, 0]))
    interpolation = cv2.INTER_AREA if scale < 1.0 else cv2.INTER_CUBIC
    return cv2.warpAffine(
        np.ascontiguousarray(frame_rgb),
        matrix,
        (out_width, token_height(out_width)),
        flags=interpolation,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=PADDING,
    )
