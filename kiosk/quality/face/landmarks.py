"""FaceMesh landmark indices and the few distances every measure is built from.

FaceMesh (with `refine_landmarks=True`) gives 478 points in a fixed topology: 468 for the face and 10
for the irises. "Right" and "left" are the person's: the person's right eye appears on the image's left.
Eye centres are the midpoints of the eye corners (ISO/IEC 19794-5's eye centre), which stay put when the
person blinks or glances aside, unlike the iris centres.

`t_metric` is OFIQ's normalising length (eye midpoint to chin): eyelid and lip gaps divided by it do not
depend on how far the person stands.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

COUNT = 478

RIGHT_EYE_CORNERS = (33, 133)  # outer, inner
LEFT_EYE_CORNERS = (263, 362)
RIGHT_IRIS = 468
LEFT_IRIS = 473
# Upper/lower eyelid pairs across each eye (outer to inner).
RIGHT_EYELIDS = ((160, 144), (159, 145), (158, 153))
LEFT_EYELIDS = ((387, 373), (386, 374), (385, 380))
# Upper/lower inner-lip pairs across the mouth.
INNER_LIPS = ((80, 88), (81, 178), (82, 87), (13, 14), (312, 317), (311, 402), (310, 318))
INNER_MOUTH_CORNERS = (78, 308)
UPPER_LIP_INNER = 13
LOWER_LIP_INNER = 14
CHIN = 152
FOREHEAD = 10
NOSE_TIP = 1
# The face outline, in order around the face (a closed polygon).
FACE_OVAL = (
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
    152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
)  # fmt: skip
# Eye outlines (closed polygons), used to edit and to mask eyes.
RIGHT_EYE_OUTLINE = (33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7)
LEFT_EYE_OUTLINE = (362, 398, 384, 385, 386, 387, 388, 466, 263, 249, 390, 373, 374, 380, 381, 382)


def eye_centres(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(person's right eye, person's left eye) centres in pixels: (image-left eye, image-right eye)."""
    right = points[list(RIGHT_EYE_CORNERS)].mean(axis=0)
    left = points[list(LEFT_EYE_CORNERS)].mean(axis=0)
    return right, left


def inter_eye_distance(points: np.ndarray) -> float:
    right, left = eye_centres(points)
    return float(np.linalg.norm(left - right))


def t_metric(points: np.ndarray) -> float:
    """OFIQ's T: distance from the midpoint of the eye centres to the chin, in pixels."""
    right, left = eye_centres(points)
    return float(np.linalg.norm(points[CHIN] - (right + left) / 2.0))


def max_pair_distance(points: np.ndarray, pairs: Sequence[tuple[int, int]]) -> float:
    return max(float(np.linalg.norm(points[a] - points[b])) for a, b in pairs)


def face_box(points: np.ndarray) -> tuple[float, float, float, float]:
    """Bounding box (x0, y0, x1, y1) of the face outline."""
    oval = points[list(FACE_OVAL)]
    x0, y0 = oval.min(axis=0)
    x1, y1 = oval.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)
