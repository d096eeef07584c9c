"""Records of the institute's packet size for the fleet load test (`kiosk backend load --packet-kb`).

The sample packet (`kiosk.packet.samples`) is ~160 KB: ten 400x500 plain prints and a flat synthetic
480x640 face that JPEG squeezes to ~11 KB. The institute's packets are ~0.5 MB. What makes the
difference in the field: rolled prints at 500 ppi (the FBI's rolled box is 800x750, 2.5 times the
area of a plain print) and a face token cut from a real camera still, whose texture and sensor noise
JPEG keeps. So these records have a 600x800 face token with camera-like noise (~130 KB at quality 90,
as the station encodes it) and ten prints whose size is chosen so the records come to the target
(688x856 for 500 KB, the area of a rolled print). Still synthetic: no real person's print or face.
"""

from __future__ import annotations

import dataclasses
import math
from functools import cache

import numpy as np

from devices.positions import ALL_FINGERS
from kiosk.packet.manifest import Manifest
from kiosk.packet.samples import sample_manifest, synthetic_face, synthetic_finger, token_eyes
from kiosk.records import iso19794_4, iso19794_5

FACE_WIDTH, FACE_HEIGHT = 600, 800
OVERHEAD_KB = 8  # manifest, signatures (ML-DSA-65: 3.3 KB), container and HPKE framing
MIN_SIDE, MAX_SIDE = 200, 1600


@cache
def face_record(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    pixels = synthetic_face(FACE_WIDTH, FACE_HEIGHT).astype(np.float32)
    pixels += rng.normal(0.0, 8.0, pixels.shape)  # a camera's noise and the skin's texture
    face = iso19794_5.jpeg_face(
        np.clip(pixels, 0, 255).astype(np.uint8),
        face_type=iso19794_5.FaceImageType.TOKEN_FRONTAL,
        pose=(0.4, 2.1, -0.3),
        eyes=token_eyes(FACE_WIDTH),
    )
    return iso19794_5.encode([face])


def fingers_record(seed: int, width: int, height: int) -> bytes:
    views = [
        iso19794_4.wsq_view(synthetic_finger(seed * 10 + int(f), width, height), f, 40 + int(f))
        for f in ALL_FINGERS
    ]
    return iso19794_4.encode(views)


@cache
def finger_size(target_kb: int) -> tuple[int, int]:
    """The print size (width, height; 4:5 as the sample's) whose ten WSQ images fill the target."""
    budget = max(50.0, target_kb - len(face_record(0)) / 1024 - OVERHEAD_KB)
    width, height = 400, 500
    for _ in range(2):  # WSQ grows a little slower than the area: a second step lands within a few %
        size = len(fingers_record(0, width, height)) / 1024
        scale = math.sqrt(budget / size)
        width = min(MAX_SIDE, max(MIN_SIDE, round(width * scale / 8) * 8))
        height = min(MAX_SIDE, max(MIN_SIDE, round(height * scale / 8) * 8))
    return width, height


@cache
def records(target_kb: int, seed: int) -> dict[str, bytes]:
    """A ten-print + face enrolment's records of about `target_kb` KB in all."""
    width, height = finger_size(target_kb)
    return {"fingers": fingers_record(seed, width, height), "face": face_record(seed)}


def manifest(station_id: str) -> Manifest:
    """The sample manifest, its face entry the size of these records' face."""
    base = sample_manifest(station_id=station_id)
    assert base.face is not None
    return dataclasses.replace(
        base, face=dataclasses.replace(base.face, width=FACE_WIDTH, height=FACE_HEIGHT)
    )
