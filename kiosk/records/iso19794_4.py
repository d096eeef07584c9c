"""ISO/IEC 19794-4 finger image records: written in the 2011 edition, read in 2011 and 2005.

The kiosk writes one record per enrolment holding one representation per captured finger (WSQ,
500 ppi, live-scan plain, an NFIQ 2 quality block). The reader accepts what other systems send:
any number of representations, the four compressions Pillow or `wsq` can decode, certification
blocks, and the extended data blocks (segmentation, annotation, comment) that follow the image in
2011 records, which it keeps raw. Layouts are documented byte by byte in docs/packet-format.md.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum

import numpy as np

from devices.positions import Finger
from kiosk.records import images
from kiosk.records.common import (
    CaptureDevice,
    CertificationBlock,
    Cursor,
    QualityBlock,
    RecordError,
    check_magic,
    decode_datetime,
    encode_datetime,
    nfiq2_quality,
)

MAGIC = b"FIR\x00"
VERSIONS = {b"020\x00": "2011", b"010\x00": "2005"}
FORMAT_2011 = "iso19794-4:2011"
GENERAL_HEADER_2011 = 16
SCALE_PPI = 1  # scale units: 1 = pixels per inch, 2 = pixels per centimetre


class Compression(IntEnum):
    """Compression codes of the 2011 edition (the 2005 codes are mapped onto these when read)."""

    NONE = 0
    NONE_BIT_PACKED = 1
    WSQ = 2
    JPEG = 3
    JPEG2000_LOSSY = 4
    JPEG2000_LOSSLESS = 5
    PNG = 6


# 2005 edition: 0 none, 1 bit packed, 2 WSQ, 3 JPEG, 4 JPEG 2000, 5 PNG.
_COMPRESSION_2005 = {
    0: Compression.NONE,
    1: Compression.NONE_BIT_PACKED,
    2: Compression.WSQ,
    3: Compression.JPEG,
    4: Compression.JPEG2000_LOSSY,
    5: Compression.PNG,
}
_COMPRESSION_2011 = {c.value: c for c in Compression}
_CODEC = {
    Compression.WSQ: "wsq",
    Compression.JPEG: "jpeg",
    Compression.JPEG2000_LOSSY: "jpeg2000",
    Compression.JPEG2000_LOSSLESS: "jpeg2000",
    Compression.PNG: "png",
}

IMPRESSION_LIVE_PLAIN = 0
IMPRESSION_UNKNOWN = 29


@dataclass(frozen=True)
class FingerView:
    """One finger image representation (a 'view' in the 2005 edition)."""

    position_code: int  # 0 unknown, 1-10 single fingers, 11-15 and 40-50 multi-finger, 20+ palms
    image: bytes  # compressed as `compression` says
    compression: Compression
    width: int
    height: int
    ppi: int = 500  # image sampling rate (horizontal = vertical for the kiosk's captures)
    ppi_vertical: int | None = None
    capture_ppi: int | None = None  # the scanner's own sampling rate, if different
    scale_units: int = SCALE_PPI
    bit_depth: int = 8
    impression: int = IMPRESSION_LIVE_PLAIN
    quality: tuple[QualityBlock, ...] = ()
    captured_at: datetime | None = None
    device: CaptureDevice = field(default_factory=CaptureDevice)
    view_number: int = 0
    certifications: tuple[CertificationBlock, ...] = ()
    extended: tuple[tuple[int, bytes], ...] = ()  # (block type, block data) after the image, 2011 only

    @property
    def position(self) -> Finger | None:
        return Finger(self.position_code) if 1 <= self.position_code <= 10 else None

    @property
    def nfiq2(self) -> int | None:
        """The NFIQ 2 score of this view, when a quality block holds one (None also when it failed)."""
        for block in self.quality:
            if block.is_nfiq2 and block.score <= 100:
                return block.score
        return None

    def pixels(self) -> np.ndarray:
        """Decoded 8-bit greyscale pixels, in memory."""
        if self.compression is Compression.NONE:
            return images.decode_raw(self.image, self.width, self.height, self.bit_depth)
        codec = _CODEC.get(self.compression)
        if codec is None:
            raise RecordError("unsupported", what=f"finger compression {self.compression.name}")
        return images.decode_image(self.image, codec)


@dataclass(frozen=True)
class FingerRecord:
    edition: str  # "2011" or "2005"
    views: tuple[FingerView, ...]
    certification_flag: bool = False
    device_id: int = 0  # 2005 general header only
    acquisition_level: int = 0  # 2005 general header only


def wsq_view(
    pixels: np.ndarray,
    position: Finger,
    nfiq2: int | None,
    *,
    ppi: int = 500,
    captured_at: datetime | None = None,
    device: CaptureDevice | None = None,
    impression: int = IMPRESSION_LIVE_PLAIN,
) -> FingerView:
    """A view of an uncompressed capture, WSQ-compressed in memory, with its NFIQ 2 block.

    Score NFIQ 2 on the uncompressed capture before calling this: WSQ moves it by up to ±15.
    """
    height, width = pixels.shape[:2]
    return FingerView(
        position_code=int(Finger(position)),
        image=images.encode_wsq(pixels),
        compression=Compression.WSQ,
        width=width,
        height=height,
        ppi=ppi,
        ppi_vertical=ppi,
        capture_ppi=ppi,
        impression=impression,
        quality=(nfiq2_quality(nfiq2),),
        captured_at=captured_at,
        device=device or CaptureDevice(),
    )


def encode(views: Sequence[FingerView]) -> bytes:
    """A 2011-edition record holding `views` in the given order."""
    if not views or len(views) > 0xFFFF:
        raise RecordError("bad_value", field="representations", value=len(views))
    certified = any(v.certifications for v in views)
    bodies = [_encode_representation(v, certified) for v in views]
    total = GENERAL_HEADER_2011 + sum(len(b) for b in bodies)
    distinct = len({v.position_code for v in views})
    header = MAGIC + b"020\x00" + struct.pack(">IHBB", total, len(views), int(certified), distinct)
    return header + b"".join(bodies)


def _encode_representation(view: FingerView, certified: bool) -> bytes:
    if not (0 < view.width <= 0xFFFF and 0 < view.height <= 0xFFFF):
        raise RecordError("bad_value", field="image size", value=f"{view.width}x{view.height}")
    parts = [
        encode_datetime(view.captured_at),
        struct.pack(">BHH", view.device.technology_id, view.device.vendor_id, view.device.type_id),
        bytes([len(view.quality)]),
        *(q.encode() for q in view.quality),
    ]
    if certified:
        parts += [bytes([len(view.certifications)]), *(c.encode() for c in view.certifications)]
    ppi_v = view.ppi_vertical or view.ppi
    capture_ppi = view.capture_ppi or view.ppi
    parts.append(
        struct.pack(
            ">BBBHHHHBBBHHI",
            view.position_code,
            view.view_number,
            view.scale_units,
            capture_ppi,
            capture_ppi,
            view.ppi,
            ppi_v,
            view.bit_depth,
            int(view.compression),
            view.impression,
            view.width,
            view.height,
            len(view.image),
        )
    )
    parts.append(view.image)
    parts += [struct.pack(">HH", kind, len(data) + 4) + data for kind, data in view.extended]
    body = b"".join(parts)
    return struct.pack(">I", len(body) + 4) + body


def parse(data: bytes) -> FingerRecord:
    """Read a finger image record of either edition; images stay compressed until `.pixels()`."""
    edition = check_magic(data, MAGIC, VERSIONS)
    return _parse_2011(data) if edition == "2011" else _parse_2005(data)


def _parse_2011(data: bytes) -> FingerRecord:
    cursor = Cursor(data, 8)
    length = cursor.u32("record length")
    if length != len(data):
        raise RecordError("bad_length", declared=length, actual=len(data))
    count = cursor.u16("representation count")
    certified = cursor.u8("certification flag") == 1
    cursor.u8("distinct positions")
    views = []
    for _ in range(count):
        start = cursor.pos
        rep_length = cursor.u32("representation length")
        if rep_length < 4 or start + rep_length > len(data):
            raise RecordError("bad_length", declared=rep_length, actual=len(data) - start)
        views.append(_parse_representation(Cursor(data, cursor.pos, start + rep_length), certified))
        cursor.pos = start + rep_length
    if cursor.remaining:
        raise RecordError("bad_length", declared=length, actual=cursor.pos)
    return FingerRecord("2011", tuple(views), certified)


def _parse_representation(cursor: Cursor, certified: bool) -> FingerView:
    captured_at = decode_datetime(cursor.take(9, "capture date"))
    device = CaptureDevice(
        cursor.u8("device technology"), cursor.u16("device vendor"), cursor.u16("device type")
    )
    quality = cursor.quality_blocks()
    certifications = cursor.certification_blocks() if certified else ()
    position, view_number, scale = cursor.u8("position"), cursor.u8("representation number"), cursor.u8()
    capture_h, _capture_v, ppi_h, ppi_v = cursor.u16(), cursor.u16(), cursor.u16(), cursor.u16()
    bit_depth, compression, impression = cursor.u8(), cursor.u8("compression"), cursor.u8()
    width, height = cursor.u16("width"), cursor.u16("height")
    image = cursor.take(cursor.u32("image length"), "image data")
    extended = []
    while cursor.remaining:
        kind, block_length = cursor.u16("extended block type"), cursor.u16("extended block length")
        extended.append((kind, cursor.take(block_length - 4, "extended block")))
    return FingerView(
        position_code=position,
        image=image,
        compression=_compression(compression, _COMPRESSION_2011),
        width=width,
        height=height,
        ppi=ppi_h,
        ppi_vertical=ppi_v,
        capture_ppi=capture_h,
        scale_units=scale,
        bit_depth=bit_depth,
        impression=impression,
        quality=quality,
        captured_at=captured_at,
        device=device,
        view_number=view_number,
        certifications=certifications,
        extended=tuple(extended),
    )


def _compression(code: int, table: dict[int, Compression]) -> Compression:
    try:
        return table[code]
    except KeyError:
        raise RecordError("unsupported", what=f"compression code {code}") from None


def _parse_2005(data: bytes) -> FingerRecord:
    cursor = Cursor(data, 8)
    length = cursor.u48("record length")
    if length != len(data):
        raise RecordError("bad_length", declared=length, actual=len(data))
    device_id, level, count, scale = cursor.u16(), cursor.u16(), cursor.u8("finger count"), cursor.u8()
    capture_h, _capture_v, ppi_h, ppi_v = cursor.u16(), cursor.u16(), cursor.u16(), cursor.u16()
    bit_depth, compression = cursor.u8("pixel depth"), cursor.u8("compression")
    cursor.take(2, "reserved")
    views = []
    for _ in range(count):
        start = cursor.pos
        block = cursor.u32("finger data block length")
        if block < 14 or start + block > len(data):
            raise RecordError("bad_length", declared=block, actual=len(data) - start)
        position, _views, view_number, quality, impression = (cursor.u8() for _ in range(5))
        width, height = cursor.u16("width"), cursor.u16("height")
        cursor.take(1, "reserved")
        image = cursor.take(block - 14, "image data")
        views.append(
            FingerView(
                position_code=position,
                image=image,
                compression=_compression(compression, _COMPRESSION_2005),
                width=width,
                height=height,
                ppi=ppi_h,
                ppi_vertical=ppi_v,
                capture_ppi=capture_h,
                scale_units=scale,
                bit_depth=bit_depth,
                impression=impression,
                # 2005 carries one unattributed quality byte (0-100, 254 undefined, 255 failed)
                quality=(QualityBlock(quality, 0, 0),),
                view_number=view_number,
            )
        )
    if cursor.remaining:
        raise RecordError("bad_length", declared=length, actual=cursor.pos)
    return FingerRecord("2005", tuple(views), device_id=device_id, acquisition_level=level)
