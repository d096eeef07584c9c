"""Keys rotated by a command while the backend serves (on each store): no restart, overlap, retirement.

The command is `kiosk backend rotate-keys`, run here in this process against the backend's folder and
store while the backend serves from its own `Backend` (as it would from another process: they share
nothing but the store and the folder). The serving backend re-reads the keys' rows on every request
here (`KIOSK_BACKEND_KEYS_REFRESH_S=0`); with the default interval it re-reads at once when a packet
names a key it does not know (tested too).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.api.envelopes import ed25519_public, open_document
from kiosk.api.models import Receipt
from kiosk.backend import keys as backend_keys
from kiosk.backend.server import Running, start_in_thread
from kiosk.backend.service import Backend
from kiosk.cli.main import main
from kiosk.client.http import BackendError
from kiosk.packet.keys import BackendPublicKey
from kiosk.packet.samples import sample_manifest, sample_records
from kiosk.packet.seal import seal
from tests.kiosk.backend.support import MovableClock, add_users, current_key, join, sealed

CLOCK = MovableClock()


@pytest.fixture
def serving(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Running]:
    monkeypatch.setenv(backend_keys.REFRESH_ENV, "0")
    CLOCK.reset()
    server = start_in_thread(tmp_path / "backend", clock=CLOCK)
    add_users(server)
    yield server
    server.stop()
    CLOCK.reset()


def rotate(running: Running, capsys: pytest.CaptureFixture[str], kind: str, *extra: str) -> dict[str, str]:
    """`kiosk backend rotate-keys` from the command line, against the serving backend's folder and store."""
    capsys.readouterr()
    code = main(
        [
            "--lang",
            "en",
            "backend",
            "rotate-keys",
            "--backend-dir",
            str(running.backend.dir),
            "--kind",
            kind,
            "--json",
            *extra,
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    return dict(json.loads(out))


def published(config: object) -> dict[str, object]:
    return {k.key_id: ed25519_public(k.public_key) for k in config.receipt_keys}  # type: ignore[attr-defined]


def test_a_signing_key_rotated_while_serving_signs_the_next_receipt(
    serving: Running, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    station = join(serving, tmp_path / "station", clock=CLOCK)
    before = sealed(station)
    _, first, _ = station.client.submit(before.packet_id, before.blob)
    old_id = first.key_id
    assert first.cosignatures == []
    new_id = rotate(serving, capsys, "signing")["key_id"]
    assert new_id != old_id
    # The very next receipt of the running backend: the new key signs, the old one co-signs, and the
    # station that knows only the old key still verifies it (submit checks the receipt).
    after = sealed(station, seed=1)
    _, second, _ = station.client.submit(after.packet_id, after.blob)
    assert second.key_id == new_id and [c.key_id for c in second.cosignatures] == [old_id]
    config, envelope = station.client.config()
    assert envelope["key_id"] == new_id and set(published(config)) == {old_id, new_id}
    # Past the grace window the old key signs nothing more, but stays published: a receipt it signed
    # before the rotation still verifies with what a station learns from the configuration.
    CLOCK.advance(dt.timedelta(days=31))
    late = sealed(station, seed=2)
    _, third, _ = station.client.submit(late.packet_id, late.blob)
    assert third.key_id == new_id and third.cosignatures == []
    config, _ = station.client.config()
    assert set(published(config)) == {old_id, new_id}
    body = open_document(Receipt.model_validate(first.model_dump()).model_dump(), published(config))
    assert body["packet_id"] == before.packet_id
    station.client.http.close()


def test_an_hpke_key_rotated_while_serving_is_announced_and_the_old_one_opens_during_the_grace(
    serving: Running, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    station = join(serving, tmp_path / "station", clock=CLOCK)
    old_key = current_key(station)
    waiting = [sealed(station, seed=n) for n in range(2)]  # in the outbox before the station learns
    new_id = rotate(serving, capsys, "hpke", "--grace-days", "2")["key_id"]
    config, _ = station.client.config()
    assert {k.key_id: k.current for k in config.backend_keys} == {old_key.key_id: False, new_id: True}
    fresh = sealed(station, sample_manifest(station_id=station.station_id), seed=3)
    assert fresh.header.key_id == new_id
    for packet in (waiting[0], fresh):
        body, _, resend = station.client.submit(packet.packet_id, packet.blob)
        assert body.digest == packet.digest and not resend
    # The grace is over: the old key opens nothing more and is no longer announced.
    CLOCK.advance(dt.timedelta(days=2, minutes=1))
    with pytest.raises(BackendError) as refused:
        station.client.submit(waiting[1].packet_id, waiting[1].blob)
    assert refused.value.api_code == "unknown_key"
    config, _ = station.client.config()
    assert [k.key_id for k in config.backend_keys] == [new_id]
    stats = serving.backend.stats()
    assert (stats["accepted"], stats["rejected_by_reason"]) == (2, {"unknown_key": 1})
    station.client.http.close()


def test_a_key_made_to_start_later_is_announced_ahead_and_used_from_its_time(
    serving: Running, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    station = join(serving, tmp_path / "station", clock=CLOCK)
    old_signing = serving.backend.keys.signing_key_id
    answer = rotate(serving, capsys, "signing", "--activate-in", "3600")
    new_id = answer["key_id"]
    # Announced (so stations trust it before it signs anything), not yet signing.
    config, envelope = station.client.config()
    assert set(published(config)) == {old_signing, new_id} and envelope["key_id"] == old_signing
    assert new_id in station.client.trusted
    hpke_id = rotate(serving, capsys, "hpke", "--activate-in", "3600")["key_id"]
    config, _ = station.client.config()
    assert {k.key_id: k.current for k in config.backend_keys}[hpke_id] is False
    CLOCK.advance(dt.timedelta(hours=1, minutes=1))
    packet = sealed(station)  # the station seals to what is current now
    assert packet.header.key_id == hpke_id
    _, receipt, _ = station.client.submit(packet.packet_id, packet.blob)
    assert receipt.key_id == new_id
    station.client.http.close()


def test_a_backend_reading_keys_seldom_still_opens_a_packet_sealed_to_a_key_made_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With an hour between reads, a packet naming an unknown key makes the backend read them at once."""
    monkeypatch.setenv(backend_keys.REFRESH_ENV, "3600")
    running = start_in_thread(tmp_path / "backend")
    try:
        add_users(running)
        station = join(running, tmp_path / "station")
        new_id = rotate(running, capsys, "hpke")["key_id"]
        # The station learns the new key from a configuration that another process served.
        other = Backend(running.backend.dir)
        try:
            listed = next(k for k in other.keys.hpke_public() if k["current"])
        finally:
            other.close()
        assert listed["key_id"] == new_id
        assert running.backend.keys.hpke_current_id != new_id  # this process has not read them yet
        packet = seal(
            sample_manifest(station_id=station.station_id),
            sample_records(),
            station.keys,
            BackendPublicKey.from_json(listed),
        )
        body, _, _ = station.client.submit(packet.packet_id, packet.blob)
        assert body.digest == packet.digest
        assert running.backend.keys.hpke_current_id == new_id
        station.client.http.close()
    finally:
        running.stop()
