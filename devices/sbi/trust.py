"""What makes an SBI answer believable: JWS signatures chained to a device provider's CA, fresh
timestamps, our transaction id echoed back, and the hash chain linking the biometrics of one capture.

The trust store is a PEM bundle of device-provider CA certificates (the station's configuration names
it). A JWS carries its signing certificate in `x5c`; the leaf must chain through the other `x5c`
certificates to a CA in the store, every certificate must be within its validity, and the signature
(RS256 or ES256) must verify with the leaf's key.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

EMPTY_HASH = hashlib.sha256(b"").hexdigest().upper()


class Untrusted(ValueError):
    """Why an answer cannot be believed (English, for the technician)."""


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_trust_store(path: str | Path) -> list[x509.Certificate]:
    try:
        certificates = x509.load_pem_x509_certificates(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise Untrusted(f"cannot read the trust store {path}: {exc}") from exc
    return list(certificates)


def verify_jws(token: str, store: Sequence[x509.Certificate], now: datetime | None = None) -> dict[str, Any]:
    """The payload of a compact JWS whose signature and certificate chain check out."""
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = json.loads(b64url_decode(header_b64))
        chain = [x509.load_der_x509_certificate(base64.b64decode(c)) for c in header["x5c"]]
        signature = b64url_decode(signature_b64)
    except (ValueError, KeyError, TypeError) as exc:
        raise Untrusted(f"malformed JWS: {exc}") from exc
    if not chain:
        raise Untrusted("the JWS names no signing certificate")
    _check_chain(chain, store, now or datetime.now(UTC))
    signed = f"{header_b64}.{payload_b64}".encode()
    key = chain[0].public_key()
    try:
        if header.get("alg") == "RS256" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
        elif (
            header.get("alg") == "ES256"
            and isinstance(key, ec.EllipticCurvePublicKey)
            and len(signature) == 64
        ):
            der = utils.encode_dss_signature(int.from_bytes(signature[:32]), int.from_bytes(signature[32:]))
            key.verify(der, signed, ec.ECDSA(hashes.SHA256()))
        else:
            raise Untrusted(f"unsupported JWS algorithm {header.get('alg')!r} for this key")
    except InvalidSignature:
        raise Untrusted("the signature does not verify") from None
    try:
        payload: dict[str, Any] = json.loads(b64url_decode(payload_b64))
    except ValueError as exc:
        raise Untrusted(f"the signed payload is not JSON: {exc}") from exc
    return payload


def _check_chain(chain: list[x509.Certificate], store: Sequence[x509.Certificate], now: datetime) -> None:
    for cert in chain:
        if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
            raise Untrusted(f"certificate {cert.subject.rfc4514_string()} is outside its validity")
    for child, parent in itertools.pairwise(chain):
        if not _issued_by(child, parent):
            raise Untrusted("the x5c certificates do not form a chain")
    top = chain[-1]
    if any(top == anchor or _issued_by(top, anchor) for anchor in store):
        return
    raise Untrusted(f"{top.subject.rfc4514_string()} is not issued by a device provider in the trust store")


def _issued_by(child: x509.Certificate, parent: x509.Certificate) -> bool:
    try:
        child.verify_directly_issued_by(parent)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def next_hash(previous: str, record: bytes) -> str:
    """SBI's chain: SHA-256 over (previous hash bytes + SHA-256 of the ISO record), upper-case hex."""
    return hashlib.sha256(bytes.fromhex(previous) + hashlib.sha256(record).digest()).hexdigest().upper()


def check_timestamp(stamp: str, now: datetime, max_lag: float) -> None:
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Untrusted(f"unreadable timestamp {stamp!r}") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    lag = abs((now - when).total_seconds())
    if lag > max_lag:
        raise Untrusted(f"the timestamp is {lag:.0f} s away from this station's clock (limit {max_lag:g} s)")
