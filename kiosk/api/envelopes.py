"""Signed envelopes (configuration, receipts) and station request signatures.

Both sides sign and verify the same bytes, so the canonical forms live here once: canonical JSON
(sorted keys, no spaces, UTF-8) for documents, and a fixed line format for requests.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

REQUEST_CONTEXT = "KIOSK-REQ-V1"
HEADER_STATION = "X-Kiosk-Station"
HEADER_TIME = "X-Kiosk-Time"
HEADER_SIGNATURE = "X-Kiosk-Signature"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def canonical_json(document: Any) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign_document(document: Mapping[str, Any], key: Ed25519PrivateKey, key_id: str) -> dict[str, str]:
    payload = canonical_json(document)
    return {"payload": b64(payload), "key_id": key_id, "signature": b64(key.sign(payload))}


def open_document(envelope: Mapping[str, str], keys: Mapping[str, Ed25519PublicKey]) -> dict[str, Any]:
    """Verify an envelope against a set of trusted keys by id; raise ValueError when it does not verify."""
    key = keys.get(str(envelope.get("key_id")))
    if key is None:
        raise ValueError("unknown signing key")
    try:
        payload = unb64(str(envelope["payload"]))
        key.verify(unb64(str(envelope["signature"])), payload)
        document = json.loads(payload)
    except (KeyError, ValueError, InvalidSignature) as exc:
        raise ValueError("signature does not verify") from exc
    if not isinstance(document, dict):
        raise ValueError("signed payload is not an object")
    return document


def request_bytes(method: str, path: str, timestamp: str, body: bytes) -> bytes:
    """What a station signs for each request: method, path with query, its clock, and the body's digest."""
    digest = hashlib.sha256(body).hexdigest()
    return f"{REQUEST_CONTEXT}\n{method.upper()}\n{path}\n{timestamp}\n{digest}".encode()


def ed25519_public(raw_b64: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(unb64(raw_b64))
