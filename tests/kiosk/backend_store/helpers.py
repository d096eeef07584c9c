"""Ingest processes for the multi-process and kill tests, on either store."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from kiosk.backend import parts
from kiosk.backend.storage import StoreConfig
from kiosk.benches.fleet import IngestFleet, join_station
from kiosk.client.backend import BackendClient
from kiosk.packet.keys import BackendPublicKey
from kiosk.packet.samples import sample_manifest, sample_records
from kiosk.packet.seal import SealedPacket, seal
from kiosk.station.keys import StationKeys
from kiosk.station.link import StationLink


def storage_for(
    kind: str, cluster: parts.PostgreSQL | None, objects: parts.SeaweedFS | None, tag: str
) -> StoreConfig:
    if kind == "sqlite":
        return StoreConfig()
    assert cluster is not None and objects is not None
    return StoreConfig(cluster.database(), objects.url("kiosk-tests", tag))


@dataclasses.dataclass
class Joined:
    data_dir: Path
    link: StationLink
    keys: StationKeys
    recipient: BackendPublicKey

    def client(self, url: str | None = None) -> BackendClient:
        link = dataclasses.replace(self.link, url=url) if url else self.link
        return link.client(self.data_dir, self.keys, timeout=30.0)

    def seal(self, count: int) -> list[SealedPacket]:
        records = sample_records()
        return [
            seal(sample_manifest(station_id=self.link.station_id), records, self.keys, self.recipient)
            for _ in range(count)
        ]


def join(fleet: IngestFleet, data_dir: Path) -> Joined:
    join_station(fleet, data_dir, "Ventanilla de prueba")
    link = StationLink.load(data_dir)
    assert link is not None
    keys = StationKeys.load_or_create(data_dir, store="file")
    client = link.client(data_dir, keys)
    config, _ = client.config()
    client.http.close()
    recipient = BackendPublicKey.from_json(next(k for k in config.backend_keys if k.current).model_dump())
    return Joined(data_dir, link, keys, recipient)
