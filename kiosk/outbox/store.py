"""The outbox's SQLite file: sealed packets and their states, safe against SIGKILL and power loss.

WAL with synchronous FULL: when `add` returns, the packet survives a power cut. States:
sealed -> sending -> delivered -> purged, or sealed/sending -> rejected (with the backend's reason).
A packet left in `sending` by a crash goes back to `sealed` on the next start; the backend answers its
resend with the original receipt, so a crash between "sent" and "answered" costs one request.
A packet left `delivered` (receipt recorded, bytes not yet dropped) is purged on the next start.
Only sealed (encrypted) packets are ever stored here, and `secure_delete` plus a WAL truncation after
each purge make the dropped bytes leave the file instead of lingering in free pages.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError
from kiosk.packet import header as packet_header
from kiosk.packet.errors import PacketError
from kiosk.private import private_dir
from kiosk.sqlite_db import connect, immediate

STATES = ("sealed", "sending", "delivered", "rejected", "purged")
PENDING = ("sealed", "sending")
SQLITE_FULL = 13

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
CREATE INDEX IF NOT EXISTS packets_folio ON packets (folio);
"""
PURGE_ONE = "UPDATE packets SET state = 'purged', blob = NULL WHERE packet_id = ? AND state = 'delivered'"
WAITING = "SELECT COUNT(*) AS n, MIN(created_at) AS t FROM packets WHERE state IN ('sealed', 'sending')"


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
    delivered_at: float | None = None

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
            row["delivered_at"],
        )


def _is_full(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return (code is not None and code & 0xFF == SQLITE_FULL) or "disk is full" in str(exc)


def _check_sealed(packet_id: str, blob: bytes, digest: str) -> None:
    """Only sealed packets may enter: the clear header must name this packet, the digest these bytes.

    A caller's bug (plaintext records, a mixed-up id or digest) is refused here, before it is stored.
    """
    try:
        named = packet_header.decode(blob).packet_id
    except PacketError:
        named = None
    if named != packet_id:
        raise ValueError(f"packet {packet_id}: not a sealed packet with that id")
    if hashlib.sha256(blob).hexdigest() != digest:
        raise ValueError(f"packet {packet_id}: digest does not match the sealed bytes")


class OutboxStore:
    def __init__(self, path: Path) -> None:
        private_dir(path.parent)
        self.path = path
        self._lock = threading.RLock()
        self._db = connect(path, SCHEMA, secure_delete=True)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return immediate(self._db, self._lock)

    # -- writing ------------------------------------------------------------------------------------
    def add(
        self, packet_id: str, blob: bytes, digest: str, test: bool = False, created_at: float | None = None
    ) -> bool:
        """Store a sealed packet; False when a packet with that id is already here (import twice, resend).

        A full disk raises `outbox.disk_full` and leaves the file as it was: the caller still holds the
        sealed packet in memory and can retry once space is freed.
        """
        return self.add_many([(packet_id, blob, digest, test, created_at)])[0]

    def add_many(self, items: Iterable[tuple[str, bytes, str, bool, float | None]]) -> list[bool]:
        """Several packets in one transaction (an import): all of them are stored, or none."""
        items = list(items)
        for packet_id, blob, digest, _test, _created in items:
            _check_sealed(packet_id, blob, digest)
        try:
            with self._tx() as db:
                return [
                    db.execute(
                        "INSERT OR IGNORE INTO packets "
                        "(packet_id, created_at, state, blob, digest, size, test) "
                        "VALUES (?, ?, 'sealed', ?, ?, ?, ?)",
                        (packet_id, created_at or time.time(), blob, digest, len(blob), int(test)),
                    ).rowcount
                    == 1
                    for packet_id, blob, digest, test, created_at in items
                ]
        except sqlite3.Error as exc:
            if _is_full(exc):
                raise KioskError("outbox.disk_full", path=str(self.path)) from None
            raise KioskError("outbox.write_failed", path=str(self.path), reason=str(exc)) from None

    def restore(self, packets: Iterable[Packet]) -> int:
        """Put back rows read from a damaged outbox (`kiosk.outbox.salvage`), states and receipts kept.

        A row that keeps its sealed bytes must still pass the sealed-packet check (its clear header
        names it, its digest matches): a damaged blob is left out rather than delivered to be refused.
        Returns how many rows were added (an id already here is skipped)."""
        rows = []
        for p in packets:
            if p.state not in STATES or (p.blob is None and p.state in PENDING):
                continue
            if p.blob is not None:
                try:
                    _check_sealed(p.packet_id, p.blob, p.digest)
                except ValueError:
                    continue
            rows.append(
                (p.packet_id, p.created_at, p.state, p.blob, p.digest, p.size, int(p.test), p.attempts,
                 p.last_error, p.reject_code, p.receipt, p.folio, p.delivered_at, p.exported_at)
            )  # fmt: skip
        with self._tx() as db:
            return sum(
                db.execute(
                    "INSERT OR IGNORE INTO packets (packet_id, created_at, state, blob, digest, size, test, "
                    "attempts, last_error, reject_code, receipt, folio, delivered_at, exported_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    row,
                ).rowcount
                for row in rows
            )

    def recover(self) -> int:
        """After a crash: what was being sent goes back to the queue, due now; interrupted purges finish."""
        with self._tx() as db:
            requeued = db.execute(
                "UPDATE packets SET state = 'sealed', next_attempt_at = 0 WHERE state = 'sending'"
            ).rowcount
            purged = db.execute("UPDATE packets SET state = 'purged', blob = NULL WHERE state = 'delivered'")
        if purged.rowcount:
            self.compact()
        return requeued

    def claim_due(self, now: float) -> Packet | None:
        """The next due packet, now marked `sending` with its attempt counted (one claimant per packet).

        This commit alone skips the fsync (synchronous NORMAL): losing it to a power cut only loses the
        `sending` mark, which a restart clears anyway, and one attempt count. The next FULL commit
        (the outcome) makes it durable along with itself.
        """
        with self._lock:
            self._db.execute("PRAGMA synchronous=NORMAL")
            try:
                with self._tx() as db:
                    row = db.execute(
                        "SELECT packet_id FROM packets WHERE state = 'sealed' AND next_attempt_at <= ? "
                        "ORDER BY next_attempt_at, created_at LIMIT 1",
                        (now,),
                    ).fetchone()
                    if row is None:
                        return None
                    db.execute(
                        "UPDATE packets SET state = 'sending', attempts = attempts + 1 WHERE packet_id = ?",
                        (row["packet_id"],),
                    )
                    claimed = db.execute(
                        "SELECT * FROM packets WHERE packet_id = ?", (row["packet_id"],)
                    ).fetchone()
            finally:
                self._db.execute("PRAGMA synchronous=FULL")
        return Packet.from_row(claimed)

    def delivered(
        self,
        packet_id: str,
        receipt: str,
        folio: str,
        now: float,
        before_commit: Callable[[], None] | None = None,
        purge: bool = False,
    ) -> None:
        """Record the verified receipt; with `purge`, drop the sealed bytes in the same commit.

        The sender purges at once (one fsync per delivered packet instead of two); the `delivered`
        state then only shows for packets kept on purpose. `before_commit` runs inside the
        transaction, just before COMMIT (the kill test's `in_commit` point).
        """
        with self._tx() as db:
            db.execute(
                "UPDATE packets SET state = 'delivered', receipt = ?, folio = ?, delivered_at = ?, "
                "last_error = NULL WHERE packet_id = ? AND state IN ('sealed', 'sending')",
                (receipt, folio, now, packet_id),
            )
            if purge:
                db.execute(
                    PURGE_ONE,
                    (packet_id,),
                )
            if before_commit is not None:
                before_commit()

    def purge(self, packet_id: str, compact: bool = True) -> bool:
        """Drop the sealed bytes once the receipt verified: nothing of the person stays at the station.

        The freed pages are zeroed (`secure_delete`); `compact` then folds the WAL into the file at once.
        A sender purging packet after packet passes False and compacts when its queue runs dry.
        """
        with self._tx() as db:
            changed = db.execute(
                PURGE_ONE,
                (packet_id,),
            ).rowcount
        if changed and compact:
            self.compact()
        return bool(changed)

    def compact(self) -> None:
        """Fold the WAL into the database and truncate it, so freed (zeroed) pages replace old copies."""
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

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

    def requeue(self, packet_id: str) -> bool:
        """A rejected packet back in the queue, due now (a supervisor's retry once the cause is fixed:
        a device registered late, a clock put right). Its code stays in `last_error` until the answer."""
        with self._tx() as db:
            return (
                db.execute(
                    "UPDATE packets SET state = 'sealed', next_attempt_at = 0, reject_code = NULL "
                    "WHERE packet_id = ? AND state = 'rejected' AND blob IS NOT NULL",
                    (packet_id,),
                ).rowcount
                == 1
            )

    def purge_rejected(self, packet_id: str) -> bool:
        """Drop a rejected packet's sealed bytes (its retention ran out); the row and its code stay."""
        with self._tx() as db:
            changed = db.execute(
                "UPDATE packets SET state = 'purged', blob = NULL WHERE packet_id = ? AND state = 'rejected'",
                (packet_id,),
            ).rowcount
        if changed:
            self.compact()
        return bool(changed)

    def make_due(self) -> int:
        """`kiosk outbox flush`: try every waiting packet now instead of after its backoff."""
        with self._tx() as db:
            return db.execute("UPDATE packets SET next_attempt_at = 0 WHERE state = 'sealed'").rowcount

    def mark_exported(self, packet_ids: list[str], now: float) -> None:
        with self._tx() as db:
            db.executemany(
                "UPDATE packets SET exported_at = ? WHERE packet_id = ?", [(now, p) for p in packet_ids]
            )

    # -- reading ------------------------------------------------------------------------------------
    def get(self, packet_id: str) -> Packet | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM packets WHERE packet_id = ?", (packet_id,)).fetchone()
        return Packet.from_row(row) if row else None

    def by_folio(self, folio: str) -> Packet | None:
        """The delivered packet the backend gave this folio (its row outlives the purge: reprints)."""
        with self._lock:
            row = self._db.execute("SELECT * FROM packets WHERE folio = ?", (folio,)).fetchone()
        return Packet.from_row(row) if row else None

    def pending(self) -> list[Packet]:
        """Packets not yet delivered, oldest first, with their sealed bytes (for an export)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM packets WHERE state IN ('sealed', 'sending') ORDER BY created_at"
            ).fetchall()
        return [Packet.from_row(r) for r in rows]

    def all(self) -> list[Packet]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM packets ORDER BY created_at").fetchall()
        return [Packet.from_row(r) for r in rows]

    def waiting(self, include_exported: bool = True) -> tuple[int, float | None]:
        """How many packets wait for delivery and when the oldest was sealed (no bytes read)."""
        query = WAITING if include_exported else WAITING + " AND exported_at IS NULL"
        with self._lock:
            row = self._db.execute(query).fetchone()
        return int(row["n"]), row["t"]

    def next_due_at(self) -> float | None:
        with self._lock:
            row = self._db.execute(
                "SELECT MIN(next_attempt_at) AS t FROM packets WHERE state = 'sealed'"
            ).fetchone()
        return row["t"]

    def counts(self) -> dict[str, Any]:
        """Packets per state, the exported ones still waiting, rejections by reason, the oldest pending."""
        with self._lock:
            rows = self._db.execute("SELECT state, COUNT(*) AS n FROM packets GROUP BY state").fetchall()
            reasons = self._db.execute(
                "SELECT reject_code, COUNT(*) AS n FROM packets WHERE state = 'rejected' "
                "GROUP BY reject_code ORDER BY reject_code"
            ).fetchall()
        counts: dict[str, Any] = dict.fromkeys(STATES, 0)
        counts.update({r["state"]: r["n"] for r in rows})
        counts["rejected_by_reason"] = {r["reject_code"]: r["n"] for r in reasons}
        waiting, oldest = self.waiting()
        counts["exported_waiting"] = waiting - self.waiting(include_exported=False)[0]
        counts["oldest_pending_created_at"] = oldest
        return counts

    def integrity(self) -> list[str]:
        """SQLite's own check of the file: `["ok"]` when sound."""
        with self._lock:
            return [r[0] for r in self._db.execute("PRAGMA integrity_check").fetchall()]
