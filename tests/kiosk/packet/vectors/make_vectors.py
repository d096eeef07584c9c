"""Regenerate the packet test vectors: `uv run python -m tests.kiosk.packet.vectors.make_vectors`.

Inputs are fixed (keys from labelled SHA-256 seeds, packet id, times, tiny synthetic records), but
HPKE draws a fresh ephemeral key and ML-DSA signs with fresh randomness, so each run gives another
sealed blob: the vectors are (private key, sealed packet, expected contents and intermediates),
checked by tests/kiosk/packet/test_vectors.py with both kiosk.packet and the reference opener.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from devices.positions import Finger
from kiosk.packet import BackendPrivateKey, PacketSuite, seal
from kiosk.packet.manifest import FingerEntry
from kiosk.packet.samples import sample_manifest, synthetic_face, synthetic_finger
from kiosk.records import iso19794_4, iso19794_5
from kiosk.station.keys import StationKeys
from tests.kiosk.packet.reference_opener import open_blob

HERE = Path(__file__).resolve().parent
PACKET_ID = "0194693e-6c00-7a5e-9b1c-2d3e4f506172"
MOMENT = datetime(2025, 1, 15, 16, 0, 0, tzinfo=UTC)


def seed(label: str, size: int = 32) -> bytes:
    out = b""
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"kiosk packet test vector: {label} #{counter}".encode()).digest()
        counter += 1
    return out[:size]


def backend_key(suite: PacketSuite) -> BackendPrivateKey:
    if suite is PacketSuite.MLKEM768_X25519:
        return BackendPrivateKey(
            "vector-xwing-1", suite, seed("backend ml-kem-768 seed", 64) + seed("backend x25519")
        )
    return BackendPrivateKey("vector-x25519-1", suite, seed("backend x25519 only"))


def station_keys() -> StationKeys:
    return StationKeys(seed("station ed25519"), seed("station ml-dsa-65"))


def records() -> dict[str, bytes]:
    finger = iso19794_4.wsq_view(synthetic_finger(7, 96, 120), Finger.RIGHT_INDEX, 61, captured_at=MOMENT)
    face = iso19794_5.jpeg_face(
        synthetic_face(48, 64), pose=(0.0, 0.0, 0.0), captured_at=MOMENT, jpeg_quality=75
    )
    return {"fingers": iso19794_4.encode([finger]), "face": iso19794_5.encode([face])}


def negatives(blob: bytes, header_length: int) -> list[dict[str, object]]:
    cases = [
        ("first magic byte", 0, "bad_magic"),
        ("format version", 4, "unknown_version"),
        ("HPKE KEM id", 6, "unknown_suite"),
        ("a packet id byte (authenticated through info)", 20, "decryption_failed"),
        ("first key id character", 28, "unknown_key_id"),
        ("a byte of the encapsulated key", header_length + 3, "decryption_failed"),
        ("a ciphertext byte", len(blob) - 200, "decryption_failed"),
        ("the last byte of the AEAD tag", len(blob) - 1, "decryption_failed"),
    ]
    return [{"description": f"flip {d}", "offset": o, "xor": 1, "code": c} for d, o, c in cases]


def make(suite: PacketSuite) -> dict[str, object]:
    key = backend_key(suite)
    manifest = sample_manifest(PACKET_ID, fingers=[Finger.RIGHT_INDEX])
    manifest = replace(
        manifest,
        created_at=MOMENT,
        consent=replace(manifest.consent, given_at=MOMENT),
        fingers=(FingerEntry.captured(Finger.RIGHT_INDEX, 61, 2),),
    )
    sealed = seal(manifest, records(), station_keys(), key.public_key())
    opened = open_blob(sealed.blob, key.private_bytes)
    return {
        "description": f"One sealed packet, suite {suite.value} (HKDF-SHA256, AES-256-GCM). Open it with "
        "backend_private_key and compare every expected value; then apply each negative mutation to the "
        "sealed bytes and expect the error code.",
        "suite": suite.value,
        "backend_private_key": key.to_json(),
        "backend_public_key": key.public_key().to_json(),
        "sealed_packet_base64": base64.b64encode(sealed.blob).decode(),
        "expected": {
            "header_hex": sealed.header.encode().hex(),
            "packet_id": sealed.packet_id,
            "key_id": key.key_id,
            "hpke_shared_secret_hex": opened.shared_secret.hex(),
            "hpke_key_hex": opened.key.hex(),
            "hpke_base_nonce_hex": opened.base_nonce.hex(),
            "plaintext_length": len(opened.plaintext),
            "plaintext_sha256": hashlib.sha256(opened.plaintext).hexdigest(),
            "body_sha256": hashlib.sha256(opened.body).hexdigest(),
            "to_be_signed_hex": opened.to_be_signed.hex(),
            "station_public_keys": station_keys().public.to_json(),
            "manifest": opened.manifest,
            "records": {
                name: {"length": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                for name, data in opened.records.items()
            },
        },
        "negative": negatives(sealed.blob, sealed.header.length),
    }


def main() -> None:
    for suite, name in (
        (PacketSuite.MLKEM768_X25519, "xwing-v1.json"),
        (PacketSuite.X25519, "x25519-v1.json"),
    ):
        (HERE / name).write_text(
            json.dumps(make(suite), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print("wrote", HERE / name)


if __name__ == "__main__":
    main()
