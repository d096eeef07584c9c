"""Packet intake over HTTPS: every way a packet can be wrong gets its own code, and the figures add up."""

from __future__ import annotations

import struct
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.backend.server import Running, start_in_thread
from kiosk.client.http import BackendError
from kiosk.packet.ids import new_packet_id
from kiosk.packet.samples import sample_manifest, sample_records
from kiosk.packet.seal import seal
from tests.kiosk.backend.support import (
    PERSON_CURP,
    Joined,
    add_users,
    current_key,
    declare_oversized_packet,
    forged,
    join,
    sealed,
)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    server = start_in_thread(tmp_path_factory.mktemp("backend"))
    add_users(server)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def station(running: Running, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Joined]:
    joined = join(running, tmp_path_factory.mktemp("station"))
    yield joined
    joined.client.http.close()


@pytest.fixture(scope="module")
def bare(running: Running, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Joined]:
    """A registered station whose technician registered no devices."""
    joined = join(running, tmp_path_factory.mktemp("bare"), devices=False)
    yield joined
    joined.client.http.close()


def rejected(station: Joined, packet_id: str, blob: bytes) -> str | None:
    with pytest.raises(BackendError) as caught:
        station.client.submit(packet_id, blob)
    assert not caught.value.retryable  # the outbox sets such a packet aside instead of retrying
    assert caught.value.message.code == f"backend.error.{caught.value.api_code}"
    return caught.value.api_code


def patched(blob: bytes, offset: int, value: bytes) -> bytes:
    return blob[:offset] + value + blob[offset + len(value) :]


def test_a_good_packet_is_accepted_and_marks_the_person_pending(running: Running, station: Joined) -> None:
    packet = sealed(station)
    body, _, resend = station.client.submit(packet.packet_id, packet.blob)
    assert not resend and body.station_id == station.station_id and body.test
    assert running.backend.lookup_person(PERSON_CURP).biometric_status == "pending"


def test_a_tampered_header_is_rejected(station: Joined) -> None:
    packet = sealed(station)
    blob, key_id = packet.blob, packet.header.key_id
    other_id = new_packet_id()
    not_v7 = str(uuid.UUID(bytes=bytes(15) + b"\x01"))
    cases = {
        # The header is the HPKE `info`: a changed packet id no longer decrypts.
        "packet id": (other_id, patched(blob, 11, uuid.UUID(other_id).bytes), "decryption_failed"),
        # A header id that is no UUIDv7 is refused before any key is looked up (bad_packet_id).
        "packet id not v7": (not_v7, patched(blob, 11, uuid.UUID(not_v7).bytes), "malformed_packet"),
        "magic": (packet.packet_id, patched(blob, 0, b"XPKT"), "malformed_packet"),
        "version": (packet.packet_id, patched(blob, 4, b"\x07"), "malformed_packet"),
        "suite": (packet.packet_id, patched(blob, 5, struct.pack(">H", 0x0020)), "unknown_key"),
        "key id": (packet.packet_id, patched(blob, 28, b"z" * len(key_id)), "unknown_key"),
        "truncated": (packet.packet_id, blob[:20], "malformed_packet"),
    }
    for case, (packet_id, spoilt, code) in cases.items():
        assert rejected(station, packet_id, spoilt) == code, case


def test_a_tampered_signature_is_rejected(station: Joined) -> None:
    packet = forged(station, current_key(station), spoil_signature=True)
    assert rejected(station, packet.packet_id, packet.blob) == "bad_signature"


def test_an_unsigned_packet_is_rejected(station: Joined) -> None:
    packet = forged(station, current_key(station), unsigned=True)
    assert rejected(station, packet.packet_id, packet.blob) == "unsigned_packet"


def test_the_forging_helper_itself_makes_acceptable_packets(station: Joined) -> None:
    """The two tests above fail for the spoilt part only: unspoilt, the same construction is accepted."""
    packet = forged(station, current_key(station))
    body, _, _ = station.client.submit(packet.packet_id, packet.blob)
    assert body.packet_id == packet.packet_id


def test_a_packet_signed_by_another_station_than_it_names_is_rejected(station: Joined, bare: Joined) -> None:
    manifest = sample_manifest(station_id=station.station_id)
    packet = seal(manifest, sample_records(), bare.keys, current_key(bare))
    assert rejected(bare, packet.packet_id, packet.blob) == "bad_signature"


def test_a_packet_naming_an_unknown_station_is_rejected(station: Joined) -> None:
    packet = sealed(station, sample_manifest(station_id="st-nobody00000"))
    assert rejected(station, packet.packet_id, packet.blob) == "station_mismatch"


def test_a_packet_from_unregistered_devices_is_rejected(bare: Joined) -> None:
    packet = sealed(bare)
    assert rejected(bare, packet.packet_id, packet.blob) == "unregistered_device"


def test_a_packet_under_another_packet_id_is_rejected(station: Joined) -> None:
    packet = sealed(station)
    assert rejected(station, new_packet_id(), packet.blob) == "packet_id_mismatch"


def test_a_packet_over_the_limit_is_refused_before_its_body_is_read(
    running: Running, station: Joined
) -> None:
    """Only the headers are sent: the backend answers 413 from the declared length alone."""
    answer = declare_oversized_packet(running, station)
    assert answer.split(b"\r\n", 1)[0].startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"code":"too_large"' in answer


def test_garbage_is_a_malformed_packet(station: Joined) -> None:
    assert rejected(station, new_packet_id(), b"GIF89a not a packet at all" * 10) == "malformed_packet"


def test_the_figures_count_every_outcome(tmp_path: Path) -> None:
    server = start_in_thread(tmp_path / "backend")
    add_users(server)
    try:
        station, bare = join(server, tmp_path / "station"), join(server, tmp_path / "bare", devices=False)
        packet = sealed(station)
        for _ in range(2):  # the second is a resend: a duplicate, not a second acceptance
            station.client.submit(packet.packet_id, packet.blob)
        assert rejected(station, new_packet_id(), b"not a packet") == "malformed_packet"
        assert rejected(station, new_packet_id(), packet.blob) == "packet_id_mismatch"
        unregistered = sealed(bare)
        assert rejected(bare, unregistered.packet_id, unregistered.blob) == "unregistered_device"
        assert rejected(bare, unregistered.packet_id, unregistered.blob) == "unregistered_device"
        declare_oversized_packet(server, station)
        stats = server.backend.stats()
        assert stats == {
            "received": 7,
            "accepted": 1,
            "rejected": 5,
            "rejected_by_reason": {
                "malformed_packet": 1,
                "packet_id_mismatch": 1,
                "too_large": 1,
                "unregistered_device": 2,
            },
            "duplicates": 1,
            "stations": 2,
            "audit_conflicts": 0,
        }
        station.client.http.close()
        bare.client.http.close()
    finally:
        server.stop()
