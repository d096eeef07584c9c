"""Synthetic enrolments for tests, benchmarks and load generation: never a real person.

Everything made here is marked `test: true` and uses a generic CURP-shaped identifier built on
SAT's generic foreigner RFC (XEXX010101); the images are drawn from formulas, so no real
fingerprint or face is ever copied into a packet built by the test suite.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import numpy as np

from devices.positions import ALL_FINGERS, Finger
from kiosk.packet.ids import new_packet_id
from kiosk.packet.manifest import (
    Consent,
    Device,
    FaceEntry,
    FingerEntry,
    IdentityDocument,
    Manifest,
    Operator,
    Person,
    Station,
)
from kiosk.records import iso19794_4, iso19794_5

SAMPLE_CURP = "XEXX010101HNEXXXA4"


def synthetic_finger(seed: int, width: int = 400, height: int = 500) -> np.ndarray:
    """A fingerprint-like pattern (curved ridges in an elliptic pad) that WSQ compresses realistically."""
    # pragma: no mutate block
    # (Mutation testing leaves the drawing alone: it is a picture for tests, not a rule, and no test
    # could tell one ridge spacing from another without restating the formula. What the records made
    # from it must be is tested in tests/kiosk/packet/test_sample_enrolments.py.)
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    cx, cy = width * rng.uniform(0.4, 0.6), height * rng.uniform(0.4, 0.55)
    dx, dy = x - cx, (y - cy) * 0.85
    radius = np.sqrt(dx * dx + dy * dy)
    swirl = rng.uniform(1.0, 3.0) * np.sin(np.arctan2(dy, dx) * rng.integers(1, 3))
    ridges = 0.5 + 0.5 * np.sin(2 * np.pi * radius / rng.uniform(8.0, 10.0) + swirl)
    pad = (dx / (width * 0.42)) ** 2 + (dy / (height * 0.40)) ** 2 <= 1.0
    grey = np.where(pad, 40 + 170 * ridges, 235) + rng.normal(0, 6, (height, width))
    return np.clip(grey, 0, 255).astype(np.uint8)


def token_eyes(width: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Eye centres of a token-frontal image of this width (subject's left eye first, on the image's
    right): where the station's token crop puts them (kiosk.enrol.face.FaceCapture.eyes)."""
    y = round(0.6 * width)
    return (round(0.625 * width), y), (round(0.375 * width), y)


def synthetic_face(width: int = 480, height: int = 640) -> np.ndarray:
    """An RGB portrait-like picture: background gradient, skin ellipse, two eyes where a token image
    of this width has them (ISO/IEC 19794-5 token geometry, width:height = 3:4)."""
    # pragma: no mutate block
    # (a picture for tests, not a rule: see synthetic_finger)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    image = np.empty((height, width, 3), np.float32)
    image[..., 0] = 180 + 40 * y / height
    image[..., 1] = 190 + 30 * x / width
    image[..., 2] = 205.0
    face = ((x - width / 2) / (width * 0.30)) ** 2 + ((y - height * 0.52) / (height * 0.32)) ** 2 <= 1
    image[face] = (205, 160, 130)
    for ex, ey in token_eyes(width):
        eye = ((x - ex) / (width * 0.045)) ** 2 + ((y - ey) / (height * 0.018)) ** 2 <= 1
        image[eye] = (40, 30, 30)
    return image.astype(np.uint8)


def sample_records(
    fingers: Iterable[Finger] = ALL_FINGERS, seed: int = 0, captured_at: datetime | None = None
) -> dict[str, bytes]:
    """The two records of a ten-print + face enrolment (WSQ and JPEG made in memory)."""
    moment = captured_at or datetime.now(UTC)
    views = [
        iso19794_4.wsq_view(synthetic_finger(seed * 10 + int(f)), f, 40 + int(f), captured_at=moment)
        for f in fingers
    ]
    face = iso19794_5.jpeg_face(  # as a station writes it: a token image, its eyes, quality 90
        synthetic_face(),
        face_type=iso19794_5.FaceImageType.TOKEN_FRONTAL,
        pose=(0.4, 2.1, -0.3),
        eyes=token_eyes(480),
        captured_at=moment,
    )
    return {"fingers": iso19794_4.encode(views), "face": iso19794_5.encode([face])}


def sample_manifest(
    packet_id: str | None = None,
    *,
    fingers: Iterable[Finger] = ALL_FINGERS,
    station_id: str = "ST-TEST-0001",
    operator: Operator | None = None,
    audit_chain_head: str = "0" * 64,
) -> Manifest:
    # pragma: no mutate block
    # (Made-up values for tests, not rules: what the sample must be, a test enrolment of no real person
    # whose parts agree with sample_records, is tested in tests/kiosk/packet/test_sample_enrolments.py.)
    now = datetime.now(UTC)
    return Manifest(
        packet_id=packet_id or new_packet_id(),
        created_at=now,
        station=Station(station_id, "Estación de prueba"),
        operator=operator or Operator("clerk", "clerk-0001", "password", None),
        person=Person(SAMPLE_CURP, "12345678903"),
        identity_document=IdentityDocument("ine", "1234", True),
        consent=Consent("aviso-biometricos", "2025.1", now, "touch_screen", True, None),
        policy_version=1,
        software_version="0.1.0",
        fingers=tuple(FingerEntry.captured(f, 40 + int(f), 1) for f in fingers),
        face=FaceEntry(87.5, True, 1, 480, 640, {"yaw": 0.4, "pitch": 2.1, "roll": -0.3, "eyes_open": True}),
        devices=(
            Device("fingerprint", "simulated", "Kiosk", "Simulated reader", "SIM-FP-0001", "1.0"),
            Device("camera", "simulated", "Kiosk", "Simulated camera", "SIM-CAM-0001", None),
        ),
        audit_chain_head=audit_chain_head,
        test=True,
    )
