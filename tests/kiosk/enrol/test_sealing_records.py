"""The records a station seals carry what docs/packet-format.md section 6 says a station writes: each
finger dated when its kept attempt was captured, the face dated when its still was taken (neither the
sealing time), and the face as a token-frontal image (type 2) with the eye-centre landmarks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from devices.positions import Finger
from kiosk.enrol.face import FaceCapture
from kiosk.enrol.fingers import Attempt, FingerSlot
from kiosk.enrol.rules import FingerRules
from kiosk.enrol.sealing import build_records
from kiosk.packet.samples import synthetic_face, synthetic_finger
from kiosk.records import iso19794_4, iso19794_5

START = datetime(2026, 3, 2, 9, 30, 0, 125_000, tzinfo=UTC)


def _slot(finger: Finger, seed: int, captured_at: datetime) -> FingerSlot:
    slot = FingerSlot(finger, FingerRules(order=(finger,)))
    slot.offer(Attempt(synthetic_finger(seed, 200, 250), 500, 70, [], captured_at=captured_at))
    assert slot.accepted
    return slot


def test_each_capture_keeps_its_own_time_and_the_face_is_a_token() -> None:
    times = {Finger.RIGHT_THUMB: START, Finger.RIGHT_INDEX: START + timedelta(seconds=7, milliseconds=250)}
    slots = [_slot(finger, int(finger), at) for finger, at in times.items()]
    face_at = START + timedelta(minutes=2, milliseconds=5)
    face = FaceCapture(
        token=synthetic_face(240, 320),
        score=81.0,
        passed=True,
        attempts=1,
        pose=(1.0, -2.0, 0.0),
        measures={},
        guidance=None,
        captured_at=face_at,
    )
    records = build_records(slots, face)

    fingers = iso19794_4.parse(records["fingers"])
    assert {v.position: v.captured_at for v in fingers.views} == times
    (image,) = iso19794_5.parse(records["face"]).faces
    assert image.captured_at == face_at
    assert image.face_type is iso19794_5.FaceImageType.TOKEN_FRONTAL
    assert (image.width, image.height) == (240, 320)
    assert {(p.code, p.x, p.y) for p in image.landmarks} == {
        (iso19794_5.LEFT_EYE_CENTRE, 150, 144),
        (iso19794_5.RIGHT_EYE_CENTRE, 90, 144),
    }
    assert not np.array_equal(image.pixels(), np.zeros_like(image.pixels()))
