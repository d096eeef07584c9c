"""The outbox's SQLite file: sealed packets and their states, safe against SIGKILL and power loss.

WAL with synchronous FULL: when `add` returns, the packet survives a power cut. States:
sealed -> sending -> delivered -> purged, or sealed -> rejected (with the backend's reason).
A packet left in `sending` by a crash goes back to `sealed` on the next start; the backend answers its
resend with the original receipt, so a crash between "sent" and "answered" costs one request.
Only sealed (encrypted) packets are ever stored here.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STATES = ("sealed", "sending", "delivered", "rejected", "purged")
PENDING = ("sealed", "sending")

SCHEMA = """
CREATE TABLE IF NOT EXISTS packets (
    packet_id TEXT PRIMARY KEY,
    created_at REAL NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('sealed', 'sending', 'delivered', 'rejected', 'purged')),
    blob BLOB,
    digest TEXT NOT NULL,
    size INTEGER NOT NULL,
    test INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    reject_code TEXT,
    receipt TEXT,
    folio TEXT,
    delivered_at REAL,
    exported_at REAL
);
CREATE INDEX IF NOT EXISTS packets_due ON packets (state, next_attempt_at);
"""


@dataclass(frozen=True)
class Packet:
    packet_id: str
    state: str
    blob: bytes | None
    digest: str
    size: int
    created_at: float
    attempts: int
    next_attempt_at: float
    last_error: str | None
    reject_code: str | None
    receipt: str | None
    folio: str | None
    test: bool
    exported_at: float | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Packet:
        return cls(
            row["packet_id"],
            row["state"],
            row["blob"],
            row["digest"],
            row["size"],
            row["created_at"],
            row["attempts"],
            row["next_attempt_at"],
            row["last_error"],
            row["reject_code"],
            row["receipt"],
            row["folio"],
            bool(row["test"]),
            row["exported_at"],
        )


class OutboxStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def add(
        self, packet_id: str, blob: bytes, digest: str, test: bool = False, created_at: float | None = None
    ) -> bool:
        """Store a sealed packet; False when a packet with that id is already here (import twice, resend)."""
        with self._tx() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO packets (packet_id, created_at, state, blob, digest, size, test) "
                "VALUES (?, ?, 'sealed', ?, ?, ?, ?)",
                (packet_id, created_at or time.time(), blob, digest, len(blob), int(test)),
            )
            return cursor.rowcount == 1

    def recover(self) -> int:
        """After a crash: whatever was being sent goes back to the queue, due now."""
        with self._tx() as db:
            return db.execute(
                "UPDATE packets SET state = 'sealed', next_attempt_at = 0 WHERE state = 'sending'"
            ).rowcount

    def claim_due(self, now: float) -> Packet | None:
        with self._tx() as db:
            row = db.execute(
                "SELECT * FROM packets WHERE state = 'sealed' AND next_attempt_at <= ? "
                "ORDER BY next_attempt_at, created_at LIMIT 1",
                (now,),
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE packets SET state = 'sending', attempts = attempts + 1 WHERE packet_id = ?",
                (row["packet_id"],),
            )
        return Packet.from_row(row)

    def delivered(self, packet_id: str, receipt: str, folio: str, now: float) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE packets SET state = 'delivered', receipt = ?, folio = ?, delivered_at = ?, "
                "last_error = NULL WHERE packet_id = ? AND state IN ('sealed', 'sending')",
                (receipt, folio, now, packet_id),
            )

    def purge(self, packet_id: str) -> None:
        """Drop the sealed bytes once the receipt verified: nothing of the person stays at the station."""
        with self._tx() as db:
            db.execute(
                "UPDATE packets SET state = 'purged', blob = NULL "
                "WHERE packet_id = ? AND state = 'delivered'",
                (packet_id,),
            )

    def retry_later(self, packet_id: str, error: str, at: float) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE packets SET state = 'sealed', last_error = ?, next_attempt_at = ? "
                "WHERE packet_id = ? AND state = 'sending'",
                (error, at, packet_id),
            )

    def reject(self, packet_id: str, code: str) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE packets SET state = 'rejected', reject_code = ?, last_error = ? "
                "WHERE packet_id = ? AND state IN ('sealed', 'sending')",
                (code, code, packet_id),
            )

    def make_due(self) -> int:
        """`kiosk outbox flush`: try every waiting packet now instead of after its backoff."""
        with self._tx() as db:
            return db.execute("UPDATE packets SET next_attempt_at = 0 WHERE state = 'sealed'").rowcount

    def mark_exported(self, packet_ids: list[str], now: float) -> None:
        with self._tx() as db:
            db.executemany(
                "UPDATE packets SET exported_at = ? WHERE packet_id = ?", [(now, p) for p in packet_ids]
            )

    def get(self, packet_id: str) -> Packet | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM packets WHERE packet_id = ?", (packet_id,)).fetchone()
        return Packet.from_row(row) if row else None

    def pending(self) -> list[Packet]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM packets WHERE state IN ('sealed', 'sending') ORDER BY created_at"
            ).fetchall()
        return [Packet.from_row(r) for r in rows]

    def counts(self) -> dict[str, Any]:
        with self._lock:
            rows = self._db.execute("SELECT state, COUNT(*) AS n FROM packets GROUP BY state").fetchall()
            oldest = self._db.execute(
                "SELECT MIN(created_at) AS t FROM packets WHERE state IN ('sealed', 'sending')"
            ).fetchone()["t"]
        counts: dict[str, Any] = dict.fromkeys(STATES, 0)
        counts.update({r["state"]: r["n"] for r in rows})
        counts["oldest_pending_created_at"] = oldest
        return counts
