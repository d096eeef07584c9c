"""Signed envelopes (configuration, receipts) and station request signatures.

Both sides sign and verify the same bytes, so the canonical forms live here once: canonical JSON
(sorted keys, no spaces, UTF-8) for documents, and a fixed line format for requests.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

REQUEST_CONTEXT = "KIOSK-REQ-V2"
HEADER_STATION = "X-Kiosk-Station"
HEADER_TIME = "X-Kiosk-Time"
HEADER_NONCE = "X-Kiosk-Nonce"
HEADER_CONTENT_SHA256 = "X-Kiosk-Content-SHA256"
HEADER_SIGNATURE = "X-Kiosk-Signature"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def canonical_json(document: Any) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign_document(
    document: Mapping[str, Any],
    key: Ed25519PrivateKey,
    key_id: str,
    cosigners: Mapping[str, Ed25519PrivateKey] | None = None,
) -> dict[str, Any]:
    """Sign with the current key, and co-sign with the other keys still listed (`cosigners`).

    Co-signatures carry signing-key rotation: a station that trusts only an older key still
    verifies the document that announces the new one (docs/keys.md)."""
    payload = canonical_json(document)
    envelope: dict[str, Any] = {
        "payload": b64(payload),
        "key_id": key_id,
        "signature": b64(key.sign(payload)),
    }
    envelope["cosignatures"] = [
        {"key_id": other_id, "signature": b64(other.sign(payload))}
        for other_id, other in sorted((cosigners or {}).items())
        if other_id != key_id
    ]
    return envelope


def _signatures(envelope: Mapping[str, Any]) -> list[tuple[str, str]]:
    pairs = [(str(envelope.get("key_id")), str(envelope.get("signature")))]
    extra = envelope.get("cosignatures") or []
    if not isinstance(extra, list):
        raise ValueError("cosignatures is not a list")
    for item in extra:
        if not isinstance(item, Mapping):
            raise ValueError("a cosignature is not an object")
        pairs.append((str(item.get("key_id")), str(item.get("signature"))))
    return pairs


def open_document(envelope: Mapping[str, Any], keys: Mapping[str, Ed25519PublicKey]) -> dict[str, Any]:
    """Verify an envelope against a set of trusted keys by id; raise ValueError when it does not verify.

    Every signature made by a trusted key must verify, and there must be at least one; signatures
    by keys the reader does not know are ignored (keys it will learn from this very document)."""
    try:
        trusted = [(keys[key_id], signature) for key_id, signature in _signatures(envelope) if key_id in keys]
    except ValueError as exc:
        raise ValueError("signature does not verify") from exc
    if not trusted:
        raise ValueError("unknown signing key")
    try:
        payload = unb64(str(envelope["payload"]))
        for key, signature in trusted:
            key.verify(unb64(signature), payload)
        document = json.loads(payload)
    except (KeyError, ValueError, InvalidSignature) as exc:
        raise ValueError("signature does not verify") from exc
    if not isinstance(document, dict):
        raise ValueError("signed payload is not an object")
    return document


def request_bytes(method: str, path: str, timestamp: str, nonce: str, body_sha256: str) -> bytes:
    """What a station signs for each request: method, path with query, its clock, a fresh nonce, and
    the body's digest (hex SHA-256).

    The digest travels in its own header too, so the backend checks the signature before it reads a
    byte of the body (and then checks the body against it); the nonce is remembered for the clock
    window, so a captured request cannot be played again."""
    return f"{REQUEST_CONTEXT}\n{method.upper()}\n{path}\n{timestamp}\n{nonce}\n{body_sha256}".encode()


def ed25519_public(raw_b64: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(unb64(raw_b64))
