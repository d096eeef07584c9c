"""Outbox test helpers: a fake clock, packet-shaped blobs, sealed packets for a loopback backend.

The store and sender do not open packets, so unit tests use blobs with a real clear header (import
checks it) and random bytes after it. Tests that deliver use real sealed packets and a real reference
backend.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

from kiosk.backend.operators import add_user
from kiosk.backend.server import Running, start_in_thread
from kiosk.outbox.store import OutboxStore
from kiosk.packet.header import PacketHeader
from kiosk.packet.ids import new_packet_id
from kiosk.packet.keys import BackendPublicKey, PacketSuite
from kiosk.packet.samples import sample_manifest, sample_records
from kiosk.packet.seal import SealedPacket, seal
from tests.fixtures.backend import TECH_PASSWORD, Station, join

PAGE = 4096  # SQLite's default page size, which the outbox keeps


def leaf_pages(path: Path) -> list[int]:
    """The (0-based) pages of a database file that are table b-tree leaves."""
    data = path.read_bytes()
    return [p for p in range(1, len(data) // PAGE) if data[p * PAGE] == 0x0D]


def damage_pages(path: Path, pages: list[int]) -> None:
    """Overwrite each page's b-tree header: SQLite then calls the file malformed when it gets there."""
    data = bytearray(path.read_bytes())
    for page in pages:
        data[page * PAGE : page * PAGE + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def fake_blob(packet_id: str, size: int = 2048, seed: int = 0) -> bytes:
    """A blob shaped like a sealed packet: the real clear header, then random bytes."""
    header = PacketHeader(packet_id, PacketSuite.X25519, "kem-test").encode()
    return header + random.Random(seed).randbytes(size)


def add_fake(store: OutboxStore, count: int, created_at: float = 1_800_000_000.0) -> list[str]:
    ids = []
    for i in range(count):
        packet_id = new_packet_id()
        blob = fake_blob(packet_id, seed=i)
        store.add(packet_id, blob, hashlib.sha256(blob).hexdigest(), created_at=created_at + i)
        ids.append(packet_id)
    return ids


@dataclass
class Loopback:
    running: Running
    station: Station
    recipient: BackendPublicKey
    records: dict[str, bytes]

    def seal(self) -> SealedPacket:
        manifest = sample_manifest(station_id=self.station.link.station_id)
        return seal(manifest, self.records, self.station.keys, self.recipient)

    def close(self) -> None:
        self.station.client.http.close()
        self.running.stop()


def start_loopback(root: Path) -> Loopback:
    """A reference backend and a station registered with it (stop with `close`)."""
    running = start_in_thread(root / "backend")
    add_user(running.backend, "tecnico", "Técnico de prueba", "technician", TECH_PASSWORD)
    station = join(running, root / "station")
    config, _ = station.client.config()
    recipient = BackendPublicKey.from_json(next(k for k in config.backend_keys if k.current).model_dump())
    return Loopback(running, station, recipient, sample_records())
