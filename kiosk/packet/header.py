"""The sealed packet's clear header: what a backend needs before it can decrypt, nothing personal.

    offset  size  field
    0       4     magic "KPKT"
    4       1     format version (1)
    5       2     HPKE KEM id   (0x647a X-Wing | 0x0020 DHKEM(X25519, HKDF-SHA256))
    7       2     HPKE KDF id   (0x0001 HKDF-SHA256)
    9       2     HPKE AEAD id  (0x0002 AES-256-GCM)
    11      16    packet id (UUIDv7, binary; any other version or variant is refused)
    27      1     backend key id length K (1..64)
    28      K     backend key id (ASCII [A-Za-z0-9._-])

All integers big-endian. The header bytes are the HPKE `info`, so changing any of them (say,
the packet id, to replay the content under another id) makes decryption fail.
"""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass

from kiosk.packet.errors import PacketError
from kiosk.packet.ids import is_uuid7
from kiosk.packet.keys import PacketSuite, check_key_id

MAGIC = b"KPKT"
FORMAT_VERSION = 1
FIXED = 28


@dataclass(frozen=True)
class PacketHeader:
    packet_id: str
    suite: PacketSuite
    key_id: str
    version: int = FORMAT_VERSION

    def encode(self) -> bytes:
        key_id = check_key_id(self.key_id).encode("ascii")
        kem, kdf, aead = self.suite.ids
        return (
            MAGIC
            + struct.pack(">BHHH", self.version, kem, kdf, aead)
            + uuid.UUID(self.packet_id).bytes
            + bytes([len(key_id)])
            + key_id
        )

    @property
    def length(self) -> int:
        return FIXED + len(self.key_id)


def decode(blob: bytes) -> PacketHeader:
    """The header at the start of a sealed packet; the HPKE payload follows at `header.length`."""
    if len(blob) < 4 or blob[:4] != MAGIC:
        raise PacketError("bad_magic", found=bytes(blob[:4]).hex())
    if len(blob) < FIXED:
        raise PacketError("truncated", size=len(blob))
    version, kem, kdf, aead = struct.unpack(">BHHH", blob[4:11])
    if version != FORMAT_VERSION:
        raise PacketError("unknown_version", version=version)
    suite = PacketSuite.from_ids(kem, kdf, aead)
    if suite is None:
        raise PacketError("unknown_suite", suite=f"kem=0x{kem:04x} kdf=0x{kdf:04x} aead=0x{aead:04x}")
    packet_id = str(uuid.UUID(bytes=bytes(blob[11:27])))
    if not is_uuid7(packet_id):  # dedup and ordering rely on it before anything is decrypted
        raise PacketError("bad_packet_id", packet_id=packet_id)
    size = blob[27]
    if len(blob) < FIXED + size:
        raise PacketError("truncated", size=len(blob))
    try:
        key_id = check_key_id(bytes(blob[FIXED : FIXED + size]).decode("ascii"))
    except (UnicodeDecodeError, PacketError):
        raise PacketError("unknown_key_id", key_id=bytes(blob[FIXED : FIXED + size]).hex()) from None
    return PacketHeader(packet_id, suite, key_id, version)
