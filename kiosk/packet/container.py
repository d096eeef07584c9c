"""The plaintext inside the HPKE ciphertext: manifest, records and signatures, length-prefixed.

    offset  size  field
    0       4     magic "KPIN"
    4       1     container version (1)
    5       2     section count N (= number of records + 2)
    7       ...   N sections, each:
                    1  kind (0x01 manifest, 0x02 record, 0x03 signatures)
                    1  name length L
                    L  name (ASCII; "manifest.json", the record's name, "signatures")
                    4  data length D
                    D  data

The manifest comes first, then the records in manifest order, then the signatures, last and
once. The "body" is every byte before the signatures section; the signatures cover it (signing.py).
A simple format on purpose: an independent backend reads it in a dozen lines.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.packet.errors import PacketError

MAGIC = b"KPIN"
VERSION = 1
KIND_MANIFEST, KIND_RECORD, KIND_SIGNATURES = 0x01, 0x02, 0x03
MANIFEST_NAME, SIGNATURES_NAME = "manifest.json", "signatures"
RECORD_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Container:
    manifest: bytes
    records: dict[str, bytes]
    signatures: bytes
    body: bytes


def _section(kind: int, name: str, data: bytes) -> bytes:
    raw = name.encode("ascii")
    return struct.pack(">BB", kind, len(raw)) + raw + struct.pack(">I", len(data)) + data


def encode_body(manifest: bytes, records: Mapping[str, bytes]) -> bytes:
    for name in records:
        if not RECORD_NAME_RE.match(name):
            raise PacketError(
                "sealing_failed", reason=f"record name {name!r} must match {RECORD_NAME_RE.pattern}"
            )
    parts = [
        MAGIC,
        struct.pack(">BH", VERSION, len(records) + 2),
        _section(KIND_MANIFEST, MANIFEST_NAME, manifest),
    ]
    parts += [_section(KIND_RECORD, name, data) for name, data in records.items()]
    return b"".join(parts)


def with_signatures(body: bytes, signatures: bytes) -> bytes:
    return body + _section(KIND_SIGNATURES, SIGNATURES_NAME, signatures)


def decode(plaintext: bytes) -> Container:
    def broken(reason: str) -> PacketError:
        return PacketError("malformed_container", reason=reason)

    view = memoryview(plaintext)
    if len(view) < 7 or bytes(view[:4]) != MAGIC:
        raise broken("bad inner magic")
    version, count = struct.unpack(">BH", view[4:7])
    if version != VERSION:
        raise broken(f"container version {version}")
    if count < 2:
        raise broken(f"{count} sections")
    pos, manifest, records, signatures, body_end = 7, b"", {}, b"", 0
    for index in range(count):
        if pos + 2 > len(view):
            raise broken("section header past the end")
        kind, size = view[pos], view[pos + 1]
        name_end = pos + 2 + size
        if name_end + 4 > len(view):
            raise broken("section name past the end")
        try:
            name = bytes(view[pos + 2 : name_end]).decode("ascii")
        except UnicodeDecodeError:
            raise broken("section name not ASCII") from None
        (length,) = struct.unpack(">I", view[name_end : name_end + 4])
        start, end = name_end + 4, name_end + 4 + length
        if end > len(view):
            raise broken(f"section {name!r} past the end")
        data = bytes(view[start:end])
        last = index == count - 1
        if index == 0:
            if kind != KIND_MANIFEST or name != MANIFEST_NAME:
                raise broken("the manifest must come first")
            manifest = data
        elif last:
            if kind != KIND_SIGNATURES or name != SIGNATURES_NAME:
                raise broken("the signatures must come last")
            signatures, body_end = data, pos
        else:
            if kind != KIND_RECORD or not RECORD_NAME_RE.match(name) or name in records:
                raise broken(f"bad or repeated record section {name!r}")
            records[name] = data
        pos = end
    if pos != len(view):
        raise broken(f"{len(view) - pos} bytes after the last section")
    return Container(manifest, records, signatures, bytes(view[:body_end]))
