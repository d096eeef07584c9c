"""The outbox kill test against the institute's backend: SIGKILL of an ingest worker, of PostgreSQL and
of the object store while a station delivers, and nothing is lost, nothing doubled, every receipt verifies.

The backend is `kiosk backend serve --workers 2` over PostgreSQL + SeaweedFS, each started here in a
temporary folder (their own, not the session's: this test kills them). The station's sender runs in a
child process (`tests.kiosk.outbox.sender_child`). While it delivers, each part is killed in turn once
some packets went through since the last kill: one uvicorn worker (its supervisor starts another), the
whole PostgreSQL (postmaster and backends at once, as a power cut or OOM kill; restarted a moment
later, it recovers from its WAL), the whole SeaweedFS (restarted likewise). The sender retries what
failed. At the end: the backend accepted each packet exactly once, holds each sealed packet whole in
the object store, and the station holds a verifying receipt for each, every folio distinct.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.backend import parts
from kiosk.backend.objects import S3Objects
from kiosk.backend.pgstore import PgRecords
from kiosk.backend.storage import StoreConfig
from kiosk.benches.fleet import IngestFleet
from kiosk.outbox.delivery import open_outbox, verify_stored_receipt
from kiosk.packet.seal import SealedPacket
from tests.kiosk.backend_store.helpers import Joined, join

PACKETS = 45
ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Scene:
    cluster: parts.PostgreSQL
    objects: parts.SeaweedFS
    storage: StoreConfig
    fleet: IngestFleet
    station: Joined
    packets: dict[str, SealedPacket]


@pytest.fixture
def scene(tmp_path: Path) -> Iterator[Scene]:
    for reason in (parts.missing_postgresql(), parts.missing_seaweedfs()):
        if reason:
            pytest.skip(reason)
    cluster = parts.PostgreSQL.create()
    objects = parts.SeaweedFS.create()
    try:
        storage = StoreConfig(cluster.database("kill"), objects.url("kiosk-kill"))
        fleet = IngestFleet.start(tmp_path / "backend", storage, workers=2)
        try:
            station = join(fleet, tmp_path / "station")
            packets = {p.packet_id: p for p in station.seal(PACKETS)}
            store = open_outbox(station.data_dir)
            for packet in packets.values():
                store.add(packet.packet_id, packet.blob, packet.digest, test=True)
            store.close()
            yield Scene(cluster, objects, storage, fleet, station, packets)
        finally:
            fleet.stop()
    finally:
        objects.remove()
        cluster.remove()


def sender(scene: Scene) -> subprocess.Popen[str]:
    env = {**os.environ, "KIOSK_DATA_DIR": str(scene.station.data_dir)}
    env.pop("KIOSK_FAULT_POINT", None)
    return subprocess.Popen(
        [sys.executable, "-m", "tests.kiosk.outbox.sender_child", str(scene.station.data_dir)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def accepted(scene: Scene) -> int:
    records = PgRecords(scene.storage.database or "")
    try:
        return int(records.one("SELECT COUNT(*) FROM packets")[0])
    finally:
        records.close()


def wait_for_progress(scene: Scene, since: int, child: subprocess.Popen[str], step: int = 4) -> int:
    """Until `step` more packets were accepted (or the sender ended): the kill lands mid-delivery."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and child.poll() is None:
        now = accepted(scene)
        if now >= since + step:
            return now
        time.sleep(0.05)
    return accepted(scene)


def kill_worker(scene: Scene) -> None:
    workers = scene.fleet.worker_pids()
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)


def kill_restart(part: parts.PostgreSQL | parts.SeaweedFS) -> Callable[[Scene], None]:
    def kill(scene: Scene) -> None:
        part.kill()
        time.sleep(1.0)  # requests fail meanwhile; the station keeps them and tries again
        part.start()

    return kill


def test_sigkill_of_worker_database_and_object_store_loses_nothing_and_doubles_nothing(scene: Scene) -> None:
    child = sender(scene)
    assert child.stdout is not None
    assert json.loads(child.stdout.readline())["ready"]
    victims = [
        ("ingest worker", kill_worker),
        ("PostgreSQL", kill_restart(scene.cluster)),
        ("SeaweedFS", kill_restart(scene.objects)),
    ]
    seen = 0
    killed = []
    for name, kill in victims:
        seen = wait_for_progress(scene, seen, child)
        if child.poll() is not None:
            break
        kill(scene)
        killed.append(name)
    assert killed == [name for name, _ in victims], f"the sender finished before every kill: {killed}"

    out, _ = child.communicate(timeout=180)
    done = json.loads(out.strip().splitlines()[-1])
    if done["waiting"]:  # its own deadline passed while a part was down: a new run finishes
        again = sender(scene)
        out, _ = again.communicate(timeout=180)
        done = json.loads(out.strip().splitlines()[-1])
    assert done["done"] and done["waiting"] == 0

    store = open_outbox(scene.station.data_dir)
    client = scene.station.client()
    folios = set()
    try:
        for packet_id, packet in scene.packets.items():
            kept = store.get(packet_id)
            assert kept is not None and kept.digest == packet.digest and kept.receipt
            assert verify_stored_receipt(client, packet_id, packet.digest, kept.receipt)
            folios.add(kept.folio)
    finally:
        store.close()
        client.http.close()
    assert len(folios) == PACKETS

    records = PgRecords(scene.storage.database or "")
    objects = S3Objects(scene.storage.objects or "")
    try:
        events = [r["packet_id"] for r in records.all("SELECT packet_id FROM events WHERE kind = 'accepted'")]
        rows = records.all("SELECT packet_id, digest FROM packets")
        rejected = records.one("SELECT COUNT(*) FROM events WHERE kind = 'rejected'")[0]
        for row in rows:
            assert objects.get(row["digest"]) == scene.packets[row["packet_id"]].blob
    finally:
        objects.close()
        records.close()
    deadline = time.monotonic() + 60
    while len(scene.fleet.worker_pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(scene.fleet.worker_pids()) == 2  # the supervisor replaced the killed worker
    assert sorted(events) == sorted(scene.packets)  # each accepted exactly once
    assert sorted(r["packet_id"] for r in rows) == sorted(scene.packets)
    assert rejected == 0
