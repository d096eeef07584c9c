"""Face image records: 2011 round trip, JPEG 2000 and PNG reading, a hand-built 2005 record, damage."""

from __future__ import annotations

import io
import struct
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest
from PIL import Image

from kiosk.packet.samples import synthetic_face
from kiosk.records import RecordError, iso19794_5, parse_any, record_format
from kiosk.records.common import CaptureDevice, QualityBlock

MOMENT = datetime(2025, 3, 4, 5, 6, 7, 890_000, tzinfo=UTC)


def _face() -> iso19794_5.FaceImage:
    return iso19794_5.jpeg_face(
        synthetic_face(),
        face_type=iso19794_5.FaceImageType.TOKEN_FRONTAL,
        pose=(4.0, -2.0, 0.0),
        eyes=((288, 269), (192, 269)),
        captured_at=MOMENT,
        device=CaptureDevice(1, 0x0A0B, 3),
    )


def test_2011_round_trip_keeps_every_field() -> None:
    face = replace(_face(), quality=(QualityBlock(88, 0x0101, 0x0002),), property_mask=0x000003)
    data = iso19794_5.encode([face])
    assert data[:8] == b"FAC\x00030\x00" and record_format(data) == "iso19794-5:2011"
    assert struct.unpack(">I", data[8:12])[0] == len(data)
    record = parse_any(data)
    assert isinstance(record, iso19794_5.FaceRecord) and record.faces == (face,)
    landmarks = record.faces[0].landmarks
    assert [(p.code, p.x, p.y) for p in landmarks] == [(0xC1, 288, 269), (0xC2, 192, 269)]
    assert record.faces[0].pixels().shape == (640, 480, 3)


def test_pose_angles_use_two_degree_steps() -> None:
    assert [iso19794_5.encode_angle(a) for a in (None, 0.0, -180.0, 180.0, 7.0, -400.0)] == [
        0,
        91,
        1,
        181,
        95,
        1,
    ]
    assert iso19794_5.decode_angle(0) is None and iso19794_5.decode_angle(95) == 8.0


@pytest.mark.parametrize(
    ("pillow_format", "data_type"),
    [("JPEG2000", iso19794_5.ImageDataType.JPEG2000_LOSSLESS), ("PNG", iso19794_5.ImageDataType.PNG)],
)
def test_reads_jpeg2000_and_png_faces(pillow_format: str, data_type: iso19794_5.ImageDataType) -> None:
    pixels = synthetic_face(120, 160)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(
        buffer, pillow_format, **({"irreversible": False} if "2000" in pillow_format else {})
    )
    face = replace(_face(), image=buffer.getvalue(), data_type=data_type, width=120, height=160)
    decoded = iso19794_5.parse(iso19794_5.encode([face])).faces[0].pixels()
    assert np.array_equal(decoded, pixels)  # both lossless here


def _record_2005(image: bytes) -> bytes:
    """ISO/IEC 19794-5:2005 laid out by hand: header, facial information, one feature point, image info."""
    facial = struct.pack(">HBBB", 1, 1, 3, 2) + (0x000001).to_bytes(3, "big") + struct.pack(">H", 1)
    facial += bytes([91, 93, 89, 0, 0, 0])  # yaw 0°, pitch +4°, roll -4°, uncertainty unspecified
    point = struct.pack(">BBHHH", 1, 0xC1, 60, 70, 0)
    info = struct.pack(">BBHHBBHH", 1, 0, 96, 128, 1, 2, 0, 0)
    block = facial + point + info + image
    facial_record = struct.pack(">I", 4 + len(block)) + block
    return b"FAC\x00010\x00" + struct.pack(">IH", 14 + len(facial_record), 1) + facial_record


def test_reads_a_2005_record() -> None:
    buffer = io.BytesIO()
    Image.fromarray(synthetic_face(96, 128)).save(buffer, "JPEG")
    record = iso19794_5.parse(_record_2005(buffer.getvalue()))
    assert record.edition == "2005"
    (face,) = record.faces
    assert (face.width, face.height, face.gender, face.eye_colour, face.hair_colour) == (96, 128, 1, 3, 2)
    assert (face.yaw, face.pitch, face.roll) == (0.0, 4.0, -4.0)
    assert face.landmarks == (iso19794_5.Landmark(1, 0xC1, 60, 70),)
    assert face.source_type == 2 and face.pixels().shape == (128, 96, 3)


def test_3d_and_unknown_types_are_refused() -> None:
    with pytest.raises(RecordError) as caught:
        iso19794_5.parse(iso19794_5.encode([replace(_face(), face_type=0x81)]))  # type: ignore[arg-type]
    assert caught.value.code == "unsupported"
    with pytest.raises(RecordError):
        iso19794_5.parse(iso19794_5.encode([replace(_face(), data_type=7)]))  # type: ignore[arg-type]


def test_every_truncation_is_a_record_error() -> None:
    data = iso19794_5.encode([_face()])
    for cut in [*range(90), len(data) - 1]:
        with pytest.raises(RecordError):
            iso19794_5.parse(data[:cut])


def test_garbage_image_bytes_fail_on_decode_not_on_parse() -> None:
    face = replace(_face(), image=b"\xff\xd8 not really a jpeg")
    parsed = iso19794_5.parse(iso19794_5.encode([face])).faces[0]
    with pytest.raises(RecordError) as caught:
        parsed.pixels()
    assert caught.value.code == "bad_image"
