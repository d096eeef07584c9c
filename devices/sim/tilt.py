"""Turning a portrait's head back (chin up) by a few degrees, once, when the footage is loaded.

Why: the bundled demo portrait (`resources/demo/astronaut.png`) was photographed with the head a little
chin-down. Against the canonical face model the kiosk's landmark pose estimate reads about -5.5° pitch
on the simulated camera's "normal" scene, just outside ICAO's ±5°, so the scene meant to pass every face
measure failed pitch on most frames and the face step's auto-capture rarely fired. The scene is put
right, not the threshold: the head in the picture is turned back the way a real head turns.

How: a photograph has no depth, so the head is given a rough one, a paraboloid cap over an ellipse
around the face (depth `RELIEF` times the ellipse's half-width at the centre, nothing at the rim). Turning
a point at depth Z about the horizontal axis through the head's centre by θ lifts its image by Z sin θ
(orthographic: at arm's length the perspective change of such a turn is negligible; the 1 - cos θ
foreshortening, about 1 %, is left out). The middle of the face (nose, mouth, brows) therefore moves
up more than the jaw line and the sides of the head, which is what a landmark fit reads as pitch;
everything outside the ellipse stays where it is. A smooth cap has no nose, so it takes a turn of a few
degrees more than the pitch it corrects (see `devices.sim.footage.PORTRAIT_TILT`). Deterministic, done
once per footage, and with one cubic resampling, so the picture keeps its sharpness.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from devices.frames import Image

# The head around the face: half-width and half-height of the ellipse relative to the face width (a face
# detector's box covers cheek to cheek, the head is a little wider and taller), and its depth.
HALF_WIDTH = 0.6
HALF_HEIGHT = 1.35 * HALF_WIDTH
RELIEF = 1.0
_ITERATIONS = 6  # fixed-point steps of the inverse map; the cap's slope times sin θ is far below 1


def tilt_back(image: Image, centre: tuple[float, float], face_width: float, degrees: float) -> Image:
    """The picture with the head around `centre` (pixels) turned chin-up by `degrees` (negative: down).

    `face_width` is the face's width in pixels. The head's centre moves up by `lift(face_width,
    degrees)` pixels; everything outside the head stays put.
    """
    if degrees == 0:
        return image
    h, w = image.shape[:2]
    a, b = HALF_WIDTH * face_width, HALF_HEIGHT * face_width
    rise = RELIEF * a * math.sin(math.radians(degrees))  # the lift of the deepest point
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    across = ((xs - centre[0]) / a) ** 2
    source = ys.copy()  # for every output pixel, the row it comes from: y_out = y_src - rise * cap(y_src)
    for _ in range(_ITERATIONS):
        cap = np.clip(1.0 - across - ((source - centre[1]) / b) ** 2, 0.0, None)
        source = (ys + rise * cap).astype(np.float32)
    warped = cv2.remap(image, xs, source, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(warped, np.uint8)


def lift(face_width: float, degrees: float) -> float:
    """How far (pixels, upwards) `tilt_back` moves the centre of the face."""
    return RELIEF * HALF_WIDTH * face_width * math.sin(math.radians(degrees))
