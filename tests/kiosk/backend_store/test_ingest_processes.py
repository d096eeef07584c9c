"""Two ingest processes on one store: each packet accepted once, receipts alike whoever signs them.

Two `kiosk backend serve` instances (separate processes, separate ports) share one backend folder
(keys, certificates) and one store. Every packet is sent twice to each at the same moment from four
threads: the database lets exactly one copy be accepted; the three others get the original receipt.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kiosk.backend.service import Backend
from kiosk.benches.fleet import IngestFleet
from tests.kiosk.backend_store.helpers import join, storage_for

PACKETS = 8


@pytest.fixture(params=["sqlite", "postgresql+s3"])
def two_instances(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[IngestFleet, IngestFleet]]:
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


def test_a_packet_sent_to_two_processes_at_once_is_accepted_once(
    two_instances: tuple[IngestFleet, IngestFleet], tmp_path: Path
) -> None:
    first, second = two_instances
    assert first.url != second.url and first.process.pid != second.process.pid
    station = join(first, tmp_path / "station")
    packets = station.seal(PACKETS)
    clients = [station.client(first.url), station.client(second.url)] * 2

    def send(args: tuple[int, int]) -> tuple[str, str, bool]:
        n, which = args
        packet = packets[n]
        body, _receipt, duplicate = clients[which].submit(
            packet.packet_id, packet.blob
        )  # verifies the signature
        return packet.packet_id, body.folio, duplicate

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(send, [(n, w) for n in range(PACKETS) for w in range(4)]))
    for client in clients[:2]:
        client.http.close()

    for packet in packets:
        mine = [a for a in answers if a[0] == packet.packet_id]
        assert len(mine) == 4
        assert sum(1 for a in mine if not a[2]) == 1  # one acceptance, three resends
        assert len({a[1] for a in mine}) == 1  # the same folio (the original receipt) to every copy

    backend = Backend(first.directory, storage=first.storage)
    try:
        stats = backend.stats()
        accepted = [
            r["packet_id"] for r in backend.store.all("SELECT packet_id FROM events WHERE kind = 'accepted'")
        ]
        for packet in packets:
            assert backend.objects.get(packet.digest) == packet.blob  # the sealed packet is kept, whole
    finally:
        backend.close()
    assert sorted(accepted) == sorted(p.packet_id for p in packets)
    assert (stats["accepted"], stats["duplicates"], stats["rejected"]) == (PACKETS, 3 * PACKETS, 0)
    assert len({a[1] for a in answers}) == PACKETS  # folios unique across the two processes
