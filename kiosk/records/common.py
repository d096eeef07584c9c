"""What ISO/IEC 19794-4 (finger) and 19794-5 (face) records share: the 2011 framework of
ISO/IEC 19794-1 (capture date/time, device ids, quality and certification blocks) and a bounded
big-endian reader.

Records arrive from other systems (readers, MOSIP devices, old archives), so every read is bounds
checked and every failure is a `RecordError` with a code, never an IndexError deep in a parser.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk.errors import KioskError

# Quality algorithm identifiers of NFIQ 2, as the NIST reference implementation writes them into
# 19794 quality blocks (usnistgov/NFIQ2, NFIQ2/NFIQ2Algorithm/src/nfiq2/nfiq2_cbeff.cpp): vendor
# 0x0101 is ISO/IEC JTC 1 SC 37 (the registry of ISO/IEC 29794-1), and the algorithm id names the
# NFIQ 2 revision. NFIQ 2.3 (the version inside nbis-py 0.1.3) is 0x0039; 2.0/2.1/2.2 are
# 0x0021/0x0037/0x0038 (an older source tree numbered them 0x0001/0x0017/0x0018).
NFIQ2_VENDOR_ID = 0x0101
NFIQ2_ALGORITHM_ID = 0x0039
NFIQ2_ALGORITHM_IDS = frozenset({0x0021, 0x0037, 0x0038, 0x0039, 0x0001, 0x0017, 0x0018})

QUALITY_FAILED = 255  # ISO/IEC 29794-1: "an attempt to compute the quality failed"


class RecordError(KioskError):
    """A biometric record that cannot be read or written; `code` is the short reason."""

    def __init__(self, code: str, /, **params: object) -> None:
        super().__init__(f"records.{code}", **params)
        self.code = code


@dataclass(frozen=True)
class QualityBlock:
    """One quality block (5 bytes): score 0–100 (255 = failed), algorithm vendor and id."""

    score: int
    vendor_id: int
    algorithm_id: int

    @property
    def is_nfiq2(self) -> bool:
        return self.vendor_id == NFIQ2_VENDOR_ID and self.algorithm_id in NFIQ2_ALGORITHM_IDS

    def encode(self) -> bytes:
        if not (0 <= self.score <= 100 or self.score == QUALITY_FAILED):
            raise RecordError("bad_value", field="quality", value=self.score)
        return struct.pack(">BHH", self.score, self.vendor_id, self.algorithm_id)


def nfiq2_quality(score: int | None) -> QualityBlock:
    """The quality block for an NFIQ 2 score (None: the algorithm failed on this image)."""
    return QualityBlock(QUALITY_FAILED if score is None else int(score), NFIQ2_VENDOR_ID, NFIQ2_ALGORITHM_ID)


@dataclass(frozen=True)
class CertificationBlock:
    """One certification block (3 bytes): certification authority and scheme."""

    authority_id: int
    scheme_id: int

    def encode(self) -> bytes:
        return struct.pack(">HB", self.authority_id, self.scheme_id)


@dataclass(frozen=True)
class CaptureDevice:
    """Device ids of the 2011 representation header (0 = unknown / unreported)."""

    technology_id: int = 0
    vendor_id: int = 0
    type_id: int = 0


def encode_datetime(moment: datetime | None) -> bytes:
    """The 9-byte capture date/time in UTC; unknown is all 0xFF."""
    if moment is None:
        return b"\xff" * 9
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return struct.pack(
        ">HBBBBBH",
        utc.year,
        utc.month,
        utc.day,
        utc.hour,
        utc.minute,
        utc.second,
        utc.microsecond // 1000,
    )


def decode_datetime(raw: bytes) -> datetime | None:
    """Inverse of `encode_datetime`; unknown or impossible dates read as None rather than failing."""
    year, month, day, hour, minute, second, millis = struct.unpack(">HBBBBBH", raw)
    try:
        return datetime(year, month, day, hour, minute, second, millis * 1000, tzinfo=UTC)
    except ValueError:
        return None


class Cursor:
    """Big-endian reads over a bytes object that fail with `RecordError('truncated')`."""

    def __init__(self, data: bytes | memoryview, start: int = 0, end: int | None = None) -> None:
        self.data = memoryview(data)
        self.pos = start
        self.end = len(self.data) if end is None else end

    @property
    def remaining(self) -> int:
        return self.end - self.pos

    def take(self, size: int, what: str = "data") -> bytes:
        if size < 0 or self.pos + size > self.end:
            raise RecordError("truncated", what=what, offset=self.pos)
        chunk = bytes(self.data[self.pos : self.pos + size])
        self.pos += size
        return chunk

    def u8(self, what: str = "byte") -> int:
        return self.take(1, what)[0]

    def u16(self, what: str = "u16") -> int:
        return int(struct.unpack(">H", self.take(2, what))[0])

    def u32(self, what: str = "u32") -> int:
        return int(struct.unpack(">I", self.take(4, what))[0])

    def u48(self, what: str = "u48") -> int:
        return int.from_bytes(self.take(6, what), "big")

    def quality_blocks(self) -> tuple[QualityBlock, ...]:
        count = self.u8("quality block count")
        return tuple(
            QualityBlock(self.u8("quality"), self.u16("quality vendor"), self.u16("quality algorithm"))
            for _ in range(count)
        )

    def certification_blocks(self) -> tuple[CertificationBlock, ...]:
        count = self.u8("certification block count")
        return tuple(
            CertificationBlock(self.u16("certification authority"), self.u8("certification scheme"))
            for _ in range(count)
        )


def check_magic(data: bytes, magic: bytes, versions: dict[bytes, str]) -> str:
    """The record's edition ('2011', '2005') from its format identifier and version number."""
    if len(data) < 8:
        raise RecordError("truncated", what="general header", offset=0)
    if data[:4] != magic:
        raise RecordError("bad_format", expected=magic[:3].decode(), found=data[:4].hex())
    edition = versions.get(bytes(data[4:8]))
    if edition is None:
        raise RecordError("bad_version", version=bytes(data[4:8]).hex())
    return edition
