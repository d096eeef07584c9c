"""Biometric records of an enrolment: ISO/IEC 19794-4 finger images and 19794-5 face images.

Written and read by our own code (the format is small and the available libraries are not fit:
see ../shared/ECOSYSTEM.md), entirely in memory.
"""

from __future__ import annotations

from kiosk.records import iso19794_4, iso19794_5
from kiosk.records.common import RecordError


def record_format(data: bytes) -> str:
    """`iso19794-4:2011`, `iso19794-4:2005`, `iso19794-5:2011` or `iso19794-5:2005`, from the header alone."""
    for magic, versions, part in (
        (iso19794_4.MAGIC, iso19794_4.VERSIONS, "iso19794-4"),
        (iso19794_5.MAGIC, iso19794_5.VERSIONS, "iso19794-5"),
    ):
        if data[:4] == magic:
            edition = versions.get(bytes(data[4:8]))
            if edition is None:
                raise RecordError("bad_version", version=bytes(data[4:8]).hex())
            return f"{part}:{edition}"
    raise RecordError("bad_format", expected="FIR/FAC", found=bytes(data[:4]).hex())


def parse_any(data: bytes) -> iso19794_4.FingerRecord | iso19794_5.FaceRecord:
    """Parse a finger or face record of either edition (structure only; images stay compressed)."""
    kind = record_format(data)
    return iso19794_4.parse(data) if kind.startswith("iso19794-4") else iso19794_5.parse(data)


__all__ = ["RecordError", "iso19794_4", "iso19794_5", "parse_any", "record_format"]
