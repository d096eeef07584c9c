"""The committed test vectors open to exactly the expected values, through kiosk.packet and through
the independent reference opener written from docs/packet-format.md; every negative mutation gives
its documented error code; and fresh packets open with the reference opener too."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from kiosk.packet import BackendPrivateKey, BackendPublicKey, PacketError, PacketSuite, open_packet, seal
from kiosk.packet.samples import sample_manifest
from kiosk.station.keys import StationKeys, StationPublicKeys

from .conftest import keyring
from .reference_opener import open_blob

VECTORS = sorted((Path(__file__).parent / "vectors").glob("*-v1.json"))


def _load(path: Path) -> dict[str, Any]:
    vector: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return vector


def test_both_suites_have_a_vector() -> None:
    assert {_load(p)["suite"] for p in VECTORS} == {"mlkem768x25519", "x25519"}


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.name)
def test_vector_opens_to_the_expected_values(path: Path) -> None:
    vector = _load(path)
    expected = vector["expected"]
    key = BackendPrivateKey.from_json(vector["backend_private_key"])
    assert key.public_key() == BackendPublicKey.from_json(vector["backend_public_key"])
    blob = base64.b64decode(vector["sealed_packet_base64"])
    assert blob[: len(expected["header_hex"]) // 2].hex() == expected["header_hex"]

    opened = open_packet(blob, keyring(key))
    assert opened.header.packet_id == expected["packet_id"] and opened.header.key_id == expected["key_id"]
    assert opened.manifest.to_document() == expected["manifest"]
    assert opened.station_public_keys == StationPublicKeys.from_json(expected["station_public_keys"])
    assert {
        n: {"length": len(d), "sha256": hashlib.sha256(d).hexdigest()} for n, d in opened.records.items()
    } == (expected["records"])

    reference = open_blob(blob, key.private_bytes)
    assert reference.shared_secret.hex() == expected["hpke_shared_secret_hex"]
    assert reference.key.hex() == expected["hpke_key_hex"]
    assert reference.base_nonce.hex() == expected["hpke_base_nonce_hex"]
    assert len(reference.plaintext) == expected["plaintext_length"]
    assert hashlib.sha256(reference.plaintext).hexdigest() == expected["plaintext_sha256"]
    assert hashlib.sha256(reference.body).hexdigest() == expected["body_sha256"]
    assert reference.to_be_signed.hex() == expected["to_be_signed_hex"]
    assert reference.manifest == expected["manifest"]


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.name)
def test_vector_negative_mutations(path: Path) -> None:
    vector = _load(path)
    key = BackendPrivateKey.from_json(vector["backend_private_key"])
    blob = base64.b64decode(vector["sealed_packet_base64"])
    assert len(vector["negative"]) >= 6
    for case in vector["negative"]:
        mutated = bytearray(blob)
        mutated[case["offset"]] ^= case["xor"]
        with pytest.raises(PacketError) as caught:
            open_packet(bytes(mutated), keyring(key))
        assert caught.value.code == case["code"], case["description"]


@pytest.mark.parametrize("suite", list(PacketSuite))
def test_reference_opener_reads_fresh_packets(suite: PacketSuite, records: dict[str, bytes]) -> None:
    station, key = StationKeys.generate(), BackendPrivateKey.generate(suite)
    manifest = sample_manifest()
    sealed = seal(manifest, records, station, key.public_key())
    reference = open_blob(sealed.blob, key.private_bytes)
    assert reference.header == {"kem_id": suite.kem_id, "packet_id": manifest.packet_id, "key_id": key.key_id}
    assert reference.records == records
    assert [(a, k) for a, k, _ in reference.signatures] == [
        (1, station.public.ed25519),
        (2, station.public.mldsa65),
    ]
    assert reference.manifest["packet_id"] == manifest.packet_id


def test_the_document_quotes_the_committed_vector() -> None:
    document = (Path(__file__).resolve().parents[3] / "docs" / "packet-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- vector:(\S+) -->\s*```\n(.*?)```\s*<!-- /vector -->", document, re.S)
    assert blocks
    for name, block in blocks:
        expected = _load(Path(__file__).parent / "vectors" / name)["expected"]
        quoted = dict(line.split(" = ", 1) for line in block.strip().splitlines())
        assert quoted == {k: str(expected[k]) for k in quoted}


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.name)
def test_vector_records_look_like_what_a_station_writes(path: Path) -> None:
    """A token face (type 2) at the size the manifest states, JPEG quality 90, eye landmarks, a pose,
    and each capture dated on its own, before the sealing time."""
    import io

    from PIL import Image

    from kiosk.packet.manifest import parse_time
    from kiosk.records import iso19794_4, iso19794_5
    from tests.kiosk.packet.vectors.make_vectors import record_fields

    vector = _load(path)
    key = BackendPrivateKey.from_json(vector["backend_private_key"])
    opened = open_packet(base64.b64decode(vector["sealed_packet_base64"]), keyring(key))
    fields = vector["expected"]["record_fields"]
    assert record_fields(opened.records) == fields
    face = fields["face"]
    assert face["face_image_type"] == iso19794_5.FaceImageType.TOKEN_FRONTAL
    manifest_face = vector["expected"]["manifest"]["face"]
    assert (manifest_face["width"], manifest_face["height"]) == (face["width"], face["height"]) == (240, 320)
    assert len(face["landmarks"]) == 2 and face["pose_bytes"] != [91, 91, 91]
    (image,) = iso19794_5.parse(opened.records["face"]).faces
    reference = io.BytesIO()
    Image.new("RGB", (8, 8)).save(reference, "JPEG", quality=90)
    assert Image.open(io.BytesIO(image.image)).quantization == Image.open(reference).quantization  # type: ignore[attr-defined]
    sealed_at = parse_time(vector["expected"]["manifest"]["created_at"])
    (view,) = iso19794_4.parse(opened.records["fingers"]).views
    assert view.captured_at is not None and image.captured_at is not None
    assert view.captured_at < image.captured_at < sealed_at
