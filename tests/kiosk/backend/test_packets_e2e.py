"""Packets through the real reference backend on loopback: accepted once, resends, tampering, revocation."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.backend.server import Running
from kiosk.client.http import BackendError
from kiosk.packet.keys import BackendPublicKey
from kiosk.packet.samples import sample_manifest, sample_records
from kiosk.packet.seal import SealedPacket, seal
from tests.fixtures.backend import Station


def current_key(station: Station) -> BackendPublicKey:
    config, _ = station.client.config()
    key = next(k for k in config.backend_keys if k.current)
    return BackendPublicKey.from_json(key.model_dump())


def sealed(station: Station, **changes: Any) -> SealedPacket:
    manifest = sample_manifest(station_id=station.link.station_id)
    return seal(manifest, sample_records(), station.keys, current_key(station))


def test_a_packet_is_accepted_once_and_a_resend_gets_the_original_receipt(
    backend: Running, station: Station
) -> None:
    packet = sealed(station)
    body, receipt, resend = station.client.submit(packet.packet_id, packet.blob)
    assert not resend and body.packet_id == packet.packet_id and body.digest == packet.digest
    assert body.curp_masked.count("*") == 12
    again_body, again, resend = station.client.submit(packet.packet_id, packet.blob)
    assert resend and again == receipt and again_body.folio == body.folio
    stats = backend.backend.stats()
    assert (stats["accepted"], stats["duplicates"], stats["rejected"]) == (1, 1, 0)
    assert station.client.status(packet.packet_id).receipt == receipt


def test_a_tampered_ciphertext_is_rejected(backend: Running, station: Station) -> None:
    packet = sealed(station)
    blob = bytearray(packet.blob)
    blob[-40] ^= 0x01
    with pytest.raises(BackendError) as caught:
        station.client.submit(packet.packet_id, bytes(blob))
    assert caught.value.api_code == "decryption_failed" and not caught.value.retryable


def test_a_reused_packet_id_with_other_content_is_rejected(backend: Running, station: Station) -> None:
    first = sealed(station)
    station.client.submit(first.packet_id, first.blob)
    other = seal(
        sample_manifest(first.packet_id, station_id=station.link.station_id),
        sample_records(seed=3),
        station.keys,
        current_key(station),
    )
    with pytest.raises(BackendError) as caught:
        station.client.submit(other.packet_id, other.blob)
    assert caught.value.api_code == "packet_id_reused"
    assert backend.backend.stats()["rejected_by_reason"] == {"packet_id_reused": 1}


def test_a_revoked_station_is_refused(backend: Running, station: Station) -> None:
    packet = sealed(station)
    backend.backend.revoke_station(station.link.station_id)
    with pytest.raises(BackendError) as caught:
        station.client.submit(packet.packet_id, packet.blob)
    assert caught.value.api_code == "station_revoked"
