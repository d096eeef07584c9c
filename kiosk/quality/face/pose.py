"""Head pose (yaw, pitch, roll in degrees) from the landmarks, with `cv2.solvePnP`.

The 3-D reference is 33 points of mediapipe's canonical face model (the mesh FaceMesh's topology is
defined on; Apache-2.0, `modules/face_geometry/data/canonical_face_model.obj`).

The zero of pitch is the canonical model's own frontal orientation. Nothing here adds an offset to make
a particular portrait pass: a landmark-based estimate with a generic head model is good to a few degrees,
which is the size of the ICAO tolerance, so the policy's limits are applied as they are.

ICAO asks the person to look *at the camera*, not along its optical axis. A face near the edge of a wide
frame that looks at the lens is turned with respect to the axis, so the pose is measured relative to the
line of sight from the camera to the head: moving sideways in the frame is a centring fault, not a yaw
fault. The focal length is taken as the frame width (a 53° horizontal field, a typical webcam); the angles
are not sensitive to it near the centre of the frame.

Signs: yaw > 0 when the face turns towards the image's right, pitch > 0 when the chin comes up, roll > 0
when the head tilts clockwise in the image.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

# landmark index -> canonical model (x right, y up, z towards the viewer), in the model's units (~cm).
# These are the points mediapipe's own geometry pipeline aligns on (its Procrustes landmark basis): bone
# and cartilage that barely move when the person smiles or talks. Mouth corners are left out on purpose:
# a smile lifts them and would read as the head tipping down.
_MODEL = {
    4: (0.000000, -0.463170, 7.586580),  # nose, above the tip
    6: (0.000000, 2.473255, 5.788627),  # bridge of the nose
    10: (0.000000, 8.261778, 4.481535),  # top of the forehead
    33: (-4.445859, 2.663991, 3.173422),  # right eye, outer corner
    54: (-6.279331, 6.615427, 1.425850),  # right temple
    67: (-3.523964, 8.005976, 3.729163),  # forehead, right
    117: (-5.258659, 0.945811, 2.974312),  # right cheekbone
    119: (-3.300681, 0.861641, 3.872784),
    121: (-1.820731, 1.467954, 4.224124),
    127: (-7.743095, 2.364999, -2.005167),  # right side of the face, by the ear
    129: (-1.785794, -0.978284, 4.850470),  # right nostril wing
    132: (-7.270895, -2.890917, -2.252455),  # right jaw, by the ear
    133: (-1.856432, 2.585245, 3.757904),  # right eye, inner corner
    136: (-5.085276, -7.178590, 0.714711),  # right jaw
    143: (-6.407571, 2.236021, 1.560843),
    147: (-6.234883, -1.944430, 1.663542),
    198: (-1.246815, 0.230297, 5.681036),  # right side of the nose
    205: (-3.832928, -1.537326, 4.137731),  # right cheek
}
# The person's left side is the mirror image of the right: landmark -> its right-side twin.
_MIRROR = {
    263: 33, 284: 54, 297: 67, 346: 117, 348: 119, 350: 121, 356: 127, 358: 129,
    361: 132, 362: 133, 365: 136, 372: 143, 376: 147, 420: 198, 425: 205,
}  # fmt: skip
for _left, _right in _MIRROR.items():
    _x, _y, _z = _MODEL[_right]
    _MODEL[_left] = (-_x, _y, _z)

INDICES = tuple(_MODEL)
# Camera convention (x right, y down, z away from the camera): flip the model's y and z.
MODEL_POINTS = np.array([_MODEL[i] for i in INDICES], dtype=np.float64) * np.array([1.0, -1.0, -1.0])


@dataclass(frozen=True)
class Pose:
    yaw: float
    pitch: float
    roll: float


def head_pose(points: np.ndarray, width: int, height: int) -> Pose | None:
    image_points = np.ascontiguousarray(points[list(INDICES)], dtype=np.float64)
    focal = float(width)
    camera = np.array([[focal, 0.0, width / 2.0], [0.0, focal, height / 2.0], [0.0, 0.0, 1.0]])
    ok, rvec, tvec = cv2.solvePnP(MODEL_POINTS, image_points, camera, None, flags=cv2.SOLVEPNP_SQPNP)
    if not ok:
        return None
    rotation, _ = cv2.Rodrigues(rvec)
    relative = _line_of_sight(tvec.reshape(3)).T @ rotation
    return _euler(relative)


def _line_of_sight(translation: np.ndarray) -> np.ndarray:
    """The rotation that turns the optical axis onto the direction from the camera to the head."""
    norm = float(np.linalg.norm(translation))
    if norm == 0.0 or translation[2] <= 0:
        return np.eye(3)
    direction = translation / norm
    axis = np.cross([0.0, 0.0, 1.0], direction)
    sine = float(np.linalg.norm(axis))
    if sine < 1e-9:
        return np.eye(3)
    angle = math.atan2(sine, float(direction[2]))
    rotation, _ = cv2.Rodrigues((axis / sine * angle).reshape(3, 1))
    return np.asarray(rotation)


def _euler(r: np.ndarray) -> Pose:
    """Angles of R = Rz(roll) Ry(yaw) Rx(pitch) with the signs this module's docstring states."""
    yaw = math.degrees(math.asin(max(-1.0, min(1.0, -float(r[2, 0])))))
    pitch = math.degrees(math.atan2(float(r[2, 1]), float(r[2, 2])))
    roll = math.degrees(math.atan2(float(r[1, 0]), float(r[0, 0])))
    return Pose(yaw=-yaw, pitch=-pitch, roll=roll)
