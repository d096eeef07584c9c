"""Sealing and opening: round trips in both suites, and every tampering answered with its own code.

Some attacks need a validly encrypted but forged plaintext: anyone holding the backend's PUBLIC key
can make one, so the tests forge them exactly that way (`_encrypt`)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Any

import pytest

from devices.positions import Finger
from kiosk.packet import (
    BackendPrivateKey,
    OperatorSigner,
    PacketError,
    PacketSuite,
    container,
    open_packet,
    read_header,
    seal,
    signing,
)
from kiosk.packet.header import PacketHeader
from kiosk.packet.manifest import Manifest, Operator, canonical_json, record_ref
from kiosk.packet.samples import sample_manifest
from kiosk.records import iso19794_4, record_format
from kiosk.station.keys import StationKeys

from .conftest import FIEL_NUMBER, keyring, make_fiel


def _fail(code: str, blob: bytes, keys: dict[str, BackendPrivateKey], **kwargs: object) -> PacketError:
    with pytest.raises(PacketError) as caught:
        open_packet(blob, keys, **kwargs)  # type: ignore[arg-type]
    assert caught.value.code == code, caught.value
    return caught.value


def _encrypt(plaintext: bytes, header: PacketHeader, key: BackendPrivateKey) -> bytes:
    info = header.encode()
    return info + key.suite.hpke().encrypt(plaintext, key.public_key().hpke_key(), info=info)


def _body(
    manifest: Manifest,
    records: dict[str, bytes],
    document: dict[str, Any] | None = None,
    body_records: dict[str, bytes] | None = None,
) -> bytes:
    if document is None:
        refs = tuple(record_ref(n, record_format(d), d) for n, d in records.items())
        document = manifest.with_records(refs).to_document()
    return container.encode_body(canonical_json(document), records if body_records is None else body_records)


def _forge(
    manifest: Manifest,
    records: dict[str, bytes],
    station: StationKeys,
    key: BackendPrivateKey,
    *,
    document: dict[str, Any] | None = None,
    body_records: dict[str, bytes] | None = None,
    signatures: bytes | None = None,
    packet_id: str | None = None,
) -> bytes:
    """A packet built by hand (manifest listing `records`), so single parts can be made wrong on purpose."""
    body = _body(manifest, records, document, body_records)
    block = signatures if signatures is not None else signing.sign_body(body, station)
    header = PacketHeader(packet_id or manifest.packet_id, key.suite, key.key_id)
    return _encrypt(container.with_signatures(body, block), header, key)


@pytest.mark.parametrize("suite", ["mlkem768x25519", "x25519"])
def test_round_trip(
    suite: str, station: StationKeys, records: dict[str, bytes], request: pytest.FixtureRequest
) -> None:
    key: BackendPrivateKey = request.getfixturevalue(
        "xwing_key" if suite == "mlkem768x25519" else "x25519_key"
    )
    manifest = sample_manifest()
    sealed = seal(manifest, records, station, key.public_key(), suite=suite)
    assert sealed.blob[:4] == b"KPKT" and sealed.header.suite is PacketSuite(suite)
    assert read_header(sealed.blob) == sealed.header and sealed.packet_id == manifest.packet_id
    opened = open_packet(sealed.blob, keyring(key), station_resolver=lambda _: station.public)
    assert opened.records == records and opened.digest == sealed.digest
    assert opened.manifest == replace(manifest, records=opened.manifest.records)
    assert [(r.name, r.format) for r in opened.manifest.records] == [
        ("fingers", "iso19794-4:2011"),
        ("face", "iso19794-5:2011"),
    ]
    assert opened.station_public_keys == station.public and not opened.verification.operator_signed


def test_sealing_is_randomised(
    station: StationKeys, records: dict[str, bytes], xwing_key: BackendPrivateKey
) -> None:
    manifest = sample_manifest()
    first, second = (seal(manifest, records, station, xwing_key.public_key()) for _ in range(2))
    assert first.header == second.header and first.blob != second.blob


def test_plaintext_never_appears_in_the_blob(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey
) -> None:
    sealed = seal(sample_manifest(), records, station, x25519_key.public_key())
    for needle in (b"FIR\x00020", b"FAC\x00030", b"NIST_COM", b"JFIF", b"XEXX010101", b"manifest"):
        assert needle not in sealed.blob[sealed.header.length :]


def test_tampered_ciphertext_header_and_key_id(
    station: StationKeys,
    records: dict[str, bytes],
    xwing_key: BackendPrivateKey,
    x25519_key: BackendPrivateKey,
) -> None:
    blob = seal(sample_manifest(), records, station, xwing_key.public_key()).blob
    keys = keyring(xwing_key)
    flipped = bytearray(blob)
    flipped[len(blob) // 2] ^= 0x01
    _fail("decryption_failed", bytes(flipped), keys)
    header = bytearray(blob)
    header[15] ^= 0x80  # a packet id byte: the header is HPKE info, so this breaks decryption
    _fail("decryption_failed", bytes(header), keys)
    _fail("bad_magic", b"XPKT" + blob[4:], keys)
    _fail("unknown_version", blob[:4] + b"\x02" + blob[5:], keys)
    _fail("unknown_suite", blob[:5] + b"\x00\x10" + blob[7:], keys)
    _fail("truncated", blob[:20], keys)
    _fail("truncated", blob[: read_header(blob).length + 100], keys)
    _fail("unknown_key_id", blob, keyring(x25519_key))
    renamed = replace(x25519_key, key_id=xwing_key.key_id)
    _fail("suite_mismatch", blob, {xwing_key.key_id: renamed})
    other = BackendPrivateKey(xwing_key.key_id, xwing_key.suite, bytes(96))
    _fail("decryption_failed", blob, {xwing_key.key_id: other})


def test_changed_signatures_are_caught(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey
) -> None:
    manifest = sample_manifest()
    keys = keyring(x25519_key)
    assert open_packet(_forge(manifest, records, station, x25519_key), keys)
    good = signing.sign_body(_body(manifest, records), station)
    for offset in (40, len(good) - 10):  # inside the Ed25519 signature, inside the ML-DSA one
        bad = bytearray(good)
        bad[offset] ^= 0x01
        _fail("bad_signature", _forge(manifest, records, station, x25519_key, signatures=bytes(bad)), keys)
    # an unsigned packet, and one signed by a stranger's keys over other content
    _fail("unsigned", _forge(manifest, records, station, x25519_key, signatures=b"\x00"), keys)
    other_body = _body(manifest, {"fingers": records["fingers"]})
    _fail(
        "bad_signature",
        _forge(manifest, records, station, x25519_key, signatures=signing.sign_body(other_body, station)),
        keys,
    )
    stranger = StationKeys.generate()
    blob = _forge(manifest, records, stranger, x25519_key)
    assert open_packet(blob, keys).station_public_keys == stranger.public  # self-consistent...
    _fail(
        "station_key_mismatch", blob, keys, station_resolver=lambda _: station.public
    )  # ...but not registered
    _fail("unknown_station", blob, keys, station_resolver=lambda _: None)


def test_manifest_and_records_must_agree(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey
) -> None:
    keys = keyring(x25519_key)
    sealed = seal(sample_manifest(), records, station, x25519_key.public_key())
    manifest = open_packet(sealed.blob, keys).manifest
    _fail(
        "packet_id_mismatch",
        _forge(manifest, records, station, x25519_key, packet_id=sample_manifest().packet_id),
        keys,
    )
    swapped = {"fingers": records["fingers"], "face": records["fingers"]}
    _fail("record_mismatch", _forge(manifest, records, station, x25519_key, body_records=swapped), keys)
    one = {"fingers": records["fingers"]}
    _fail("record_mismatch", _forge(manifest, records, station, x25519_key, body_records=one), keys)
    broken = {**records, "face": b"FAC\x00030\x00garbage"}
    relisted = tuple(
        replace(r, length=len(broken[r.name]), sha256=hashlib.sha256(broken[r.name]).hexdigest())
        for r in manifest.records
    )
    document = manifest.with_records(relisted).to_document()
    _fail("malformed_record", _forge(manifest, broken, station, x25519_key, document=document), keys)
    document = manifest.to_document()
    document["person"]["curp"] = "not a curp"
    _fail("malformed_manifest", _forge(manifest, records, station, x25519_key, document=document), keys)
    body = container.encode_body(b"{not json", records)
    plaintext = container.with_signatures(body, signing.sign_body(body, station))
    _fail("malformed_manifest", _encrypt(plaintext, read_header(sealed.blob), x25519_key), keys)
    _fail(
        "malformed_container", _encrypt(b"KPIN\x01\x00\x01junk", read_header(sealed.blob), x25519_key), keys
    )


def test_fiel_co_signature(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey, fiel: OperatorSigner
) -> None:
    keys = keyring(x25519_key)
    manifest = sample_manifest(operator=Operator("employer", "EKU9003173C9", "fiel", FIEL_NUMBER))
    opened = open_packet(seal(manifest, records, station, x25519_key.public_key(), operator=fiel).blob, keys)
    assert opened.verification.operator_signed
    assert opened.verification.operator_certificate == fiel.certificate_der
    assert opened.verification.operator_certificate_number == FIEL_NUMBER
    with pytest.raises(PacketError) as caught:
        seal(manifest, records, station, x25519_key.public_key())
    assert caught.value.code == "operator_signature_missing"
    stranger, _ = make_fiel("30001000000500009999")
    with pytest.raises(PacketError) as caught:
        seal(manifest, records, station, x25519_key.public_key(), operator=stranger)
    assert caught.value.code == "operator_certificate_mismatch"
    # a signature by another key under the right certificate; and a packet missing the FIEL signature
    liar = OperatorSigner(fiel.certificate_der, stranger.sign)
    with pytest.raises(PacketError):
        open_packet(seal(manifest, records, station, x25519_key.public_key(), operator=liar).blob, keys)
    _fail(
        "bad_operator_signature",
        seal(manifest, records, station, x25519_key.public_key(), operator=liar).blob,
        keys,
    )
    _fail("operator_signature_missing", _forge(manifest, records, station, x25519_key), keys)


def test_failing_signer_is_a_clear_sealing_error(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey, fiel: OperatorSigner
) -> None:
    def broken(_: bytes) -> bytes:
        raise OSError("token removed")

    manifest = sample_manifest(operator=Operator("employer", "EKU9003173C9", "fiel", FIEL_NUMBER))
    with pytest.raises(PacketError) as caught:
        seal(
            manifest,
            records,
            station,
            x25519_key.public_key(),
            operator=OperatorSigner(fiel.certificate_der, broken),
        )
    assert caught.value.code == "sealing_failed" and "token removed" in str(caught.value)


def test_seal_refuses_bad_input(
    station: StationKeys, records: dict[str, bytes], xwing_key: BackendPrivateKey
) -> None:
    recipient = xwing_key.public_key()
    cases = [
        ({**records, "face": b"not a record"}, sample_manifest(), None, "malformed_record"),
        ({**records, "Bad Name": records["face"]}, sample_manifest(), None, "sealing_failed"),
        ({**records, "extra": b"FIR\x00010\x00"}, sample_manifest(), None, "malformed_record"),
        (records, replace(sample_manifest(), policy_version=-1), None, "malformed_manifest"),
        (records, sample_manifest(), "x25519", "suite_mismatch"),
    ]
    for recs, manifest, suite, code in cases:
        with pytest.raises(PacketError) as caught:
            seal(manifest, recs, station, recipient, suite=suite)
        assert caught.value.code == code
    again = iso19794_4.encode(iso19794_4.parse(records["fingers"]).views)
    assert seal(sample_manifest(fingers=[Finger.RIGHT_THUMB]), {"fingers": again}, station, recipient)


def test_manifest_document_is_canonical_json(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey
) -> None:
    from tests.kiosk.packet.reference_opener import open_blob

    sealed = seal(sample_manifest(), records, station, x25519_key.public_key())
    opened = open_blob(sealed.blob, x25519_key.private_bytes)
    raw = container.decode(opened.plaintext).manifest
    assert (
        raw == json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )


def test_the_manifest_face_size_must_be_the_records(records: dict[str, bytes]) -> None:
    """packet-format.md section 5: `face.width` and `face.height` equal the face record's image size;
    the sealer refuses otherwise and an opener answers `record_mismatch`."""
    from dataclasses import replace

    from kiosk.packet import BackendPrivateKey, PacketError, seal
    from kiosk.packet.samples import sample_manifest
    from kiosk.station.keys import StationKeys

    manifest = sample_manifest()
    assert manifest.face is not None
    wrong = replace(manifest, face=replace(manifest.face, width=manifest.face.width + 2))
    key = BackendPrivateKey.generate("x25519")
    station = StationKeys.generate()
    with pytest.raises(PacketError) as caught:
        seal(wrong, records, station, key.public_key())
    assert caught.value.code == "sealing_failed"
    with pytest.raises(PacketError) as caught:
        open_packet(_forge(wrong, records, station, key), keyring(key))
    assert caught.value.code == "record_mismatch" and "face record" in str(caught.value.message.params)
