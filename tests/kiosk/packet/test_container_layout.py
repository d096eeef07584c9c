"""The plaintext container byte by byte (docs/packet-format.md section 3), read without encryption.

What the signatures cover (the body) and what a backend files (the records) both come from this
layout, so a container is read strictly: the manifest first, records in between with unique names
of the documented alphabet, the signatures last, no byte left over, and every length within bounds.
Each way of breaking it is answered with `malformed_container` and a reason naming what is wrong.
"""

from __future__ import annotations

import struct

import pytest

from kiosk.packet import PacketError
from kiosk.packet.container import decode, encode_body, with_signatures

MANIFEST = b'{"manifest_version":1}'
RECORDS = {"fingers": b"FIR\x00 finger bytes", "face": b"FAC\x00 face bytes"}
SIGNATURES = b"\x02 signature block"


def section(kind: int, name: bytes, data: bytes) -> bytes:
    return bytes([kind, len(name)]) + name + struct.pack(">I", len(data)) + data


def container(*sections: bytes, count: int | None = None, version: int = 1, magic: bytes = b"KPIN") -> bytes:
    return (
        magic
        + bytes([version])
        + struct.pack(">H", len(sections) if count is None else count)
        + b"".join(sections)
    )


def manifest_section() -> bytes:
    return section(1, b"manifest.json", MANIFEST)


def signatures_section() -> bytes:
    return section(3, b"signatures", SIGNATURES)


def refused(blob: bytes) -> str:
    with pytest.raises(PacketError) as caught:
        decode(blob)
    assert caught.value.code == "malformed_container", caught.value
    reason = caught.value.message.params["reason"]
    assert isinstance(reason, str)
    return reason


def test_the_body_and_the_sealed_container_are_laid_out_as_documented() -> None:
    body = encode_body(MANIFEST, RECORDS)
    expected_body = container(
        manifest_section(),
        section(2, b"fingers", RECORDS["fingers"]),
        section(2, b"face", RECORDS["face"]),
        count=4,
    )
    assert body == expected_body
    assert body[:7] == b"KPIN\x01\x00\x04"  # magic, version 1, N = records + 2
    assert with_signatures(body, SIGNATURES) == body + signatures_section()


def test_decoding_gives_each_part_and_the_body_the_signatures_cover() -> None:
    sealed = with_signatures(encode_body(MANIFEST, RECORDS), SIGNATURES)
    read = decode(sealed)
    assert read.manifest == MANIFEST and read.signatures == SIGNATURES
    assert read.records == RECORDS and list(read.records) == ["fingers", "face"]  # in order
    assert read.body == encode_body(MANIFEST, RECORDS)  # every byte before the signatures section


def test_a_container_without_records_has_two_sections() -> None:
    sealed = with_signatures(encode_body(MANIFEST, {}), SIGNATURES)
    assert sealed[5:7] == b"\x00\x02"
    read = decode(sealed)
    assert read.records == {} and read.manifest == MANIFEST and read.signatures == SIGNATURES


@pytest.mark.parametrize("name", ["Fingers", "-face", ".x", "", "a" * 65, "face photo", "face/1", "cara-ñ"])
def test_record_names_outside_the_alphabet_cannot_be_sealed(name: str) -> None:
    with pytest.raises(PacketError) as caught:
        encode_body(MANIFEST, {name: b"data"})
    assert caught.value.code == "sealing_failed" and repr(name) in caught.value.message.params["reason"]


def test_the_longest_record_name_and_every_allowed_character() -> None:
    name = "0a.b_c-9" * 8
    assert len(name) == 64
    assert decode(with_signatures(encode_body(MANIFEST, {name: b"x"}), SIGNATURES)).records == {name: b"x"}


@pytest.mark.parametrize(
    "blob",
    [
        b"",
        b"KPIN\x01\x00",
        b"XPIN\x01\x00\x02",
        b"kpin\x01\x00\x02" + manifest_section() + signatures_section(),
    ],
)
def test_no_inner_magic_no_container(blob: bytes) -> None:
    assert refused(blob) == "bad inner magic"


@pytest.mark.parametrize("version", [0, 2])
def test_only_container_version_1(version: int) -> None:
    assert refused(container(manifest_section(), signatures_section(), version=version)) == (
        f"container version {version}"
    )


@pytest.mark.parametrize("count", [0, 1])
def test_fewer_than_two_sections_is_not_a_container(count: int) -> None:
    assert refused(container(manifest_section(), count=count)) == f"{count} sections"


def test_the_manifest_comes_first() -> None:
    record = section(2, b"fingers", b"x")
    assert refused(container(record, signatures_section())) == "the manifest must come first"
    wrong_name = section(1, b"manifest.jsn", MANIFEST)
    assert refused(container(wrong_name, signatures_section())) == "the manifest must come first"


def test_the_signatures_come_last() -> None:
    record = section(2, b"fingers", b"x")
    assert refused(container(manifest_section(), record)) == "the signatures must come last"
    wrong_name = section(3, b"signature", SIGNATURES)
    assert refused(container(manifest_section(), wrong_name)) == "the signatures must come last"


@pytest.mark.parametrize(
    "middle",
    [
        [section(1, b"fingers", b"x")],  # a manifest kind in the middle
        [section(3, b"fingers", b"x")],  # a signatures kind in the middle
        [section(2, b"Fingers", b"x")],  # a name outside the alphabet
        [section(2, b"fingers", b"x"), section(2, b"fingers", b"y")],  # a repeated name
    ],
)
def test_records_are_record_sections_with_unique_names(middle: list[bytes]) -> None:
    reason = refused(container(manifest_section(), *middle, signatures_section()))
    assert reason.startswith("bad or repeated record section")


def test_a_section_name_must_be_ascii() -> None:
    assert refused(container(section(1, b"manifest\xff", MANIFEST), signatures_section())) == (
        "section name not ASCII"
    )


def test_lengths_that_run_past_the_end_are_refused() -> None:
    manifest_only = container(manifest_section(), count=2)
    # the count promises a section that is not there, or only one byte of its header
    record = section(2, b"fingers", b"x")
    assert refused(container(manifest_section(), record, count=3)) == "section header past the end"
    assert refused(manifest_only + b"\x03") == "section header past the end"
    # a whole header (kind, name length) but the name, or the data length after it, cut short
    assert refused(manifest_only + b"\x03\x00") == "section name past the end"
    assert refused(manifest_only + b"\x03\x0asign") == "section name past the end"
    assert refused(manifest_only + b"\x03\x0asignatures\x00\x00") == "section name past the end"
    # data shorter than its length says
    short = container(manifest_section(), signatures_section())[:-1]
    assert refused(short) == "section 'signatures' past the end"


def test_sections_that_end_exactly_at_the_end_are_whole() -> None:
    """The bounds are inclusive: an empty signatures section (name, zero length, no data) ends on the
    container's last byte and is read (the signature rules then call it unsigned)."""
    read = decode(container(manifest_section(), section(3, b"signatures", b"")))
    assert read.signatures == b"" and read.manifest == MANIFEST
    read = decode(container(section(1, b"manifest.json", b""), section(3, b"signatures", b"s")))
    assert read.manifest == b"" and read.signatures == b"s"


def test_nothing_may_follow_the_signatures() -> None:
    good = container(manifest_section(), signatures_section())
    assert refused(good + b"\x00") == "1 bytes after the last section"
    assert refused(good + b"\x00" * 7) == "7 bytes after the last section"


def test_the_seven_byte_start_alone_is_a_container_without_its_sections() -> None:
    assert refused(b"KPIN\x01\x00\x02") == "section header past the end"


def test_version_and_count_are_unsigned() -> None:
    """Hostile values must be read as the unsigned integers section 3 defines, not wrap around."""
    assert (
        refused(container(manifest_section(), signatures_section(), version=200)) == "container version 200"
    )
    assert refused(container(manifest_section(), signatures_section(), count=0x8001)) == (
        "bad or repeated record section 'signatures'"
    )


def test_a_data_length_of_four_gigabytes_is_past_the_end_not_negative() -> None:
    """A length of 0xFFFFFFFF must not be taken as -1 (which would step back into the section)."""
    huge = bytes([3, 10]) + b"signatures" + b"\xff\xff\xff\xff" + SIGNATURES
    assert refused(container(manifest_section(), count=2) + huge) == "section 'signatures' past the end"
