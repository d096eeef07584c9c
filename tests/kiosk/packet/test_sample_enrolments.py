"""The synthetic enrolments (kiosk.packet.samples) are what a station writes, and agree with their
own manifest.

Tests, benchmarks, the load generator and the test vectors seal these samples; a sample that a
station could not have written (a face token with its eyes elsewhere, a quality block other than the
manifest's score, a capture time other than the one asked for) would let those checks pass on
packets no station makes. They must also be reproducible, and never look like a real person.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from devices.positions import ALL_FINGERS, Finger
from kiosk.packet.samples import SAMPLE_CURP, sample_manifest, sample_records, token_eyes
from kiosk.records import iso19794_4, iso19794_5

MOMENT = datetime(2025, 1, 15, 15, 58, 41, 250000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("width", "left", "right"),
    [(240, (150, 144), (90, 144)), (480, (300, 288), (180, 288)), (250, (156, 150), (94, 150))],
)
def test_token_eyes_follow_the_token_frontal_geometry(
    width: int, left: tuple[int, int], right: tuple[int, int]
) -> None:
    """docs/packet-format.md 6.2: the eye line 0.6 W from the top, the subject's left eye at
    0.625 W (on the image's right), the right eye at 0.375 W, rounded; 240 wide gives the vector's
    (150, 144) and (90, 144)."""
    assert token_eyes(width) == (left, right)


@pytest.fixture(scope="module")
def three_fingers() -> dict[str, bytes]:
    fingers = [Finger.RIGHT_THUMB, Finger.RIGHT_INDEX, Finger.LEFT_LITTLE]
    return sample_records(fingers, captured_at=MOMENT)


def test_each_finger_has_its_position_capture_time_and_the_manifest_score(
    three_fingers: dict[str, bytes],
) -> None:
    views = iso19794_4.parse(three_fingers["fingers"]).views
    manifest = sample_manifest(fingers=[Finger.RIGHT_THUMB, Finger.RIGHT_INDEX, Finger.LEFT_LITTLE])
    assert [v.position_code for v in views] == [1, 2, 10]
    assert [v.quality[0].score for v in views] == [f.nfiq2 for f in manifest.fingers] == [41, 42, 50]
    assert all(v.captured_at == MOMENT for v in views)
    assert all((v.width, v.height, v.ppi) == (400, 500, 500) for v in views)


def test_the_face_is_a_token_with_its_eyes_pose_and_capture_time(three_fingers: dict[str, bytes]) -> None:
    (face,) = iso19794_5.parse(three_fingers["face"]).faces
    manifest = sample_manifest()
    assert manifest.face is not None
    assert face.face_type is iso19794_5.FaceImageType.TOKEN_FRONTAL
    assert (face.width, face.height) == (manifest.face.width, manifest.face.height) == (480, 640)
    assert [(m.x, m.y) for m in face.landmarks] == [(300, 288), (180, 288)] == list(token_eyes(480))
    # the manifest's measured pose, as the record keeps it (2-degree steps: round(degrees / 2) * 2)
    measures = manifest.face.measures
    assert (face.yaw, face.pitch, face.roll) == tuple(
        round(float(measures[k] or 0) / 2) * 2.0 for k in ("yaw", "pitch", "roll")
    )
    assert (face.yaw, face.pitch) == (0.0, 2.0)
    assert face.captured_at == MOMENT


def test_without_a_time_the_samples_are_captured_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Now in UTC, also on a station whose clock shows Mexico City's time."""
    import time

    monkeypatch.setenv("TZ", "America/Mexico_City")
    time.tzset()
    try:
        records = sample_records([Finger.LEFT_THUMB])
    finally:
        monkeypatch.undo()
        time.tzset()
    (view,) = iso19794_4.parse(records["fingers"]).views
    (face,) = iso19794_5.parse(records["face"]).faces
    assert view.captured_at is not None and face.captured_at is not None
    assert abs(view.captured_at - datetime.now(UTC)) < timedelta(seconds=30)
    assert face.captured_at == view.captured_at


def test_samples_are_reproducible_and_seeds_differ(three_fingers: dict[str, bytes]) -> None:
    fingers = [Finger.RIGHT_THUMB, Finger.RIGHT_INDEX, Finger.LEFT_LITTLE]
    assert sample_records(fingers, seed=0, captured_at=MOMENT) == three_fingers  # seed 0 is the default
    other = iso19794_4.parse(sample_records(fingers, seed=1, captured_at=MOMENT)["fingers"]).views
    views = iso19794_4.parse(three_fingers["fingers"]).views
    assert all(a.image != b.image for a, b in zip(views, other, strict=True))
    assert len({v.image for v in views}) == 3  # every finger its own print


def test_the_sample_manifest_is_a_test_enrolment_of_no_real_person() -> None:
    """`test: true` and SAT's generic foreigner identifier: a sample can never be taken for a person."""
    manifest = sample_manifest()
    assert manifest.test is True and manifest.person.curp == SAMPLE_CURP == "XEXX010101HNEXXXA4"
    assert [f.position for f in manifest.fingers] == list(ALL_FINGERS)
    assert all(f.status == "captured" and f.attempts == 1 for f in manifest.fingers)
