"""What `seal` answers when it must not make a packet, with the parameters its message shows.

The station's clerk reads these (`packet.sealing_failed`: "the packet could not be sealed:
{reason}; the data is still in memory, try again"), and a technician reads the suite, key and FIEL
numbers, so each refusal says what was wrong, not only that something was.
"""

from __future__ import annotations

import struct
from dataclasses import replace
from typing import Any

import pytest
from cryptography import x509

from kiosk.packet import BackendPrivateKey, OperatorSigner, PacketError, seal
from kiosk.packet.manifest import Operator
from kiosk.packet.samples import sample_manifest
from kiosk.station.keys import StationKeys

from .conftest import FIEL_NUMBER, make_fiel


def refused(code: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(PacketError) as caught:
        seal(*args, **kwargs)
    assert caught.value.code == code, caught.value
    params = dict(caught.value.message.params)
    return params


def fiel_manifest(number: str = FIEL_NUMBER) -> Any:
    return sample_manifest(operator=Operator("employer", "EKU9003173C9", "fiel", number))


def test_a_suite_other_than_the_recipient_key_names_both(
    station: StationKeys, records: dict[str, bytes], xwing_key: BackendPrivateKey
) -> None:
    recipient = xwing_key.public_key()
    params = refused("suite_mismatch", sample_manifest(), records, station, recipient, suite="x25519")
    assert params == {"suite": "x25519", "key_id": xwing_key.key_id}
    assert seal(
        sample_manifest(), records, station, recipient, suite="mlkem768x25519"
    ).header.suite.value == ("mlkem768x25519")


def test_a_fiel_certificate_that_cannot_be_read_is_refused_before_signing(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey
) -> None:
    signed: list[bytes] = []

    def sign(data: bytes) -> bytes:
        signed.append(data)
        return b""

    broken = OperatorSigner(b"not a certificate", sign)
    params = refused(
        "bad_operator_signature", fiel_manifest(), records, station, x25519_key.public_key(), operator=broken
    )
    with pytest.raises(ValueError) as parser:
        x509.load_der_x509_certificate(b"not a certificate")
    assert params == {"reason": str(parser.value)}  # the X.509 parser's own words
    assert signed == []  # the operator was not asked to sign anything


def test_a_fiel_of_another_number_names_both_numbers(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey
) -> None:
    stranger, _ = make_fiel("30001000000500009999")
    params = refused(
        "operator_certificate_mismatch",
        fiel_manifest(),
        records,
        station,
        x25519_key.public_key(),
        operator=stranger,
    )
    assert params == {"expected": FIEL_NUMBER, "found": "30001000000500009999"}


def test_a_failing_signer_is_named_with_its_error(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey, fiel: OperatorSigner
) -> None:
    def removed(_: bytes) -> bytes:
        raise OSError("token removed")

    operator = OperatorSigner(fiel.certificate_der, removed)
    params = refused(
        "sealing_failed", fiel_manifest(), records, station, x25519_key.public_key(), operator=operator
    )
    assert params == {"reason": "OSError: token removed"}


def test_a_face_size_other_than_the_records_is_named(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey
) -> None:
    manifest = sample_manifest()
    assert manifest.face is not None
    wrong = replace(manifest, face=replace(manifest.face, height=642))
    params = refused("sealing_failed", wrong, records, station, x25519_key.public_key())
    assert params == {"reason": "face record (480, 640), manifest face size differs"}


def test_records_that_cannot_be_sealed_are_named_with_what_is_wrong(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey
) -> None:
    recipient = x25519_key.public_key()
    params = refused(
        "sealing_failed", sample_manifest(), {**records, "Face": records["face"]}, station, recipient
    )
    assert params == {"reason": "record name 'Face' must match ^[a-z0-9][a-z0-9._-]{0,63}$"}
    params = refused(
        "malformed_record", sample_manifest(), {**records, "face": b"FAC\x00030\x00"}, station, recipient
    )
    assert params["name"] == "face" and isinstance(params["reason"], str) and params["reason"]


def fir_2005() -> bytes:
    """A minimal 19794-4:2005 record laid out as docs/packet-format.md 6.3 reads it: readable, but
    of the edition a station reads and never writes."""
    image = b"\xff\xa0" + bytes(20)  # the structure is read, the image is not decoded
    finger = struct.pack(">IBBBBBHHB", 14 + len(image), 1, 1, 1, 60, 0, 400, 500, 0) + image
    general = struct.pack(">HHBBHHHHBBH", 0, 31, 1, 1, 500, 500, 500, 500, 8, 2, 0)
    return b"FIR\x00010\x00" + (32 + len(finger)).to_bytes(6, "big") + general + finger


def test_a_readable_record_of_an_edition_a_station_does_not_write_is_refused(
    station: StationKeys, records: dict[str, bytes], x25519_key: BackendPrivateKey
) -> None:
    """Section 6: packets carry the 2011 editions; a 2005 record is read elsewhere but never sealed."""
    params = refused(
        "malformed_record",
        sample_manifest(),
        {**records, "fingers": fir_2005()},
        station,
        x25519_key.public_key(),
    )
    assert params == {"name": "fingers", "reason": "format iso19794-4:2005 not accepted"}
