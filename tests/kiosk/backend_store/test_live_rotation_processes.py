"""Keys rotated by a command while two ingest processes serve one store: both follow, no restart.

Two `kiosk backend serve` instances (separate processes, separate ports) share the backend folder and
the store; `kiosk backend rotate-keys` runs in a third process's place (this one) against them. Each
instance re-reads the keys' rows on every request here (`KIOSK_BACKEND_KEYS_REFRESH_S=0`), so right
after the command both announce the new packet key, both sign receipts with the new signing key, and
both still open packets sealed to the old key (the grace window).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.backend import keys as backend_keys
from kiosk.benches.fleet import IngestFleet
from kiosk.cli.main import main
from kiosk.packet.keys import BackendPublicKey
from kiosk.packet.samples import sample_manifest, sample_records
from kiosk.packet.seal import seal
from tests.kiosk.backend_store.helpers import join, storage_for


@pytest.fixture(params=["sqlite", "postgresql+s3"])
def two_instances(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[IngestFleet, IngestFleet]]:
    monkeypatch.setenv(backend_keys.REFRESH_ENV, "0")  # inherited by the instances
    cluster = objects = None
    if request.param != "sqlite":
        cluster = request.getfixturevalue("pg_cluster")
        objects = request.getfixturevalue("seaweed")
    storage = storage_for(request.param, cluster, objects, tmp_path.name)
    first = IngestFleet.start(tmp_path / "backend", storage, workers=1)
    try:
        second = IngestFleet.start(tmp_path / "backend", storage, workers=1)
        try:
            yield first, second
        finally:
            second.stop()
    finally:
        first.stop()


def rotate(fleet: IngestFleet, capsys: pytest.CaptureFixture[str], kind: str) -> str:
    options = ["--database", fleet.storage.database] if fleet.storage.database else []
    options += ["--objects", fleet.storage.objects] if fleet.storage.objects else []
    capsys.readouterr()
    argv = ["--lang", "en", "backend", "rotate-keys", "--backend-dir", str(fleet.directory), "--kind", kind]
    code = main([*argv, *options, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return str(json.loads(out)["key_id"])


def test_both_processes_follow_a_rotation_made_while_they_serve(
    two_instances: tuple[IngestFleet, IngestFleet], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = two_instances
    assert first.process.pid != second.process.pid
    station = join(first, tmp_path / "station")
    clients = [station.client(first.url), station.client(second.url)]
    old_hpke = station.recipient.key_id
    waiting = station.seal(2)  # sealed to the old key, not yet delivered
    old_signing = clients[0].config()[1]["key_id"]

    new_signing = rotate(first, capsys, "signing")
    new_hpke = rotate(first, capsys, "hpke")
    assert new_signing != old_signing and new_hpke != old_hpke

    records = sample_records()
    for n, client in enumerate(clients):
        config, envelope = client.config()
        assert envelope["key_id"] == new_signing  # signed by the new key, co-signed by the old
        assert old_signing in [c["key_id"] for c in envelope["cosignatures"]]
        current = next(k for k in config.backend_keys if k.current)
        assert current.key_id == new_hpke
        recipient = BackendPublicKey.from_json(current.model_dump())
        fresh = seal(sample_manifest(station_id=station.link.station_id), records, station.keys, recipient)
        for packet in (fresh, waiting[n]):  # the new key's packet, and one sealed before the rotation
            body, receipt, resend = client.submit(packet.packet_id, packet.blob)  # verifies the receipt
            assert body.digest == packet.digest and not resend
            assert receipt.key_id == new_signing
    for client in clients:
        client.http.close()
