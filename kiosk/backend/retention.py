"""How long the backend keeps the packets it refused, and their purge.

A packet refused at intake (a bad signature, an unregistered device, a reused packet id, ...) keeps its
sealed bytes, still encrypted to the backend as the station sent them, so support can see why a
station's packets are refused (`kiosk backend rejected --out DIR`, then `inspect-packet`). Within
bounds: none older than `days`, no more than the newest `max_count` (a station sending garbage must
not fill the object store). Past them the purge deletes the copies; it runs in every serving process
on a schedule (one process per interval does the work: a lease in the store) and on command
(`kiosk backend purge-rejected`), and says what it did in one line of counts: never a packet id, a
station or a digest. Accepted packets are never touched: they live in another area of the object store,
and the object store offers no way to delete one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import threading
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from kiosk.clock import parse_rfc3339, rfc3339

if TYPE_CHECKING:
    from kiosk.backend.service import Backend

DEFAULT_DAYS = 30
DEFAULT_MAX_COUNT = 10_000  # ~5 GB of refused packets at the institute's ~0.5 MB each
SCHEDULE_S = 3600.0
SCHEDULE_ENV = "KIOSK_BACKEND_PURGE_EVERY_S"  # the schedule's interval for a deployment (or a test)
SETTING = "rejected_retention"  # meta: the retention every process of this store follows
LEASE = "rejected_purged_at"  # meta: when a process last purged on schedule
log = logging.getLogger("kiosk.backend.retention")


@dataclass(frozen=True)
class Retention:
    days: int = DEFAULT_DAYS
    max_count: int = DEFAULT_MAX_COUNT

    def __post_init__(self) -> None:
        if self.days < 0 or self.max_count < 0:
            raise ValueError("a retention is zero or more days and packets")


@dataclass(frozen=True)
class Purged:
    packets: int
    bytes: int
    kept: int
    days: int
    max_count: int


def configured(backend: Backend) -> Retention:
    saved = backend.store.meta(SETTING)
    return Retention(**json.loads(saved)) if saved else Retention()


def configure(backend: Backend, retention: Retention) -> Retention:
    """The retention of this store from now on (every ingest process reads it at its next purge)."""
    backend.store.set_meta(SETTING, json.dumps(asdict(retention)))
    return retention


def keep(backend: Backend, code: str, station_id: str, packet_id: str, blob: bytes) -> None:
    """Keep a refused packet's sealed bytes for support; a copy, so failing to keep it never changes
    the answer the station gets (the packet is refused either way)."""
    digest = hashlib.sha256(blob).hexdigest()
    try:
        backend.objects.put_rejected(digest, blob)
        backend.store.run(
            "INSERT INTO rejected_packets (digest, packet_id, station_id, size, code, received_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(digest) DO UPDATE SET packet_id = excluded.packet_id, "
            "station_id = excluded.station_id, code = excluded.code, received_at = excluded.received_at",
            digest,
            packet_id,
            station_id,
            len(blob),
            code,
            backend.now(),
        )
        limit = configured(backend).max_count
        if int(backend.store.one("SELECT COUNT(*) AS n FROM rejected_packets")["n"]) > limit:
            purge(backend)  # over the count: the oldest go now, not at the next scheduled purge
    except Exception as exc:  # a copy for support: the refusal stands without it
        log.warning("a refused packet could not be kept for support (%s)", type(exc).__name__)


def purge(backend: Backend, retention: Retention | None = None) -> Purged:
    """Delete the copies older than the retention's days and beyond its newest `max_count`."""
    retention = retention or configured(backend)
    cutoff = rfc3339(backend.clock() - dt.timedelta(days=retention.days))
    rows = backend.store.all(
        "SELECT digest, size, received_at FROM rejected_packets ORDER BY received_at DESC, digest DESC"
    )
    doomed = [r for n, r in enumerate(rows) if n >= retention.max_count or r["received_at"] < cutoff]
    purged = size = 0
    for row in doomed:
        # The copy first, then its row: a purge stopped between the two is finished by the next one.
        backend.objects.delete_rejected(row["digest"])
        if backend.store.run(
            "DELETE FROM rejected_packets WHERE digest = ? AND received_at = ?",
            row["digest"],
            row["received_at"],
        ):
            purged += 1
            size += int(row["size"])
    result = Purged(purged, size, len(rows) - purged, retention.days, retention.max_count)
    if purged:
        backend.store.event("purge", backend.now(), "rejected_retention")
        log.info(
            "purged %d refused packets (%d bytes) kept longer than %d days or beyond the newest %d; %d kept",
            purged,
            size,
            retention.days,
            retention.max_count,
            result.kept,
        )
    return result


def purge_if_due(backend: Backend, every_s: float = SCHEDULE_S) -> Purged | None:
    """The scheduled purge: done by the first process whose turn it is, skipped by the others."""
    now = backend.clock()
    with backend.store.transaction() as db:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (LEASE,)).fetchone()
        if row is not None and (now - parse_rfc3339(row["value"])).total_seconds() < every_s:
            return None
        db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = ?",
            (LEASE, rfc3339(now), rfc3339(now)),
        )
    return purge(backend)


class Schedule:
    """A serving process's purge, every `every_s` seconds (checked `every_s / 4` apart), until stopped."""

    def __init__(self, backend: Backend, every_s: float | None = None) -> None:
        self.backend = backend
        self.every_s = float(os.environ.get(SCHEDULE_ENV, SCHEDULE_S)) if every_s is None else every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rejected-retention", daemon=True)

    def start(self) -> Schedule:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                purge_if_due(self.backend, self.every_s)
            except Exception as exc:  # the store may be away for a while: try next time
                log.warning("the scheduled purge of refused packets failed (%s)", type(exc).__name__)
            self._stop.wait(max(0.05, self.every_s / 4))
