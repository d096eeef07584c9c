"""The signatures section as docs/packet-format.md section 4 defines it, read and written directly
(no encryption around it), and every way it can be wrong answered with the documented code.

A backend trusts a packet only through this block, so its layout (count, then algorithm, key
length, key, signature length, signature) and its rules (exactly one Ed25519 and one ML-DSA-65
entry, at most one FIEL entry, nothing else, nothing repeated, nothing after the last entry) are
checked here byte by byte.
"""

from __future__ import annotations

import hashlib
import struct
import types

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from kiosk.packet import OperatorSigner, PacketError
from kiosk.packet.signing import (
    ALG_ED25519,
    ALG_MLDSA65,
    ALG_RSA_SHA256,
    certificate_number,
    sign_body,
    to_be_signed,
    verify_block,
)
from kiosk.station.keys import StationKeys

from .conftest import FIEL_NUMBER

BODY = b"KPIN\x01\x00\x02" + b"any body bytes: the signatures cover exactly these"


def entry(algorithm: int, key: bytes, signature: bytes) -> bytes:
    return struct.pack(">BH", algorithm, len(key)) + key + struct.pack(">H", len(signature)) + signature


def read(block: bytes) -> list[tuple[int, bytes, bytes]]:
    """The entries of a block, read as a backend written from the document would."""
    entries, pos = [], 1
    for _ in range(block[0]):
        algorithm, key_length = struct.unpack(">BH", block[pos : pos + 3])
        key = block[pos + 3 : pos + 3 + key_length]
        pos += 3 + key_length
        (signature_length,) = struct.unpack(">H", block[pos : pos + 2])
        entries.append((algorithm, key, block[pos + 2 : pos + 2 + signature_length]))
        pos += 2 + signature_length
    assert pos == len(block)
    return entries


def refused(code: str, block: bytes, body: bytes = BODY) -> PacketError:
    with pytest.raises(PacketError) as caught:
        verify_block(body, block)
    assert caught.value.code == code, caught.value
    return caught.value


def test_the_to_be_signed_string_is_the_domain_a_zero_and_the_body_digest() -> None:
    """58 bytes: "KIOSK-PACKET-SIGNATURE-V1", 0x00, SHA-256(body)."""
    tbs = to_be_signed(BODY)
    assert tbs == b"KIOSK-PACKET-SIGNATURE-V1" + b"\x00" + hashlib.sha256(BODY).digest()
    assert len(tbs) == 58


def test_the_station_block_holds_ed25519_then_ml_dsa_65_with_their_sizes(station: StationKeys) -> None:
    block = sign_body(BODY, station)
    entries = read(block)
    assert block[0] == 2
    assert [(a, len(k), len(s)) for a, k, s in entries] == [(0x01, 32, 64), (0x02, 1952, 3309)]
    assert entries[0][1] == station.public.ed25519 and entries[1][1] == station.public.mldsa65
    # the Ed25519 entry verifies over the to-be-signed string with any RFC 8032 implementation
    ed25519.Ed25519PublicKey.from_public_bytes(entries[0][1]).verify(entries[0][2], to_be_signed(BODY))
    verification = verify_block(BODY, block)
    assert verification.station == station.public and not verification.operator_signed
    assert verification.operator_certificate is None and verification.operator_certificate_number is None


def test_a_fiel_co_signature_is_a_third_entry_over_the_same_bytes(
    station: StationKeys, fiel: OperatorSigner
) -> None:
    """Algorithm 0x10: the certificate (DER) as the key and an RSA PKCS#1 v1.5 SHA-256 signature of
    the modulus' size over the same to-be-signed string."""
    block = sign_body(BODY, station, fiel)
    entries = read(block)
    assert block[0] == 3 and [a for a, _, _ in entries] == [0x01, 0x02, 0x10]
    _, der, signature = entries[2]
    assert der == fiel.certificate_der and len(signature) == 256
    public = x509.load_der_x509_certificate(der).public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    public.verify(signature, to_be_signed(BODY), padding.PKCS1v15(), hashes.SHA256())
    verification = verify_block(BODY, block)
    assert verification.operator_signed and verification.operator_certificate == der
    assert verification.station == station.public
    assert verification.operator_certificate_number == FIEL_NUMBER


def test_the_signatures_cover_this_body_and_no_other(station: StationKeys) -> None:
    block = sign_body(BODY, station)
    refused("bad_signature", block, BODY + b"\x00")
    refused("bad_signature", block, BODY[:-1])


def test_an_empty_block_or_no_entries_is_unsigned(station: StationKeys) -> None:
    refused("unsigned", b"")
    refused("unsigned", b"\x00")


def test_both_station_signatures_are_required(station: StationKeys) -> None:
    """Step 15: the hybrid key means both; either one alone is `unsigned`, in any order."""
    ed, ml = read(sign_body(BODY, station))
    refused("unsigned", b"\x01" + entry(*ed))
    refused("unsigned", b"\x01" + entry(*ml))
    assert verify_block(BODY, b"\x02" + entry(*ml) + entry(*ed)).station == station.public


def test_unknown_or_repeated_algorithms_are_malformed(station: StationKeys) -> None:
    ed, ml = read(sign_body(BODY, station))
    for other in (0x00, 0x03, 0x11, 0xFF):
        error = refused("malformed_container", b"\x03" + entry(*ed) + entry(*ml) + entry(other, b"k", b"s"))
        assert f"0x{other:02x}" in str(error.message.params)
    refused("malformed_container", b"\x03" + entry(*ed) + entry(*ed) + entry(*ml))
    refused("malformed_container", b"\x03" + entry(*ed) + entry(*ml) + entry(*ml))
    rsa = entry(ALG_RSA_SHA256, b"cert", b"sig")
    refused("malformed_container", b"\x04" + entry(*ed) + entry(*ml) + rsa + rsa)


@pytest.mark.parametrize(
    ("cut", "reason"),
    [
        (lambda b: b[:1], "entry past the end"),  # the count says 2, nothing follows
        (lambda b: b[:3], "entry past the end"),  # an entry header cut short
        (lambda b: b[:4], "signature length past the end"),  # the header, no key, no length
        (lambda b: b[:37], "signature length past the end"),  # the key, one byte of the length
        (lambda b: b[:40], "entry past the end"),  # the signature cut short
        (lambda b: b[:-1], "entry past the end"),  # the last signature one byte short
        (lambda b: b + b"\x00", "bytes after the last entry"),
        (lambda b: b"\x01" + b[1:], "bytes after the last entry"),  # the count says one entry
    ],
)
def test_a_block_that_does_not_add_up_is_malformed(station: StationKeys, cut: object, reason: str) -> None:
    block = sign_body(BODY, station)
    error = refused("malformed_container", cut(block))  # type: ignore[operator]
    assert error.message.params["reason"] == f"signature block: {reason}"


def test_exactly_filled_entries_are_read_in_full(station: StationKeys) -> None:
    """The bounds are inclusive: an entry ending on the block's last byte is whole."""
    ed, ml = read(sign_body(BODY, station))
    # the Ed25519 entry last: its signature ends exactly at the end of the block
    assert verify_block(BODY, b"\x02" + entry(*ml) + entry(*ed)).station == station.public


def test_station_keys_of_the_wrong_size_are_a_bad_signature(station: StationKeys) -> None:
    ed, ml = read(sign_body(BODY, station))
    error = refused("bad_signature", b"\x02" + entry(ed[0], ed[1] + b"\x00", ed[2]) + entry(*ml))
    assert error.message.params["reason"] == "station public keys of the wrong size"
    refused("bad_signature", b"\x02" + entry(*ed) + entry(ml[0], ml[1][:-1], ml[2]))


def test_either_station_signature_failing_is_a_bad_signature(station: StationKeys) -> None:
    ed, ml = read(sign_body(BODY, station))
    other = read(sign_body(BODY + b"!", station))
    error = refused("bad_signature", b"\x02" + entry(ed[0], ed[1], other[0][2]) + entry(*ml))
    assert error.message.params["reason"] == "station hybrid signature"
    refused("bad_signature", b"\x02" + entry(*ed) + entry(ml[0], ml[1], other[1][2]))


def test_a_fiel_entry_that_does_not_verify_is_a_bad_operator_signature(
    station: StationKeys, fiel: OperatorSigner
) -> None:
    ed, ml, rsa = read(sign_body(BODY, station, fiel))
    station_part = b"\x03" + entry(*ed) + entry(*ml)
    flipped = bytes([rsa[2][0] ^ 1]) + rsa[2][1:]
    error = refused("bad_operator_signature", station_part + entry(rsa[0], rsa[1], flipped))
    assert error.message.params["reason"] == "InvalidSignature"
    error = refused("bad_operator_signature", station_part + entry(rsa[0], b"not a certificate", rsa[2]))
    assert error.message.params["reason"] == "ValueError"


def test_a_fiel_certificate_without_an_rsa_key_is_refused(station: StationKeys) -> None:
    """The FIEL entry is RSA PKCS#1 v1.5 by definition: a certificate holding another kind of key
    (here Ed25519) is refused, whatever its signature."""
    from datetime import UTC, datetime, timedelta

    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import NameOID

    key = ed25519.Ed25519PrivateKey.generate()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "not a FIEL")])
    now = datetime.now(UTC)
    der = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int.from_bytes(FIEL_NUMBER.encode("ascii"), "big"))
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, None)
        .public_bytes(Encoding.DER)
    )
    ed, ml = read(sign_body(BODY, station))
    signature = key.sign(to_be_signed(BODY))
    error = refused("bad_operator_signature", b"\x03" + entry(*ed) + entry(*ml) + entry(0x10, der, signature))
    assert error.message.params["reason"] == "the certificate's key is not RSA"


@pytest.mark.parametrize(
    ("serial", "number"),
    [
        (int.from_bytes(FIEL_NUMBER.encode("ascii"), "big"), FIEL_NUMBER),  # SAT: the digits' ASCII bytes
        (0x35, "5"),  # one byte is enough for one digit
        (0x0135, "309"),  # a zero byte is not a digit: the decimal serial
        (0xFF, "255"),
        (0x7F35, "32565"),
    ],
)
def test_the_certificate_number_is_the_serial_read_as_sat_writes_it(serial: int, number: str) -> None:
    assert certificate_number(types.SimpleNamespace(serial_number=serial)) == number  # type: ignore[arg-type]


def test_the_algorithm_numbers_are_the_documented_ones() -> None:
    assert (ALG_ED25519, ALG_MLDSA65, ALG_RSA_SHA256) == (0x01, 0x02, 0x10)


def test_an_empty_signature_ending_the_block_is_read_whole(station: StationKeys) -> None:
    """The signature length may be the block's last two bytes (S = 0): the entry is whole and goes
    on to verification, where an empty FIEL signature with no certificate is refused."""
    ed, ml = read(sign_body(BODY, station))
    block = b"\x03" + entry(*ed) + entry(*ml) + entry(ALG_RSA_SHA256, b"cert", b"")
    assert block.endswith(b"\x00\x00")
    refused("bad_operator_signature", block)
