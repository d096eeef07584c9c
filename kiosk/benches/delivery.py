"""`kiosk bench` rows of delivery (registered as `delivery` in `kiosk.benchmarks`).

A reference backend runs on loopback in a temporary folder with a station registered to it; the
packets are real sealed ten-print + face packets, prebuilt before timing. `delivery.packets_per_second`
is the whole outbox path (claim, submit over TLS, backend opens and verifies and stores, receipt
verified, recorded, purged, WAL folded at the end) one packet after the other, as the sender does;
`delivery.submit_per_second` is the bare client call, to tell the backend's share from the outbox's.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.api import models
from kiosk.bench import Row, row_ms, row_rate, time_ms

if TYPE_CHECKING:
    from kiosk.backend.server import Running
    from kiosk.client.backend import BackendClient
    from kiosk.packet.seal import SealedPacket
    from kiosk.station.keys import StationKeys
    from kiosk.station.link import StationLink

TECH = ("bench-tecnico", "bench-tecnico-2026")


def _station(root: Path) -> tuple[Running, StationLink, StationKeys, BackendClient]:
    """(running backend, station link, station keys, client) for a fresh station on a fresh backend."""
    from kiosk.backend.operators import add_user
    from kiosk.backend.server import start_in_thread
    from kiosk.packet.samples import sample_manifest
    from kiosk.station.keys import StationKeys
    from kiosk.station.link import register

    running = start_in_thread(root / "backend")
    add_user(running.backend, TECH[0], "Bench", "technician", TECH[1])
    keys = StationKeys.load_or_create(root / "station", store="file")
    link, _config = register(root / "station", running.enrolment_file, "Bench station", keys)
    client = link.client(root / "station", keys)
    session = client.password_login(*TECH)
    for device in sample_manifest().devices:
        client.register_device(
            session.token,
            models.DeviceRegistration.model_validate(
                {k: getattr(device, k) for k in ("kind", "driver", "vendor", "model", "serial")}
            ),
        )
    client.logout(session.token)
    return running, link, keys, client


def rows(quick: bool) -> Iterator[Row]:
    from kiosk.outbox.delivery import deliver_with, open_outbox
    from kiosk.outbox.sender import Sender
    from kiosk.packet.keys import BackendPublicKey
    from kiosk.packet.samples import sample_manifest, sample_records
    from kiosk.packet.seal import seal

    runs, per_run = (2, 15) if quick else (5, 60)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-delivery-") as folder:
        root = Path(folder)
        running, link, keys, client = _station(root)
        try:
            config, _ = client.config()
            recipient = BackendPublicKey.from_json(
                next(k for k in config.backend_keys if k.current).model_dump()
            )
            records = sample_records()

            def packets(n: int) -> list[SealedPacket]:
                return [
                    seal(sample_manifest(station_id=link.station_id), records, keys, recipient)
                    for _ in range(n)
                ]

            rates = []
            size = 0
            for run in range(runs):
                store = open_outbox(root / f"outbox-{run}")
                batch = packets(per_run)
                size = len(batch[0].blob) // 1024
                for packet in batch:
                    store.add(packet.packet_id, packet.blob, packet.digest, test=True)
                sender = Sender(store, deliver_with(client))
                start = time.perf_counter()
                outcomes = sender.drain()
                sender.deliver_one()  # the queue is dry: this folds the WAL, part of the cost
                elapsed = time.perf_counter() - start
                store.close()
                if [o.result for o in outcomes] != ["delivered"] * per_run:
                    raise RuntimeError(f"bench delivery failed: {outcomes[-1:]}")
                rates.append(per_run / elapsed)
            yield row_rate(
                "delivery.packets_per_second",
                "packets/s",
                rates,
                ">= 50",
                f"outbox -> loopback reference backend over TLS, {per_run} packets of {size} KiB per run",
            )

            bare = []
            for _ in range(runs):
                batch = packets(per_run)
                start = time.perf_counter()
                for packet in batch:
                    client.submit(packet.packet_id, packet.blob)
                bare.append(per_run / (time.perf_counter() - start))
            yield row_rate(
                "delivery.submit_per_second",
                "packets/s",
                bare,
                "",
                "client.submit alone (no outbox): the backend's and the network's share",
            )

            packet = packets(1)[0]
            _body, envelope, _ = client.submit(packet.packet_id, packet.blob)
            yield row_ms(
                "delivery.verify_receipt",
                time_ms(
                    lambda: client.verify_receipt(envelope, packet.packet_id, packet.blob),
                    50 if quick else 200,
                ),
                "",
                "Ed25519 signature(s), packet id and SHA-256 digest of the sealed packet",
            )
        finally:
            client.http.close()
            running.stop()
