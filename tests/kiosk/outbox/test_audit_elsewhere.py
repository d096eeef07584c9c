"""The outbox's overview and its salvage read the station's own audit log, wherever it lives.

Both cross-check the outbox with the log's `seal` entries. Reading the default `<data>/audit` instead
of the station's log would find nothing sealed there and call a gutted outbox whole: the overview
would show no damage and the salvage would not go looking for the missing packets."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from kiosk.api import models
from kiosk.audit import AuditLog, events
from kiosk.outbox.health import OUTBOX_FILE
from kiosk.outbox.overview import for_station, look
from kiosk.outbox.salvage import salvage
from kiosk.outbox.store import OutboxStore
from kiosk.policy import default_policy
from tests.kiosk.outbox.helpers import add_fake

NOW = 1_800_000_000.0
LOOSE = {"max_undelivered": 100, "max_oldest_undelivered_s": 72 * 3600}


def _station(tmp_path: Path, count: int = 3) -> tuple[Path, AuditLog, list[str]]:
    """A data folder with `count` sealed packets, its audit log kept in a folder of its own."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    audit = AuditLog(tmp_path / "logs" / "audit")
    store = OutboxStore(data_dir / OUTBOX_FILE)
    ids = add_fake(store, count, created_at=NOW)
    store.close()
    for packet_id in ids:
        audit.append(events.SEAL, fields={"packet_id": packet_id})
    return data_dir, audit, ids


def _drop(data_dir: Path, packet_id: str) -> None:
    with closing(sqlite3.connect(data_dir / OUTBOX_FILE)) as db, db:
        db.execute("DELETE FROM packets WHERE packet_id = ?", (packet_id,))


def test_the_overview_reads_the_log_it_is_given(tmp_path: Path) -> None:
    data_dir, audit, ids = _station(tmp_path)
    _drop(data_dir, ids[0])
    store = OutboxStore(data_dir / OUTBOX_FILE)
    try:
        view = look(store, data_dir, LOOSE, 3600, NOW, audit.directory)
        assert view.health.state == "missing" and [m.packet_id for m in view.health.missing] == ids[:1]
        assert look(store, data_dir, LOOSE, 3600, NOW).health.state == "ok"  # no log in <data>/audit
        document = default_policy(1, datetime.fromtimestamp(NOW, UTC))
        station = SimpleNamespace(
            outbox=store,
            data_dir=data_dir,
            policy=models.Policy.model_validate(document),
            clock=lambda: NOW,
            audit=audit,
        )
        seen = for_station(station, "technician")
        assert seen.health.state == "missing" and seen.health.missing[0].packet_id == ids[0]
    finally:
        store.close()


def test_salvage_asks_the_backend_for_what_the_station_s_log_sealed(tmp_path: Path) -> None:
    """A row gone from a sound file: salvage finds it missing by the station's log, asks the backend
    for it, and reports it lost when the backend does not have it."""
    data_dir, audit, ids = _station(tmp_path)
    _drop(data_dir, ids[1])
    asked: list[str] = []

    def ask(packet_id: str) -> tuple[str, str, str] | None:
        asked.append(packet_id)
        return None

    report = salvage(data_dir, audit, ask_backend=ask)
    assert asked == [ids[1]]
    assert [lost["packet_id"] for lost in report.lost] == [ids[1]] and not report.reconciled
