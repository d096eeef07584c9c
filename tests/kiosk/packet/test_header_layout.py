"""The clear header byte by byte (docs/packet-format.md section 1) and opening steps 1 to 7.

The header is all a backend reads before it decrypts, and it is the HPKE `info`: every field must be
where the document says, and every malformed header must be refused with its own documented code
before any key is looked up.
"""

from __future__ import annotations

import pytest

from kiosk.packet import PacketError, PacketSuite
from kiosk.packet.header import PacketHeader, decode

# the x25519 vector's header, as docs/packet-format.md section 9 prints it
VECTOR_HEADER = bytes.fromhex(
    "4b504b54010020000100020194693e6c007a5e9b1c2d3e4f506172177832353531392d63613833636436623034623831666634"
)
PACKET_ID = "0194693e-6c00-7a5e-9b1c-2d3e4f506172"
KEY_ID = "x25519-ca83cd6b04b81ff4"


def header(
    *,
    magic: bytes = b"KPKT",
    version: int = 1,
    suite: bytes = bytes.fromhex("002000010002"),
    packet_id: str = PACKET_ID,
    key_id: bytes = KEY_ID.encode(),
    length: int | None = None,
) -> bytes:
    size = len(key_id) if length is None else length
    return (
        magic + bytes([version]) + suite + bytes.fromhex(packet_id.replace("-", "")) + bytes([size]) + key_id
    )


def refused(code: str, blob: bytes) -> PacketError:
    with pytest.raises(PacketError) as caught:
        decode(blob)
    assert caught.value.code == code, caught.value
    return caught.value


def test_the_vector_header_is_encoded_field_by_field() -> None:
    encoded = PacketHeader(PACKET_ID, PacketSuite.X25519, KEY_ID).encode()
    assert encoded == VECTOR_HEADER == header()
    assert PacketHeader(PACKET_ID, PacketSuite.X25519, KEY_ID).length == 28 + 23 == len(encoded)


def test_the_x_wing_suite_is_kem_0x647a_with_hkdf_sha256_and_aes_256_gcm() -> None:
    encoded = PacketHeader(PACKET_ID, PacketSuite.MLKEM768_X25519, "xwing-0011223344556677").encode()
    assert encoded[4:11] == bytes.fromhex("01647a00010002")
    assert decode(encoded).suite is PacketSuite.MLKEM768_X25519


def test_decoding_reads_every_field_and_ignores_what_follows() -> None:
    """The HPKE payload follows the header; the header says where it starts (28 + K)."""
    for blob in (VECTOR_HEADER, VECTOR_HEADER + b"\x00" * 1152):
        read = decode(blob)
        assert read == PacketHeader(PACKET_ID, PacketSuite.X25519, KEY_ID, 1)
        assert read.length == len(VECTOR_HEADER)


@pytest.mark.parametrize(
    "blob", [b"", b"K", b"KPK", b"KPKX" + VECTOR_HEADER[4:], b"kpkt" + VECTOR_HEADER[4:]]
)
def test_step_1_anything_not_starting_with_kpkt_is_not_a_packet(blob: bytes) -> None:
    error = refused("bad_magic", blob)
    assert error.message.params["found"] == blob[:4].hex()


@pytest.mark.parametrize("size", [4, 11, 27])
def test_step_2_fewer_than_28_bytes_are_truncated(size: int) -> None:
    error = refused("truncated", VECTOR_HEADER[:size])
    assert error.message.params["size"] == size


@pytest.mark.parametrize("version", [0, 2, 255])
def test_step_3_only_format_version_1(version: int) -> None:
    error = refused("unknown_version", header(version=version))
    assert error.message.params["version"] == version


@pytest.mark.parametrize(
    "suite",
    ["647a00010001", "002000010001", "002000020002", "001000010002", "647b00010002", "000000000000"],
)
def test_step_4_only_the_two_accepted_suite_triples(suite: str) -> None:
    error = refused("unknown_suite", header(suite=bytes.fromhex(suite)))
    kem, kdf, aead = suite[:4], suite[4:8], suite[8:]
    assert error.message.params["suite"] == f"kem=0x{kem} kdf=0x{kdf} aead=0x{aead}"


@pytest.mark.parametrize(
    "packet_id",
    [
        "0194693e-6c00-4a5e-9b1c-2d3e4f506172",  # version 4
        "0194693e-6c00-8a5e-9b1c-2d3e4f506172",  # version 8
        "0194693e-6c00-7a5e-db1c-2d3e4f506172",  # variant 110
        "0194693e-6c00-7a5e-1b1c-2d3e4f506172",  # variant 0
    ],
)
def test_step_5_the_packet_id_must_be_a_uuid7(packet_id: str) -> None:
    error = refused("bad_packet_id", header(packet_id=packet_id))
    assert error.message.params["packet_id"] == packet_id


def test_step_6_the_key_id_must_be_all_there() -> None:
    assert refused("truncated", VECTOR_HEADER[:-1]).message.params == {"size": len(VECTOR_HEADER) - 1}
    refused("truncated", header(length=24))
    assert decode(header(key_id=b"k")).key_id == "k"  # exactly 28 + K bytes


@pytest.mark.parametrize(
    "key_id",
    [b"", b"a" * 65, b"has space", b"slash/", b"caf\xc3\xa9", b"\xff\xfe", b"x25519-ca83\x00"],
)
def test_step_7_a_key_id_outside_the_alphabet_or_length_is_an_unknown_key(key_id: bytes) -> None:
    error = refused("unknown_key_id", header(key_id=key_id))
    assert error.message.params["key_id"] == key_id.hex()


def test_step_7_the_longest_key_id_and_every_allowed_character() -> None:
    longest = "A-z.0_9" * 9 + "x"
    assert len(longest) == 64 and decode(header(key_id=longest.encode())).key_id == longest


def test_a_header_cannot_be_made_with_a_key_id_a_backend_would_refuse() -> None:
    for key_id in ("", "a" * 65, "with space", "ñ"):
        with pytest.raises(PacketError) as caught:
            PacketHeader(PACKET_ID, PacketSuite.X25519, key_id).encode()
        assert caught.value.code == "bad_key"
