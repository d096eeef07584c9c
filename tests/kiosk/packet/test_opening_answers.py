"""What `open_packet` answers for each refused packet (docs/packet-format.md section 7): the code, and
the parameters its message shows, which the backend passes on to whoever must find the packet or
the station (the key id, the packet ids that differ, the station, the record, the sizes).

The forged packets are built as anyone holding the backend's public key could build them: a
container signed with real station keys, encrypted to the backend key.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

import pytest

from kiosk.packet import (
    BackendPrivateKey,
    OperatorSigner,
    PacketError,
    container,
    open_packet,
    read_header,
    seal,
    signing,
)
from kiosk.packet.header import PacketHeader
from kiosk.packet.manifest import Manifest, Operator, canonical_json, record_ref
from kiosk.packet.samples import sample_manifest
from kiosk.records import record_format
from kiosk.station.keys import StationKeys

from .conftest import FIEL_NUMBER, keyring


def listed(manifest: Manifest, records: dict[str, bytes]) -> dict[str, Any]:
    refs = tuple(record_ref(n, record_format(d), d) for n, d in records.items())
    return manifest.with_records(refs).to_document()


def forge(
    document: dict[str, Any],
    records: dict[str, bytes],
    station: StationKeys,
    key: BackendPrivateKey,
    *,
    operator: OperatorSigner | None = None,
    packet_id: str | None = None,
) -> bytes:
    body = container.encode_body(canonical_json(document), records)
    plaintext = container.with_signatures(body, signing.sign_body(body, station, operator))
    info = PacketHeader(packet_id or document["packet_id"], key.suite, key.key_id).encode()
    return info + key.suite.hpke().encrypt(plaintext, key.public_key().hpke_key(), info=info)


def refused(code: str, blob: bytes, private: dict[str, BackendPrivateKey], **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(PacketError) as caught:
        open_packet(blob, private, **kwargs)
    assert caught.value.code == code, caught.value
    params = dict(caught.value.message.params)
    return params


@pytest.fixture
def sealed(station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey) -> bytes:
    return seal(sample_manifest(), records, station, x25519_key.public_key()).blob


def test_an_unknown_key_id_is_named(
    sealed: bytes, xwing_key: BackendPrivateKey, x25519_key: BackendPrivateKey
) -> None:
    params = refused("unknown_key_id", sealed, keyring(xwing_key))
    assert params == {"key_id": x25519_key.key_id}


def test_a_key_of_another_suite_names_the_header_suite_and_key(
    sealed: bytes, xwing_key: BackendPrivateKey, x25519_key: BackendPrivateKey
) -> None:
    other = {x25519_key.key_id: replace(xwing_key, key_id=x25519_key.key_id)}
    assert refused("suite_mismatch", sealed, other) == {"suite": "x25519", "key_id": x25519_key.key_id}


def test_the_payload_must_hold_at_least_enc_and_a_tag(sealed: bytes, x25519_key: BackendPrivateKey) -> None:
    """Step 10: header + enc (32 bytes for X25519) + the 16-byte tag is the least a packet can be;
    exactly that much goes on to decryption (and fails there), one byte less is truncated."""
    least = read_header(sealed).length + 32 + 16
    assert refused("truncated", sealed[: least - 1], keyring(x25519_key)) == {"size": least - 1}
    assert refused("truncated", sealed[: least - 16], keyring(x25519_key)) == {"size": least - 16}
    assert refused("decryption_failed", sealed[:least], keyring(x25519_key)) == {"key_id": x25519_key.key_id}


def test_a_packet_that_does_not_decrypt_names_the_key(sealed: bytes, x25519_key: BackendPrivateKey) -> None:
    broken = sealed[:-1] + bytes([sealed[-1] ^ 1])
    assert refused("decryption_failed", broken, keyring(x25519_key)) == {"key_id": x25519_key.key_id}


def test_differing_packet_ids_are_both_named(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey
) -> None:
    manifest = sample_manifest()
    header_id = sample_manifest().packet_id
    blob = forge(listed(manifest, records), records, station, x25519_key, packet_id=header_id)
    params = refused("packet_id_mismatch", blob, keyring(x25519_key))
    assert params == {"header": header_id, "manifest": manifest.packet_id}


def test_the_resolver_is_asked_for_the_manifest_station(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey
) -> None:
    blob = seal(sample_manifest(station_id="ST-NORTE-0042"), records, station, x25519_key.public_key()).blob
    asked: list[str] = []

    def resolver(station_id: str) -> Any:
        asked.append(station_id)
        return station.public if station_id == "ST-NORTE-0042" else None

    assert (
        open_packet(blob, keyring(x25519_key), station_resolver=resolver).station_public_keys
        == station.public
    )
    assert asked == ["ST-NORTE-0042"]
    params = refused("unknown_station", blob, keyring(x25519_key), station_resolver=lambda _: None)
    assert params == {"station": "ST-NORTE-0042"}
    stranger = StationKeys.generate().public
    params = refused("station_key_mismatch", blob, keyring(x25519_key), station_resolver=lambda _: stranger)
    assert params == {"station": "ST-NORTE-0042"}


def test_a_record_changed_inside_its_length_is_caught_by_its_digest(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey
) -> None:
    """Same length, one byte different: only the SHA-256 in the manifest can tell."""
    document = listed(sample_manifest(), records)
    face = bytearray(records["face"])
    face[-10] ^= 0x01
    blob = forge(document, {**records, "face": bytes(face)}, station, x25519_key)
    assert refused("record_mismatch", blob, keyring(x25519_key)) == {
        "reason": "face: length or digest differs"
    }


def test_a_record_of_another_length_is_caught(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey
) -> None:
    document = listed(sample_manifest(), records)
    document["records"][0]["length"] += 1  # the digest still matches: only the length can tell
    blob = forge(document, records, station, x25519_key)
    assert refused("record_mismatch", blob, keyring(x25519_key)) == {
        "reason": "fingers: length or digest differs"
    }


def test_records_not_as_listed_are_named_both_ways(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey
) -> None:
    document = listed(sample_manifest(), records)
    reordered = {"face": records["face"], "fingers": records["fingers"]}
    blob = forge(document, reordered, station, x25519_key)
    assert refused("record_mismatch", blob, keyring(x25519_key)) == {
        "reason": "manifest lists ['fingers', 'face'], packet holds ['face', 'fingers']"
    }


def test_a_record_listed_under_another_format_is_caught(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey
) -> None:
    document = listed(sample_manifest(), records)
    document["records"][1]["format"] = "iso19794-4:2011"
    blob = forge(document, records, station, x25519_key)
    assert refused("record_mismatch", blob, keyring(x25519_key)) == {
        "reason": "face: is iso19794-5:2011, listed iso19794-4:2011"
    }


def test_a_face_size_other_than_the_records_names_both(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey
) -> None:
    manifest = sample_manifest()
    assert manifest.face is not None and (manifest.face.width, manifest.face.height) == (480, 640)
    wrong = replace(manifest, face=replace(manifest.face, width=482, height=642))
    blob = forge(listed(wrong, records), records, station, x25519_key)
    assert refused("record_mismatch", blob, keyring(x25519_key)) == {
        "reason": "face record 480x640, manifest 482x642"
    }


def test_a_fiel_signer_other_than_the_manifest_names_both_numbers(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey, fiel: OperatorSigner
) -> None:
    """Step 20: the manifest names one FIEL certificate, a valid signature comes from another."""
    claimed = "30001000000500009999"
    manifest = sample_manifest(operator=Operator("employer", "EKU9003173C9", "fiel", claimed))
    blob = forge(listed(manifest, records), records, station, x25519_key, operator=fiel)
    params = refused("operator_certificate_mismatch", blob, keyring(x25519_key))
    assert params == {"expected": claimed, "found": FIEL_NUMBER}


def test_an_opened_packet_quotes_the_sealed_blob_digest(sealed: bytes, x25519_key: BackendPrivateKey) -> None:
    assert open_packet(sealed, keyring(x25519_key)).digest == hashlib.sha256(sealed).hexdigest()
