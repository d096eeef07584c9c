"""The backend's records in PostgreSQL (psycopg 3 and a connection pool), for several ingest processes.

The rules speak SQLite's small dialect (`?` parameters, `INSERT OR REPLACE`); this module says the
same in PostgreSQL's, once per statement (cached). A write transaction takes one advisory lock of the
database, as SQLite's BEGIN IMMEDIATE takes its file's: every check-then-write of the rules (a token
used once, a packet accepted once, a checkpoint that only moves forward) sees one state, whichever
process or machine runs it. The primary keys and unique constraints hold under it all the same.
The lock is held only for the short write (the packet was opened and checked before it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg_pool import ConnectionPool

from kiosk.backend.migrations import LATEST, migrate_postgresql, postgresql_version
from kiosk.backend.storage import UniqueViolation

WRITE_LOCK = 0x6B696F736B00  # "kiosk" 00: the one writer lock of the backend's transactions
POOL_SIZE = 8  # per process: uvicorn's thread pool runs the routes, each holding one at a time

# `INSERT OR REPLACE` in the rules, by table: the key it replaces on and the columns it sets.
REPLACES = {
    "password_expired": ("username", ("since",)),
    "persons": ("curp", ("nss", "name", "birth_date", "biometric_status")),
}
_REPLACE = re.compile(r"^\s*INSERT OR REPLACE INTO (\w+)", re.IGNORECASE)
_IGNORE = re.compile(r"^\s*INSERT OR IGNORE INTO", re.IGNORECASE)


class SchemaBehind(RuntimeError):
    pass


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """SQLite's dialect as the rules write it, in PostgreSQL's."""
    out = sql.replace("%", "%%").replace("?", "%s")
    replace = _REPLACE.match(out)
    if replace:
        table = replace.group(1)
        key, columns = REPLACES[table]
        out = _REPLACE.sub(f"INSERT INTO {table}", out, count=1)
        sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns)
        out = f"{out} ON CONFLICT ({key}) DO UPDATE SET {sets}"
    elif _IGNORE.match(out):
        out = _IGNORE.sub("INSERT INTO", out, count=1) + " ON CONFLICT DO NOTHING"
    return out


class Row(tuple[Any, ...]):
    """A row read as `row["column"]` or `row[0]`, as sqlite3.Row is."""

    _index: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor: Any) -> Any:
    names = [c.name for c in cursor.description or ()]
    index = {n: i for i, n in enumerate(names)}

    def make(values: Sequence[Any]) -> Row:
        row = Row(values)
        row._index = index
        return row

    return make


class _Cursor:
    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())


class _Connection:
    """What a transaction hands the rules: `execute` in their dialect."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> _Cursor:
        try:
            return _Cursor(self._conn.execute(translate(sql), tuple(parameters)))
        except pg_errors.UniqueViolation as exc:
            raise UniqueViolation(f"UNIQUE constraint failed: {exc.diag.constraint_name}") from exc


class PgRecords:
    def __init__(self, url: str, *, migrate: bool = False, pool_size: int = POOL_SIZE) -> None:
        self.url = url
        self.pool: ConnectionPool[Any] = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            kwargs={"autocommit": True, "row_factory": _row_factory},
            check=ConnectionPool.check_connection,  # a connection broken by a database restart is replaced
            open=False,
            timeout=30,
            reconnect_timeout=60,
        )
        self.pool.open(wait=True, timeout=30)
        try:
            with self.pool.connection() as conn:
                if migrate:
                    migrate_postgresql(conn)
                version = postgresql_version(conn)
            if version < LATEST:
                raise SchemaBehind(
                    f"the database is at schema version {version}, this backend needs {LATEST}: "
                    "run `kiosk backend migrate`"
                )
        except BaseException:
            self.pool.close()
            raise

    def close(self) -> None:
        self.pool.close()

    @contextmanager
    def _connection(self) -> Iterator[_Connection]:
        with self.pool.connection() as conn:
            yield _Connection(conn)

    @contextmanager
    def transaction(self) -> Iterator[_Connection]:
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield _Connection(conn)

    def one(self, sql: str, *params: Any) -> Any:
        with self._connection() as db:
            return db.execute(sql, params).fetchone()

    def all(self, sql: str, *params: Any) -> list[Any]:
        with self._connection() as db:
            return db.execute(sql, params).fetchall()

    def run(self, sql: str, *params: Any) -> int:
        with self._connection() as db:
            return db.execute(sql, params).rowcount

    def remember_nonce(self, station_id: str, nonce: str, keep_until: float, now: float) -> bool:
        """The primary key decides a replay; no writer lock (nonces of different requests never meet)."""
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("DELETE FROM nonces WHERE keep_until < %s", (now,))
            added = conn.execute(
                "INSERT INTO nonces (station_id, nonce, keep_until) VALUES (%s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                (station_id, nonce, keep_until),
            ).rowcount
        return added == 1

    def next_folio_number(self, db: Any) -> int:
        """From a sequence: counting tens of millions of packets per acceptance would not scale."""
        return int(db.execute("SELECT nextval('folio_numbers')").fetchone()[0])

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
