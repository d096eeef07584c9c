"""Regenerate the packet test vectors: `uv run python -m tests.kiosk.packet.vectors.make_vectors`.

Inputs are fixed (keys from labelled SHA-256 seeds, packet id, times, synthetic records), but
HPKE draws a fresh ephemeral key and ML-DSA signs with fresh randomness, so each run gives another
sealed blob: the vectors are (private key, sealed packet, expected contents and intermediates),
checked by tests/kiosk/packet/test_vectors.py with both kiosk.packet and the reference opener.

The records look like what a station writes: one 400x500 print at 500 ppi (WSQ, its NFIQ 2 block,
dated when it was captured), a 240x320 token-frontal face (what a 640x480 camera gives: type 2, JPEG
quality 90, the two eye-centre landmarks where the token geometry puts them, a measured pose, dated
when the still was taken), and the manifest's face size equal to the record's. The backend key ids
follow section 8 (derived from the public key).
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
from kiosk.packet.keys import default_key_id
from kiosk.packet.manifest import FaceEntry, FingerEntry
from kiosk.packet.samples import sample_manifest, synthetic_face, synthetic_finger, token_eyes
from kiosk.records import iso19794_4, iso19794_5
from kiosk.station.keys import StationKeys
from tests.kiosk.packet.reference_opener import open_blob

HERE = Path(__file__).resolve().parent
PACKET_ID = "0194693e-6c00-7a5e-9b1c-2d3e4f506172"
MOMENT = datetime(2025, 1, 15, 16, 0, 0, tzinfo=UTC)  # sealed
FINGER_AT = datetime(2025, 1, 15, 15, 58, 41, 250_000, tzinfo=UTC)  # the kept attempt
FACE_AT = datetime(2025, 1, 15, 15, 59, 37, 870_000, tzinfo=UTC)  # the still
TOKEN_WIDTH, TOKEN_HEIGHT = 240, 320
POSE = (3.2, -4.1, 0.8)  # yaw, pitch, roll in degrees, as the face analysis measured them


def seed(label: str, size: int = 32) -> bytes:
    out = b""
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"kiosk packet test vector: {label} #{counter}".encode()).digest()
        counter += 1
    return out[:size]


def backend_key(suite: PacketSuite) -> BackendPrivateKey:
    if suite is PacketSuite.MLKEM768_X25519:
        secret = seed("backend ml-kem-768 seed", 64) + seed("backend x25519")
    else:
        secret = seed("backend x25519 only")
    public = BackendPrivateKey("pending", suite, secret).public_key().public_bytes
    return BackendPrivateKey(default_key_id(suite, public), suite, secret)


def station_keys() -> StationKeys:
    return StationKeys(seed("station ed25519"), seed("station ml-dsa-65"))


def records() -> dict[str, bytes]:
    finger = iso19794_4.wsq_view(synthetic_finger(7), Finger.RIGHT_INDEX, 61, captured_at=FINGER_AT)
    face = iso19794_5.jpeg_face(
        synthetic_face(TOKEN_WIDTH, TOKEN_HEIGHT),
        face_type=iso19794_5.FaceImageType.TOKEN_FRONTAL,
        pose=POSE,
        eyes=token_eyes(TOKEN_WIDTH),
        captured_at=FACE_AT,
    )
    return {"fingers": iso19794_4.encode([finger]), "face": iso19794_5.encode([face])}


def record_fields(records: dict[str, bytes]) -> dict[str, object]:
    """What a decoder should read from the two records' headers (section 6), images not decoded."""
    (view,) = iso19794_4.parse(records["fingers"]).views
    (face,) = iso19794_5.parse(records["face"]).faces
    assert view.captured_at is not None and face.captured_at is not None  # the station always writes them
    return {
        "fingers": [
            {
                "position": view.position_code,
                "captured_at": view.captured_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "quality_blocks": [[q.score, q.vendor_id, q.algorithm_id] for q in view.quality],
                "compression": int(view.compression),
                "width": view.width,
                "height": view.height,
                "ppi": view.ppi,
            }
        ],
        "face": {
            "captured_at": face.captured_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "face_image_type": int(face.face_type),
            "image_data_type": int(face.data_type),
            "width": face.width,
            "height": face.height,
            "colour_space": face.colour_space,
            "expression": face.expression,
            "pose_bytes": [iso19794_5.encode_angle(a) for a in (face.yaw, face.pitch, face.roll)],
            "landmarks": [[p.kind, p.code, p.x, p.y] for p in face.landmarks],
            "jpeg_quality": 90,
        },
    }


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
    flips = [{"description": f"flip {d}", "offset": o, "xor": 1, "code": c} for d, o, c in cases]
    version = {"description": "turn the packet id's version nibble 7 into 6", "offset": 17, "xor": 0x10}
    return [*flips, {**version, "code": "bad_packet_id"}]


def make(suite: PacketSuite) -> dict[str, object]:
    key = backend_key(suite)
    manifest = sample_manifest(PACKET_ID, fingers=[Finger.RIGHT_INDEX])
    manifest = replace(
        manifest,
        created_at=MOMENT,
        consent=replace(manifest.consent, given_at=MOMENT),
        fingers=(FingerEntry.captured(Finger.RIGHT_INDEX, 61, 2),),
        face=FaceEntry(
            84.0,
            True,
            1,
            TOKEN_WIDTH,
            TOKEN_HEIGHT,
            {"yaw": POSE[0], "pitch": POSE[1], "roll": POSE[2], "eyes_open": True},
        ),
    )
    made = records()
    sealed = seal(manifest, made, station_keys(), key.public_key())
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
            "record_fields": record_fields(made),
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
