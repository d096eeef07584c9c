"""Signatures over a packet's body: the station's hybrid pair, and the operator's FIEL when present.

Every signature is over the same 58 bytes, the "to-be-signed" string:
    "KIOSK-PACKET-SIGNATURE-V1" || 0x00 || SHA-256(body)
(body: container.py). Signing a digest keeps sealing fast whatever the size of the records; the
domain string keeps a packet signature from being replayed as any other statement the station
signs with the same keys (receipts, export manifests use other domain strings).

Signature block (the data of the "signatures" section):
    1  count M
    M  entries: 1 algorithm | 2 key length K | K key | 2 signature length S | S signature
algorithms: 0x01 Ed25519 (key: raw 32 bytes), 0x02 ML-DSA-65 (key: raw 1952 bytes, empty
context), 0x10 RSA PKCS#1 v1.5 SHA-256 (key: the signer's X.509 certificate, DER; the FIEL case).
A valid packet has exactly one 0x01 and one 0x02 (both must verify) and at most one 0x10.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from kiosk.packet.errors import PacketError
from kiosk.station.keys import HybridSignature, StationKeys, StationPublicKeys

DOMAIN = b"KIOSK-PACKET-SIGNATURE-V1\x00"
ALG_ED25519, ALG_MLDSA65, ALG_RSA_SHA256 = 0x01, 0x02, 0x10


@dataclass(frozen=True)
class OperatorSigner:
    """An operator's FIEL: the certificate (DER) and a callable making RSA PKCS#1 v1.5 SHA-256
    signatures with its private key (the FIEL module holds the key; this module never sees it)."""

    certificate_der: bytes
    sign: Callable[[bytes], bytes]


@dataclass(frozen=True)
class Verification:
    """What the signatures proved; returned only when everything present verified."""

    station: StationPublicKeys
    operator_certificate: bytes | None = None  # DER, when a FIEL co-signature verified
    operator_certificate_number: str | None = None  # SAT's 20-digit number (the serial as ASCII)

    @property
    def operator_signed(self) -> bool:
        return self.operator_certificate is not None


def to_be_signed(body: bytes) -> bytes:
    return DOMAIN + hashlib.sha256(body).digest()


def certificate_number(certificate: x509.Certificate) -> str:
    """SAT writes the 20-digit certificate number as the ASCII bytes of the serial; others: decimal."""
    serial = certificate.serial_number
    raw = serial.to_bytes(max(1, (serial.bit_length() + 7) // 8), "big")
    return raw.decode("ascii") if raw.isdigit() else str(serial)


def sign_body(body: bytes, station: StationKeys, operator: OperatorSigner | None = None) -> bytes:
    message = to_be_signed(body)
    hybrid = station.sign(message)
    entries = [
        (ALG_ED25519, station.public.ed25519, hybrid.ed25519),
        (ALG_MLDSA65, station.public.mldsa65, hybrid.mldsa65),
    ]
    if operator is not None:
        entries.append((ALG_RSA_SHA256, operator.certificate_der, operator.sign(message)))
    block = [bytes([len(entries)])]
    for algorithm, key, value in entries:
        block.append(struct.pack(">BH", algorithm, len(key)) + key + struct.pack(">H", len(value)) + value)
    return b"".join(block)


def _entries(block: bytes) -> list[tuple[int, bytes, bytes]]:
    def broken(reason: str) -> PacketError:
        return PacketError("malformed_container", reason=f"signature block: {reason}")

    if not block:
        raise PacketError("unsigned")
    entries, pos = [], 1
    for _ in range(block[0]):
        if pos + 3 > len(block):
            raise broken("entry past the end")
        algorithm, key_length = struct.unpack(">BH", block[pos : pos + 3])
        key = block[pos + 3 : pos + 3 + key_length]
        pos += 3 + key_length
        if pos + 2 > len(block):
            raise broken("signature length past the end")
        (value_length,) = struct.unpack(">H", block[pos : pos + 2])
        value = block[pos + 2 : pos + 2 + value_length]
        pos += 2 + value_length
        if len(key) != key_length or len(value) != value_length:
            raise broken("entry past the end")
        entries.append((algorithm, key, value))
    if pos != len(block):
        raise broken("bytes after the last entry")
    return entries


def verify_block(body: bytes, block: bytes) -> Verification:
    """Check every signature over `body`; raise PacketError with the precise reason."""
    entries = _entries(block)
    by_algorithm: dict[int, tuple[bytes, bytes]] = {}
    for algorithm, key, value in entries:
        if algorithm not in (ALG_ED25519, ALG_MLDSA65, ALG_RSA_SHA256) or algorithm in by_algorithm:
            raise PacketError(
                "malformed_container", reason=f"signature algorithm 0x{algorithm:02x} unknown or repeated"
            )
        by_algorithm[algorithm] = (key, value)
    if ALG_ED25519 not in by_algorithm or ALG_MLDSA65 not in by_algorithm:
        raise PacketError("unsigned")
    message = to_be_signed(body)
    try:
        station = StationPublicKeys(by_algorithm[ALG_ED25519][0], by_algorithm[ALG_MLDSA65][0])
    except ValueError:
        raise PacketError("bad_signature", reason="station public keys of the wrong size") from None
    hybrid = HybridSignature(by_algorithm[ALG_ED25519][1], by_algorithm[ALG_MLDSA65][1])
    if not station.verify(message, hybrid):
        raise PacketError("bad_signature", reason="station hybrid signature")
    if ALG_RSA_SHA256 not in by_algorithm:
        return Verification(station)
    der, value = by_algorithm[ALG_RSA_SHA256]
    try:
        certificate = x509.load_der_x509_certificate(der)
        public = certificate.public_key()
        if not isinstance(public, rsa.RSAPublicKey):
            raise PacketError("bad_operator_signature", reason="the certificate's key is not RSA")
        public.verify(value, message, padding.PKCS1v15(), hashes.SHA256())
    except (ValueError, InvalidSignature) as exc:
        raise PacketError("bad_operator_signature", reason=type(exc).__name__) from None
    return Verification(station, der, certificate_number(certificate))
