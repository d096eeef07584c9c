"""The reference backend's state in one SQLite file.

One connection guarded by a lock: the backend's work per request is small (a few milliseconds of
crypto), and one writer keeps "each packet accepted exactly once" a plain primary-key fact.
WAL with synchronous FULL: an accepted packet survives a power cut once its receipt was sent.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from kiosk.backend.migrations import migrate_sqlite
from kiosk.sqlite_db import connect, immediate

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY, created_at TEXT NOT NULL, expires_at TEXT NOT NULL,
    used_at TEXT, station_id TEXT);
CREATE TABLE IF NOT EXISTS stations (
    station_id TEXT PRIMARY KEY, name TEXT NOT NULL, ed25519 TEXT NOT NULL, mldsa65 TEXT NOT NULL,
    software_version TEXT NOT NULL, registered_at TEXT NOT NULL, revoked_at TEXT);
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY, operator_id TEXT UNIQUE NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL,
    password_hash TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS password_expired (username TEXT PRIMARY KEY, since TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS login_failures (username TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS login_failures_user ON login_failures (username, at);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY, operator_id TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL,
    auth TEXT NOT NULL, certificate_number TEXT, rfc TEXT, station_id TEXT NOT NULL,
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL, ended_at TEXT);
CREATE TABLE IF NOT EXISTS challenges (
    challenge_id TEXT PRIMARY KEY, station_id TEXT NOT NULL, challenge BLOB NOT NULL,
    expires_at TEXT NOT NULL, used_at TEXT);
CREATE TABLE IF NOT EXISTS persons (
    curp TEXT PRIMARY KEY, nss TEXT UNIQUE, name TEXT NOT NULL, birth_date TEXT,
    biometric_status TEXT NOT NULL DEFAULT 'none');
CREATE TABLE IF NOT EXISTS devices (
    station_id TEXT NOT NULL, serial TEXT NOT NULL, kind TEXT NOT NULL, driver TEXT NOT NULL,
    vendor TEXT NOT NULL, model TEXT NOT NULL, registered_at TEXT NOT NULL,
    PRIMARY KEY (station_id, serial));
CREATE TABLE IF NOT EXISTS packets (
    packet_id TEXT PRIMARY KEY, station_id TEXT NOT NULL, digest TEXT NOT NULL, size INTEGER NOT NULL,
    received_at TEXT NOT NULL, folio TEXT UNIQUE NOT NULL, receipt TEXT NOT NULL, test INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL, code TEXT,
    station_id TEXT, packet_id TEXT);
CREATE TABLE IF NOT EXISTS nonces (
    station_id TEXT NOT NULL, nonce TEXT NOT NULL, keep_until REAL NOT NULL,
    PRIMARY KEY (station_id, nonce));
CREATE INDEX IF NOT EXISTS nonces_expiry ON nonces (keep_until);
CREATE TABLE IF NOT EXISTS audit_checkpoints (
    station_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL, ts TEXT NOT NULL,
    file TEXT NOT NULL, sig TEXT NOT NULL, received_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS diagnostics (
    report_id TEXT PRIMARY KEY, station_id TEXT NOT NULL, received_at TEXT NOT NULL, report TEXT NOT NULL);
"""


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._db = connect(path, SCHEMA)
        with self._lock:
            migrate_sqlite(self._db)  # the embedded default is brought up to date when opened

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT under the lock: checks and writes inside see one state."""
        return immediate(self._db, self._lock)

    def one(self, sql: str, *params: Any) -> sqlite3.Row | None:
        with self._lock:
            row: sqlite3.Row | None = self._db.execute(sql, params).fetchone()
            return row

    def all(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        with self._lock:
            return list(self._db.execute(sql, params).fetchall())

    def run(self, sql: str, *params: Any) -> int:
        with self._lock:
            return self._db.execute(sql, params).rowcount

    def remember_nonce(self, station_id: str, nonce: str, keep_until: float, now: float) -> bool:
        """Record a request's nonce; False when this station already used it (a replay).

        Committed without an fsync (synchronous NORMAL, as the outbox claims a packet): the table
        survives a killed process, and only a power cut in the last moments could forget a nonce,
        whose request then stays replayable for what is left of its five minutes."""
        with self._lock:
            self._db.execute("PRAGMA synchronous=NORMAL")
            try:
                with self.transaction() as db:
                    db.execute("DELETE FROM nonces WHERE keep_until < ?", (now,))
                    added = db.execute(
                        "INSERT OR IGNORE INTO nonces (station_id, nonce, keep_until) VALUES (?, ?, ?)",
                        (station_id, nonce, keep_until),
                    ).rowcount
            finally:
                self._db.execute("PRAGMA synchronous=FULL")
        return added == 1

    def next_folio_number(self, db: sqlite3.Connection) -> int:
        """One writer at a time (BEGIN IMMEDIATE): the count of packets is the next number."""
        return int(db.execute("SELECT COUNT(*) FROM packets").fetchone()[0]) + 1

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.one("SELECT value FROM meta WHERE key = ?", key)
        return str(row["value"]) if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.run(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = ?",
            key,
            value,
            value,
        )

    def event(
        self,
        kind: str,
        at: str,
        code: str | None = None,
        station_id: str | None = None,
        packet_id: str | None = None,
    ) -> None:
        self.run(
            "INSERT INTO events (at, kind, code, station_id, packet_id) VALUES (?, ?, ?, ?, ?)",
            at,
            kind,
            code,
            station_id,
            packet_id,
        )
