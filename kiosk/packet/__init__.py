"""Sealed enrolment packets: manifest + ISO records, signed by the station (and the operator's
FIEL), encrypted with HPKE to the backend. The format is specified in docs/packet-format.md.

The public API other areas use:
    seal(manifest, records, station_keys, recipient, operator=None, suite=None) -> SealedPacket
    open_packet(blob, private_keys, *, station_resolver=None) -> OpenedPacket
    Manifest (+ Station, Operator, Person, IdentityDocument, Consent, FingerEntry, FaceEntry, Device)
    BackendPrivateKey / BackendPublicKey / PacketSuite, OperatorSigner, PacketError, new_packet_id
"""

from __future__ import annotations

from kiosk.packet.errors import CODES, PacketError
from kiosk.packet.header import PacketHeader
from kiosk.packet.header import decode as read_header
from kiosk.packet.ids import is_uuid7, new_packet_id, uuid7_time
from kiosk.packet.keys import BackendPrivateKey, BackendPublicKey, PacketSuite
from kiosk.packet.manifest import (
    Consent,
    Device,
    FaceEntry,
    FingerEntry,
    IdentityDocument,
    Manifest,
    Operator,
    Person,
    RecordRef,
    Station,
)
from kiosk.packet.open import OpenedPacket, open_packet
from kiosk.packet.seal import SealedPacket, seal
from kiosk.packet.signing import OperatorSigner, Verification

RECORD_FINGERS = "fingers"  # the ISO/IEC 19794-4 record of all captured fingers
RECORD_FACE = "face"  # the ISO/IEC 19794-5 record of the face

__all__ = [
    "CODES",
    "RECORD_FACE",
    "RECORD_FINGERS",
    "BackendPrivateKey",
    "BackendPublicKey",
    "Consent",
    "Device",
    "FaceEntry",
    "FingerEntry",
    "IdentityDocument",
    "Manifest",
    "OpenedPacket",
    "Operator",
    "OperatorSigner",
    "PacketError",
    "PacketHeader",
    "PacketSuite",
    "Person",
    "RecordRef",
    "SealedPacket",
    "Station",
    "Verification",
    "is_uuid7",
    "new_packet_id",
    "open_packet",
    "read_header",
    "seal",
    "uuid7_time",
]
