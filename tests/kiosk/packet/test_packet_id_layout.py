"""Packet ids bit by bit, as RFC 9562 lays out a UUIDv7 (section 5.7) with the monotonic counter of
section 6.2, method 1 (docs/packet-format.md, header offset 11).

The outbox and the backend sort and deduplicate packets by this id before anything is decrypted, so
its fields must be exactly where the RFC puts them: 48 bits of Unix milliseconds, the version nibble
7, a 12-bit counter (`rand_a`), the variant bits `10` and 62 random bits. The randomness is replaced
here by known bytes so every field can be read back exactly.
"""

from __future__ import annotations

import types
import uuid
from datetime import UTC, datetime

import pytest

from kiosk.packet import ids
from kiosk.packet.ids import is_uuid7, uuid7, uuid7_time

MOMENT = int(datetime(2025, 1, 15, 16, tzinfo=UTC).timestamp() * 1000)


def fields(value: uuid.UUID) -> tuple[int, int, int, int, int]:
    """(unix_ts_ms, ver, rand_a, var, rand_b) of RFC 9562 figure 11."""
    n = value.int
    return n >> 80, (n >> 76) & 0xF, (n >> 64) & 0xFFF, (n >> 62) & 0b11, n & ((1 << 62) - 1)


@pytest.fixture
def random_bytes(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """ids.py draws from `os.urandom`; here it hands out queued byte strings (then 0xA5 bytes)."""
    queue: list[bytes] = []

    def urandom(size: int) -> bytes:
        drawn = queue.pop(0) if queue else bytes([0xA5]) * size
        assert len(drawn) == size, f"ids.py drew {size!r} bytes where the RFC's field needs {len(drawn)}"
        return drawn

    monkeypatch.setattr(ids, "os", types.SimpleNamespace(urandom=urandom))
    monkeypatch.setattr(ids, "_last_ms", -1)
    monkeypatch.setattr(ids, "_counter", 0)
    return queue


def test_every_field_is_where_rfc_9562_puts_it(random_bytes: list[bytes]) -> None:
    """A new millisecond: its time, version 7, the counter's random start, variant `10`, rand_b.

    The counter starts from 11 random bits (at most 0x7FF) so at least 2048 more ids fit in the same
    millisecond; both random fields are read big-endian from the bytes drawn."""
    random_bytes += [b"\xab\xcd", bytes.fromhex("fedcba9876543210")]
    value = uuid7(MOMENT)
    assert fields(value) == (MOMENT, 7, 0xBCD & 0x7FF, 0b10, 0xFEDCBA9876543210 & ((1 << 62) - 1))
    assert value.version == 7 and value.variant == uuid.RFC_4122
    random_bytes += [b"\xff\xff", b"\xff" * 8]
    value = uuid7(MOMENT + 1)
    assert fields(value) == (MOMENT + 1, 7, 0x7FF, 0b10, (1 << 62) - 1)


def test_within_one_millisecond_the_counter_counts_up_by_one(random_bytes: list[bytes]) -> None:
    """Method 1 of section 6.2: the same millisecond keeps its time and adds one to rand_a, so the
    ids of one process are strictly increasing and none is skipped."""
    random_bytes.append(b"\x00\x05")
    first = uuid7(MOMENT)
    second = uuid7(MOMENT)
    third = uuid7(MOMENT)
    assert [fields(v)[:3] for v in (first, second, third)] == [(MOMENT, 7, 5), (MOMENT, 7, 6), (MOMENT, 7, 7)]
    assert first < second < third


def test_a_clock_that_steps_back_keeps_the_last_millisecond(random_bytes: list[bytes]) -> None:
    random_bytes.append(b"\x00\x10")
    uuid7(MOMENT)
    behind = uuid7(MOMENT - 5000)
    assert fields(behind)[:3] == (MOMENT, 7, 0x11)


def test_an_exhausted_counter_borrows_the_next_millisecond(
    random_bytes: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """0xFFF is the last value of the 12-bit field and is still used; one more id moves to the next
    millisecond with a fresh random start, and later ids of the old millisecond stay after it."""
    monkeypatch.setattr(ids, "_last_ms", MOMENT)
    monkeypatch.setattr(ids, "_counter", 0xFFE)
    last = uuid7(MOMENT)
    assert fields(last)[:3] == (MOMENT, 7, 0xFFF)
    random_bytes.append(b"\xff\xff")
    borrowed = uuid7(MOMENT)
    assert fields(borrowed)[:3] == (MOMENT + 1, 7, 0x7FF)
    after = uuid7(MOMENT)
    assert fields(after)[:3] == (MOMENT + 1, 7, 0x800)
    assert last < borrowed < after


def test_the_time_field_is_48_bits_and_never_spills_into_the_version(random_bytes: list[bytes]) -> None:
    value = uuid7((1 << 48) + 42)
    assert fields(value)[:2] == (42, 7) and value.version == 7


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not-a-uuid",
        "0194693e-6c00-7a5e-9b1c-2d3e4f50617",  # one digit short
        "0194693E-6C00-7A5E-9B1C-2D3E4F506172",  # upper case: the manifest writes lower case
        "0194693e6c007a5e9b1c2d3e4f506172",  # no hyphens
        "{0194693e-6c00-7a5e-9b1c-2d3e4f506172}",
        "0194693e-6c00-4a5e-9b1c-2d3e4f506172",  # version 4
        "0194693e-6c00-7a5e-cb1c-2d3e4f506172",  # variant 110 (Microsoft)
        "0194693e-6c00-7a5e-1b1c-2d3e4f506172",  # variant 0 (NCS)
    ],
)
def test_only_canonical_uuid7_text_is_a_packet_id(text: str) -> None:
    """The manifest's `packet_id` is the lower-case UUIDv7 text; anything else is refused, never
    taken for an id (a parse error included)."""
    assert is_uuid7("0194693e-6c00-7a5e-9b1c-2d3e4f506172")
    assert not is_uuid7(text)


def test_the_creation_time_reads_back_from_text_and_uuid_alike() -> None:
    """The x25519 vector's packet id (docs/packet-format.md section 9): its first 48 bits are the
    Unix time in milliseconds."""
    value = uuid.UUID("0194693e-6c00-7a5e-9b1c-2d3e4f506172")
    expected = datetime(2025, 1, 15, 9, 14, 46, 144000, tzinfo=UTC)
    assert uuid7_time(value) == expected == uuid7_time(str(value))
