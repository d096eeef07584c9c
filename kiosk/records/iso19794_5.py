"""ISO/IEC 19794-5 face image records: written in the 2011 edition (JPEG), read in 2011 and 2005.

The reader accepts JPEG, JPEG 2000 (lossy and lossless; Pillow decodes it through OpenJPEG) and PNG
images. 3D representations (face image types 0x80 and up) carry a 3D block this reader does not
interpret: they are refused with a clear code rather than half-read.
Layouts are documented byte by byte in docs/packet-format.md.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum

import numpy as np

from kiosk.records import images
from kiosk.records.common import (
    CaptureDevice,
    Cursor,
    QualityBlock,
    RecordError,
    check_magic,
    decode_datetime,
    encode_datetime,
)

MAGIC = b"FAC\x00"
VERSIONS = {b"030\x00": "2011", b"010\x00": "2005"}
FORMAT_2011 = "iso19794-5:2011"


class FaceImageType(IntEnum):
    BASIC = 0
    FULL_FRONTAL = 1
    TOKEN_FRONTAL = 2
    POST_PROCESSED_FRONTAL = 3  # 2011 only


class ImageDataType(IntEnum):
    """2011 codes; the 2005 edition has only 0 JPEG and 1 JPEG 2000."""

    JPEG = 0
    JPEG2000_LOSSY = 1
    JPEG2000_LOSSLESS = 2
    PNG = 3


COLOUR_UNSPECIFIED, COLOUR_RGB24, COLOUR_YUV422, COLOUR_GREY8, COLOUR_OTHER = range(5)
EXPRESSION_UNSPECIFIED, EXPRESSION_NEUTRAL = 0, 1
LANDMARK_MPEG4 = 1  # landmark point type: MPEG-4 feature point, code = major << 4 | minor
LEFT_EYE_CENTRE, RIGHT_EYE_CENTRE = 0xC1, 0xC2  # MPEG-4 12.1 / 12.2 (the subject's left / right)
_CODEC = {
    ImageDataType.JPEG: "jpeg",
    ImageDataType.JPEG2000_LOSSY: "jpeg2000",
    ImageDataType.JPEG2000_LOSSLESS: "jpeg2000",
    ImageDataType.PNG: "png",
}


@dataclass(frozen=True)
class Landmark:
    kind: int
    code: int
    x: int
    y: int
    z: int = 0


def encode_angle(degrees: float | None) -> int:
    """Pose angle byte: 0 unspecified, else 1..181 in steps of 2 degrees (91 = 0°)."""
    if degrees is None:
        return 0
    return max(1, min(181, round(degrees / 2) + 91))


def decode_angle(code: int) -> float | None:
    return None if code == 0 else float((code - 91) * 2)


@dataclass(frozen=True)
class FaceImage:
    image: bytes
    data_type: ImageDataType
    width: int
    height: int
    face_type: FaceImageType = FaceImageType.FULL_FRONTAL
    colour_space: int = COLOUR_RGB24
    yaw: float | None = None
    pitch: float | None = None
    roll: float | None = None
    pose_uncertainty: tuple[int, int, int] = (0, 0, 0)
    expression: int = EXPRESSION_UNSPECIFIED
    gender: int = 0
    eye_colour: int = 0
    hair_colour: int = 0
    subject_height: int = 0  # 2011 only
    property_mask: int = 0
    landmarks: tuple[Landmark, ...] = ()
    quality: tuple[QualityBlock, ...] = ()  # 2011 only
    captured_at: datetime | None = None  # 2011 only
    device: CaptureDevice = field(default_factory=CaptureDevice)  # 2011 only
    spatial_sampling_level: int = 0  # 2011 only
    post_processing: int = 0  # 2011 only
    cross_reference: int = 0  # 2011 only
    source_type: int = 0  # 2005 only
    device_type: int = 0  # 2005 only
    quality_2005: int = 0  # 2005 only

    def pixels(self) -> np.ndarray:
        return images.decode_image(self.image, _CODEC[self.data_type])


@dataclass(frozen=True)
class FaceRecord:
    edition: str
    faces: tuple[FaceImage, ...]
    certification_flag: bool = False
    temporal_semantics: int = 0


def jpeg_face(
    pixels: np.ndarray,
    *,
    face_type: FaceImageType = FaceImageType.FULL_FRONTAL,
    pose: tuple[float | None, float | None, float | None] = (None, None, None),
    eyes: tuple[tuple[int, int], tuple[int, int]] | None = None,
    captured_at: datetime | None = None,
    device: CaptureDevice | None = None,
    jpeg_quality: int = 90,
) -> FaceImage:
    """A face image of RGB (or grey) pixels, JPEG-compressed in memory.

    `eyes` are the (x, y) centres of the subject's left and right eye (left is on the image's right).
    """
    height, width = pixels.shape[:2]
    landmarks: tuple[Landmark, ...] = ()
    if eyes is not None:
        (lx, ly), (rx, ry) = eyes
        landmarks = (
            Landmark(LANDMARK_MPEG4, LEFT_EYE_CENTRE, int(lx), int(ly)),
            Landmark(LANDMARK_MPEG4, RIGHT_EYE_CENTRE, int(rx), int(ry)),
        )
    return FaceImage(
        image=images.encode_jpeg(pixels, jpeg_quality),
        data_type=ImageDataType.JPEG,
        width=width,
        height=height,
        face_type=face_type,
        colour_space=COLOUR_GREY8 if pixels.ndim == 2 else COLOUR_RGB24,
        yaw=pose[0],
        pitch=pose[1],
        roll=pose[2],
        expression=EXPRESSION_NEUTRAL,
        landmarks=landmarks,
        captured_at=captured_at,
        device=device or CaptureDevice(),
    )


def encode(faces: Sequence[FaceImage]) -> bytes:
    """A 2011-edition record (no certification blocks, temporal semantics 0: one image)."""
    if not faces or len(faces) > 0xFFFF:
        raise RecordError("bad_value", field="representations", value=len(faces))
    bodies = [_encode_representation(face) for face in faces]
    total = 17 + sum(len(b) for b in bodies)
    return MAGIC + b"030\x00" + struct.pack(">IHBH", total, len(faces), 0, 0) + b"".join(bodies)


def _encode_representation(face: FaceImage) -> bytes:
    if not (0 < face.width <= 0xFFFF and 0 < face.height <= 0xFFFF):
        raise RecordError("bad_value", field="image size", value=f"{face.width}x{face.height}")
    parts = [
        encode_datetime(face.captured_at),
        struct.pack(">BHH", face.device.technology_id, face.device.vendor_id, face.device.type_id),
        bytes([len(face.quality)]),
        *(q.encode() for q in face.quality),
        struct.pack(
            ">HBBBB", len(face.landmarks), face.gender, face.eye_colour, face.hair_colour, face.subject_height
        ),
        face.property_mask.to_bytes(3, "big"),
        struct.pack(">H", face.expression),
        bytes(
            [
                encode_angle(face.yaw),
                encode_angle(face.pitch),
                encode_angle(face.roll),
                *face.pose_uncertainty,
            ]
        ),
        *(struct.pack(">BBHHH", p.kind, p.code, p.x, p.y, p.z) for p in face.landmarks),
        struct.pack(
            ">BBHHBHBB",
            int(face.face_type),
            int(face.data_type),
            face.width,
            face.height,
            face.spatial_sampling_level,
            face.post_processing,
            face.cross_reference,
            face.colour_space,
        ),
        struct.pack(">I", len(face.image)),
        face.image,
    ]
    body = b"".join(parts)
    return struct.pack(">I", len(body) + 4) + body


def parse(data: bytes) -> FaceRecord:
    edition = check_magic(data, MAGIC, VERSIONS)
    return _parse_2011(data) if edition == "2011" else _parse_2005(data)


def _data_type(code: int, edition: str) -> ImageDataType:
    allowed = (0, 1) if edition == "2005" else (0, 1, 2, 3)
    if code not in allowed:
        raise RecordError("unsupported", what=f"face image data type {code}")
    return ImageDataType(code)


def _face_type(code: int) -> FaceImageType:
    if code >= 0x80:
        raise RecordError("unsupported", what="3D face representation")
    try:
        return FaceImageType(code)
    except ValueError:
        raise RecordError("unsupported", what=f"face image type {code}") from None


def _parse_2011(data: bytes) -> FaceRecord:
    cursor = Cursor(data, 8)
    length = cursor.u32("record length")
    if length != len(data):
        raise RecordError("bad_length", declared=length, actual=len(data))
    count, certified, temporal = cursor.u16("representation count"), cursor.u8() == 1, cursor.u16()
    faces = []
    for _ in range(count):
        start = cursor.pos
        rep_length = cursor.u32("representation length")
        if rep_length < 4 or start + rep_length > len(data):
            raise RecordError("bad_length", declared=rep_length, actual=len(data) - start)
        rep = Cursor(data, cursor.pos, start + rep_length)
        captured_at = decode_datetime(rep.take(9, "capture date"))
        device = CaptureDevice(rep.u8(), rep.u16(), rep.u16())
        quality = rep.quality_blocks()
        if certified:  # the 19794-1:2011 framework places them here; no sample seen with them
            rep.certification_blocks()
        points, gender, eye, hair, height = rep.u16("landmark count"), rep.u8(), rep.u8(), rep.u8(), rep.u8()
        mask, expression = int.from_bytes(rep.take(3, "property mask"), "big"), rep.u16("expression")
        yaw, pitch, roll = (decode_angle(b) for b in rep.take(3, "pose angle"))
        uncertainty = tuple(rep.take(3, "pose angle uncertainty"))
        landmarks = tuple(
            Landmark(rep.u8(), rep.u8(), rep.u16(), rep.u16(), rep.u16()) for _ in range(points)
        )
        face_type, data_type = _face_type(rep.u8("face image type")), rep.u8("image data type")
        width, height_px, level, post, cross, colour = (
            rep.u16("width"),
            rep.u16("height"),
            rep.u8(),
            rep.u16(),
            rep.u8(),
            rep.u8("colour space"),
        )
        image = rep.take(rep.u32("image length"), "image data")
        if rep.remaining:
            raise RecordError("bad_length", declared=rep_length, actual=rep.pos - start)
        faces.append(
            FaceImage(
                image=image,
                data_type=_data_type(data_type, "2011"),
                width=width,
                height=height_px,
                face_type=face_type,
                colour_space=colour,
                yaw=yaw,
                pitch=pitch,
                roll=roll,
                pose_uncertainty=(uncertainty[0], uncertainty[1], uncertainty[2]),
                expression=expression,
                gender=gender,
                eye_colour=eye,
                hair_colour=hair,
                subject_height=height,
                property_mask=mask,
                landmarks=landmarks,
                quality=quality,
                captured_at=captured_at,
                device=device,
                spatial_sampling_level=level,
                post_processing=post,
                cross_reference=cross,
            )
        )
        cursor.pos = start + rep_length
    if cursor.remaining:
        raise RecordError("bad_length", declared=length, actual=cursor.pos)
    return FaceRecord("2011", tuple(faces), certified, temporal)


def _parse_2005(data: bytes) -> FaceRecord:
    cursor = Cursor(data, 8)
    length = cursor.u32("record length")
    if length != len(data):
        raise RecordError("bad_length", declared=length, actual=len(data))
    faces = []
    for _ in range(cursor.u16("face count")):
        start = cursor.pos
        block = cursor.u32("facial record length")
        if block < 32 or start + block > len(data):
            raise RecordError("bad_length", declared=block, actual=len(data) - start)
        points, gender, eye, hair = cursor.u16("feature points"), cursor.u8(), cursor.u8(), cursor.u8()
        mask, expression = int.from_bytes(cursor.take(3, "feature mask"), "big"), cursor.u16()
        yaw, pitch, roll = (decode_angle(b) for b in cursor.take(3, "pose angle"))
        uncertainty = tuple(cursor.take(3, "pose angle uncertainty"))
        landmarks = []
        for _ in range(points):
            kind, code, x, y = cursor.u8(), cursor.u8(), cursor.u16(), cursor.u16()
            cursor.take(2, "reserved")
            landmarks.append(Landmark(kind, code, x, y))
        face_type, data_type = _face_type(cursor.u8("face image type")), cursor.u8("image data type")
        width, height_px, colour, source = cursor.u16(), cursor.u16(), cursor.u8(), cursor.u8()
        device_type, quality = cursor.u16(), cursor.u16()
        image = cursor.take(start + block - cursor.pos, "image data")
        faces.append(
            FaceImage(
                image=image,
                data_type=_data_type(data_type, "2005"),
                width=width,
                height=height_px,
                face_type=face_type,
                colour_space=colour,
                yaw=yaw,
                pitch=pitch,
                roll=roll,
                pose_uncertainty=(uncertainty[0], uncertainty[1], uncertainty[2]),
                expression=expression,
                gender=gender,
                eye_colour=eye,
                hair_colour=hair,
                property_mask=mask,
                landmarks=tuple(landmarks),
                source_type=source,
                device_type=device_type,
                quality_2005=quality,
            )
        )
    if cursor.remaining:
        raise RecordError("bad_length", declared=length, actual=cursor.pos)
    return FaceRecord("2005", tuple(faces))
