"""Vectors from outside the project, through the key schedule and KEMs of docs/packet-format.md.

The committed packet vectors (test_vectors.py) tie the station's sealing (kiosk.packet over
`cryptography`) to the reference opener, which is written from the document; these tie the reference
opener's KEMs and key schedule to the standards' own numbers: RFC 9180's vectors for DHKEM(X25519)
(Appendix A.1.1 with every intermediate, and the format's own suite X25519/HKDF-SHA256/AES-256-GCM),
the HPKE-PQ draft's X-Wing vector (the KEM id 0x647a the format uses) and the X-Wing draft's KEM
vectors. Each file under vectors/external/ names its source.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

from kiosk.packet import BackendPrivateKey, PacketSuite

from .reference_opener import decapsulate, key_schedule

EXTERNAL = Path(__file__).parent / "vectors" / "external"
AEADS: dict[int, tuple[type[AESGCM] | type[ChaCha20Poly1305], int]] = {
    1: (AESGCM, 16),
    2: (AESGCM, 32),
    3: (ChaCha20Poly1305, 32),
}


def _load(name: str) -> dict[str, Any]:
    vector: dict[str, Any] = json.loads((EXTERNAL / name).read_text(encoding="utf-8"))
    assert vector["source"]
    return vector


def _hpke_private(vector: dict[str, Any]) -> bytes:
    """The private key as packet-format.md stores it: X25519 as is, X-Wing's seed expanded (2.1)."""
    raw = bytes.fromhex(vector["skRm"])
    return hashlib.shake_256(raw).digest(96) if vector["kem_id"] == 0x647A else raw


def _open_all(vector: dict[str, Any], key: bytes, base_nonce: bytes) -> None:
    aead, _ = AEADS[vector["aead_id"]]
    for encryption in vector["encryptions"]:
        nonce = (int.from_bytes(base_nonce, "big") ^ encryption["seq"]).to_bytes(12, "big")
        if "nonce" in encryption:
            assert nonce.hex() == encryption["nonce"]
        plaintext = aead(key).decrypt(
            nonce, bytes.fromhex(encryption["ct"]), bytes.fromhex(encryption["aad"])
        )
        assert plaintext.hex() == encryption["pt"]


@pytest.mark.parametrize(
    "name",
    [
        "rfc9180-a1-x25519-sha256-aes128gcm.json",
        "rfc9180-x25519-sha256-aes256gcm.json",
        "hpke-pq-xwing-sha256-chacha20poly1305.json",
    ],
)
def test_hpke_vectors_open_through_the_documented_key_schedule(name: str) -> None:
    vector = _load(name)
    assert vector["mode"] == 0 and vector["kdf_id"] == 1  # base mode, HKDF-SHA256: the format's
    private = _hpke_private(vector)
    suite = PacketSuite.MLKEM768_X25519 if vector["kem_id"] == 0x647A else PacketSuite.X25519
    # The key as the station and the backend load it (kiosk.packet.keys) has the vector's public key.
    public = BackendPrivateKey("external", suite, private).public_key().public_bytes
    assert public.hex() == vector["pkRm"]

    shared = decapsulate(vector["kem_id"], private, bytes.fromhex(vector["enc"]))
    if "shared_secret" in vector:
        assert shared.hex() == vector["shared_secret"]
    _, key_length = AEADS[vector["aead_id"]]
    schedule = key_schedule(
        (vector["kem_id"], vector["kdf_id"], vector["aead_id"]),
        shared,
        bytes.fromhex(vector["info"]),
        key_length,
    )
    for field, value in (
        ("key_schedule_context", schedule.context),
        ("secret", schedule.secret),
        ("key", schedule.key),
        ("base_nonce", schedule.base_nonce),
    ):
        if field in vector:
            assert value.hex() == vector[field], field
    _open_all(vector, schedule.key, schedule.base_nonce)


def test_the_format_suite_vector_is_the_format_suite() -> None:
    """RFC 9180's numbers for exactly what an X25519 packet uses: (0x0020, 0x0001, 0x0002)."""
    vector = _load("rfc9180-x25519-sha256-aes256gcm.json")
    assert (vector["kem_id"], vector["kdf_id"], vector["aead_id"]) == PacketSuite.X25519.ids
    ephemeral = x25519.X25519PrivateKey.from_private_bytes(bytes.fromhex(vector["skEm"]))
    assert ephemeral.public_key().public_bytes_raw().hex() == vector["enc"]


def test_xwing_draft_vectors_decapsulate_to_the_drafts_shared_secret() -> None:
    vectors = _load("xwing-draft.json")["vectors"]
    assert len(vectors) == 3
    for vector in vectors:
        private = hashlib.shake_256(bytes.fromhex(vector["sk"])).digest(96)
        key = BackendPrivateKey("xwing-draft", PacketSuite.MLKEM768_X25519, private)
        assert key.public_key().public_bytes.hex() == vector["pk"]
        assert decapsulate(0x647A, private, bytes.fromhex(vector["ct"])).hex() == vector["ss"]
