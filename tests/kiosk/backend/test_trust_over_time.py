"""Keys and trust over time: the signed configuration, policy versions and expiry, key rotation with
overlap (signing and HPKE), revocation, and the station's clock against the backend's."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kiosk.api.envelopes import b64, ed25519_public, sign_document, unb64
from kiosk.backend.server import Running, start_in_thread
from kiosk.client.backend import verify_config
from kiosk.client.http import BackendError
from kiosk.errors import KioskError
from kiosk.packet.samples import sample_manifest
from kiosk.policy import default_policy
from kiosk.station.keys import StationKeys
from kiosk.station.link import StationLink, cached_config, refresh_config, register
from tests.kiosk.backend.support import MovableClock, add_users, current_key, join, sealed

CLOCK = MovableClock()


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    server = start_in_thread(tmp_path_factory.mktemp("backend"), clock=CLOCK)
    add_users(server)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _real_time() -> Iterator[None]:
    CLOCK.reset()
    yield
    CLOCK.reset()


def trusted(link: StationLink) -> dict[str, Ed25519PublicKey]:
    return {k: ed25519_public(v) for k, v in link.signing_keys.items()}


def test_the_signed_configuration_verifies_and_is_kept_for_offline_starts(
    running: Running, tmp_path: Path
) -> None:
    station = join(running, tmp_path / "station", clock=CLOCK)
    config, envelope = station.client.config()
    assert config.station_id == station.station_id and not config.revoked
    assert config.policy.version == running.backend.policy()["version"]
    assert [k.key_id for k in config.backend_keys if k.current] == [running.backend.keys.hpke_current_id]
    assert {k.key_id for k in config.receipt_keys} == set(running.backend.keys.signing_public_b64())
    assert envelope["key_id"] == running.backend.keys.signing_key_id
    cached = cached_config(station.link, station.data_dir, CLOCK)
    assert cached is not None and cached.policy == config.policy
    station.client.http.close()


def test_a_configuration_not_signed_by_a_trusted_key_is_refused(running: Running, tmp_path: Path) -> None:
    station = join(running, tmp_path / "station", clock=CLOCK, devices=False)
    _, envelope = station.client.config()
    document = json.loads(unb64(envelope["payload"]))
    impostor = Ed25519PrivateKey.generate()
    forgeries = {
        "same key id, other key": sign_document(document, impostor, envelope["key_id"]),
        "unknown key id": sign_document(document, impostor, "sig-evil"),
        "payload changed": {
            **envelope,
            "payload": b64(unb64(envelope["payload"]).replace(b"false", b"true ")),
        },
        "signature dropped": {**envelope, "signature": ""},
    }
    for case, forged in forgeries.items():
        with pytest.raises(BackendError) as caught:
            verify_config(forged, trusted(station.link))
        assert caught.value.message.code == "backend.config_unsigned", case
        assert not caught.value.retryable
    # A co-signature by an unknown key does not help a forged primary signature either.
    mixed = {**forgeries["same key id, other key"], "cosignatures": [{"key_id": "x", "signature": "AA=="}]}
    with pytest.raises(BackendError):
        verify_config(mixed, trusted(station.link))
    station.client.http.close()


def test_the_policy_version_only_moves_forward(running: Running, tmp_path: Path) -> None:
    station = join(running, tmp_path / "station", clock=CLOCK, devices=False)
    old_policy = running.backend.policy()
    _, old_envelope = station.client.config()
    newer = default_policy(old_policy["version"] + 1, CLOCK(), valid_days=30)
    running.backend.set_policy(newer)
    with pytest.raises(ValueError):
        running.backend.set_policy(old_policy)  # the backend itself never goes back
    config = refresh_config(station.link, station.data_dir, station.keys, clock=CLOCK)
    assert config.policy.version == newer["version"] == station.link.policy_version
    # An older configuration replayed to the station (a stale cache, a restored backup) is refused.
    with pytest.raises(BackendError) as caught:
        verify_config(old_envelope, trusted(station.link), station.link.policy_version)
    assert caught.value.message.code == "backend.policy_rollback"
    assert caught.value.message.params == {"got": old_policy["version"], "known": newer["version"]}
    running.backend.store.set_meta("policy", json.dumps(old_policy))  # a backend restored from backup
    try:
        with pytest.raises(BackendError) as served:
            refresh_config(station.link, station.data_dir, station.keys, clock=CLOCK)
        assert served.value.message.code == "backend.policy_rollback"
        assert StationLink.load(station.data_dir).policy_version == newer["version"]  # type: ignore[union-attr]
    finally:
        running.backend.store.set_meta("policy", json.dumps(newer))
    station.client.http.close()


def test_an_expired_policy_is_refused(running: Running, tmp_path: Path) -> None:
    station = join(running, tmp_path / "station", clock=CLOCK, devices=False)
    assert cached_config(station.link, station.data_dir, CLOCK) is not None
    version = running.backend.policy()["version"]
    CLOCK.advance(dt.timedelta(days=400))  # past the default policy's expiry
    try:
        with pytest.raises(KioskError) as caught:
            refresh_config(station.link, station.data_dir, station.keys, clock=CLOCK)
        assert caught.value.message.code == "station.policy_expired"
        assert cached_config(station.link, station.data_dir, CLOCK) is None  # no offline start on it
        running.backend.set_policy(default_policy(version + 1, CLOCK(), valid_days=30))
        fresh = refresh_config(station.link, station.data_dir, station.keys, clock=CLOCK)
        assert fresh.policy.version == version + 1
    finally:
        CLOCK.reset()
    station.client.http.close()


def test_a_station_clock_ten_minutes_off_is_refused_by_both_sides(running: Running, tmp_path: Path) -> None:
    ahead = MovableClock()
    ahead.advance(dt.timedelta(minutes=10))
    keys = StationKeys.load_or_create(tmp_path / "fast", store="file")
    with pytest.raises(KioskError) as at_register:
        register(tmp_path / "fast", running.enrolment_file, "fast", keys, clock=ahead)
    assert at_register.value.message.code == "station.clock_skew"
    assert 590 <= at_register.value.message.params["seconds"] <= 610
    station = join(running, tmp_path / "station", clock=CLOCK, devices=False)
    skewed = station.link.client(station.data_dir, station.keys, clock=ahead)
    with pytest.raises(BackendError) as caught:
        skewed.config()
    assert caught.value.api_code == "clock_skew" and caught.value.message.code == "backend.error.clock_skew"
    behind = MovableClock()
    behind.advance(dt.timedelta(minutes=-10))
    with pytest.raises(BackendError) as late:
        station.link.client(station.data_dir, station.keys, clock=behind).config()
    assert late.value.api_code == "clock_skew"
    skewed.http.close()
    station.client.http.close()


def test_a_revoked_station_gets_no_configuration_and_no_login(running: Running, tmp_path: Path) -> None:
    station = join(running, tmp_path / "station", clock=CLOCK, devices=False)
    running.backend.revoke_station(station.station_id)
    for call in (
        station.client.config,
        lambda: station.client.password_login("ventanilla", "ventanilla-2026"),
    ):
        with pytest.raises(BackendError) as caught:
            call()
        assert caught.value.api_code == "station_revoked" and not caught.value.retryable
    station.client.http.close()


def test_an_unregistered_station_id_is_unknown(running: Running, tmp_path: Path) -> None:
    station = join(running, tmp_path / "station", clock=CLOCK, devices=False)
    station.client.http.station_id = "st-000000000000"
    with pytest.raises(BackendError) as caught:
        station.client.config()
    assert caught.value.api_code == "unknown_station"
    station.client.http.station_id = station.station_id
    station.client.http.sign = lambda data: StationKeys.generate().sign(data).ed25519  # someone else's key
    with pytest.raises(BackendError) as forged:
        station.client.config()
    assert forged.value.api_code == "unauthenticated"
    station.client.http.close()


@pytest.fixture
def rotating(tmp_path: Path) -> Iterator[Running]:
    server = start_in_thread(tmp_path / "rotating", clock=CLOCK)
    add_users(server)
    yield server
    server.stop()


def test_signing_key_rotation_keeps_stations_that_know_only_the_old_key(
    rotating: Running, tmp_path: Path
) -> None:
    early = join(rotating, tmp_path / "early", clock=CLOCK)
    other = join(rotating, tmp_path / "other", clock=CLOCK)
    old_id = rotating.backend.keys.signing_key_id
    assert set(early.link.signing_keys) == {old_id}
    new_id = rotating.backend.keys.rotate_signing()
    # A receipt signed after the rotation verifies at a station that has not refreshed yet.
    packet = sealed(other)
    body, receipt, _ = other.client.submit(packet.packet_id, packet.blob)
    assert receipt.key_id == new_id and [c.key_id for c in receipt.cosignatures] == [old_id]
    assert body.packet_id == packet.packet_id
    # The configuration announcing the new key is co-signed by the old one, which the station trusts.
    config = refresh_config(early.link, early.data_dir, early.keys, clock=CLOCK)
    assert {k.key_id for k in config.receipt_keys} == {old_id, new_id}
    assert set(StationLink.load(early.data_dir).signing_keys) == {old_id, new_id}  # type: ignore[union-attr]
    # From now on the new key alone is enough.
    document = json.loads(
        unb64(json.loads((early.data_dir / "backend-config.json").read_text())["envelope"]["payload"])
    )
    alone = sign_document(document, rotating.backend.keys.private_signing(new_id), new_id)
    assert verify_config(alone, trusted(early.link)).station_id == early.station_id
    # A station joining now learns both keys from the rewritten enrolment file.
    late = join(rotating, tmp_path / "late", clock=CLOCK, devices=False)
    assert set(late.link.signing_keys) == {old_id, new_id}
    for station in (early, other, late):
        station.client.http.close()


def test_hpke_rotation_keeps_packets_sealed_to_the_old_key_openable(
    rotating: Running, tmp_path: Path
) -> None:
    station = join(rotating, tmp_path / "station", clock=CLOCK)
    old_key = current_key(station)
    before = sealed(station)  # sealed before the station saw the rotation, still in its outbox
    new_id = rotating.backend.keys.rotate_hpke()
    config, _ = station.client.config(station.link.policy_version)
    listed = {k.key_id: k.current for k in config.backend_keys}
    assert listed == {old_key.key_id: False, new_id: True}
    after = sealed(station, sample_manifest(station_id=station.station_id), seed=1)
    assert before.header.key_id == old_key.key_id and after.header.key_id == new_id
    for packet in (before, after):
        body, _, resend = station.client.submit(packet.packet_id, packet.blob)
        assert body.digest == packet.digest and not resend
    stats = rotating.backend.stats()
    assert (stats["accepted"], stats["rejected"]) == (2, 0)
    station.client.http.close()
