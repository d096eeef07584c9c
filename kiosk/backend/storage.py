"""Where the reference backend keeps its state: the seam between its rules and its storage.

Two implementations stand behind it: the embedded default (SQLite in the backend's folder, sealed
packets as files beside it; nothing to install) and the institute's (PostgreSQL for the records,
sealed packets in S3-compatible object storage). The rules (`service`, `intake`, `operators`, ...) speak
one small SQL dialect through `Records`; each implementation makes that true for its database.

Exactly-once acceptance is a fact of the database in both: a write transaction holds the database's
one writer lock (SQLite's BEGIN IMMEDIATE, a PostgreSQL advisory lock) and the packet id is a primary
key, so any number of ingest processes on one store accept each packet once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

DATABASE_ENV = "KIOSK_BACKEND_DATABASE"
OBJECTS_ENV = "KIOSK_BACKEND_OBJECTS"


class UniqueViolation(Exception):
    """A unique constraint refused a write, whatever the database (its text names UNIQUE, as SQLite's)."""


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Any: ...


class Records(Protocol):
    """The backend's records. Rows answer both `row["column"]` and `row[0]`; parameters are `?`."""

    def close(self) -> None: ...

    def transaction(self) -> AbstractContextManager[Any]: ...

    def one(self, sql: str, *params: Any) -> Any: ...

    def all(self, sql: str, *params: Any) -> list[Any]: ...

    def run(self, sql: str, *params: Any) -> int: ...

    def remember_nonce(self, station_id: str, nonce: str, keep_until: float, now: float) -> bool: ...

    def meta(self, key: str, default: str | None = None) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...

    def event(
        self,
        kind: str,
        at: str,
        code: str | None = None,
        station_id: str | None = None,
        packet_id: str | None = None,
    ) -> None: ...

    def next_folio_number(self, db: Any) -> int:
        """The next receipt number, inside the acceptance transaction that uses it."""
        ...


class Objects(Protocol):
    """Sealed packets by their SHA-256: content-addressed, so a retried put is harmless.

    Accepted packets (`put`, `get`) and refused ones (`*_rejected`) live apart: the same bytes may be
    refused once and accepted later, and purging what was refused must never reach what was accepted.
    There is no way to delete an accepted packet here at all."""

    def put(self, digest: str, blob: bytes) -> None: ...

    def get(self, digest: str) -> bytes: ...

    def exists(self, digest: str) -> bool: ...

    def put_rejected(self, digest: str, blob: bytes) -> None: ...

    def get_rejected(self, digest: str) -> bytes: ...

    def delete_rejected(self, digest: str) -> None:
        """Gone (also when it was already gone: a purge interrupted and run again)."""
        ...

    def close(self) -> None: ...


ACCEPTED, REJECTED = "packets", "rejected"


def object_key(digest: str, area: str = ACCEPTED) -> str:
    """`packets/sha256/ab/abcd…` (or `rejected/…`): two hex digits of fan-out keep any one listing small."""
    return f"{area}/sha256/{digest[:2]}/{digest}"


def embedded(config: StoreConfig | None) -> bool:
    """Whether opening with `config` gives the SQLite file in the backend folder (its `backend.db`)."""
    if config is None and _opener is not None:
        return False
    return not (config or StoreConfig.from_env()).database


@dataclass(frozen=True)
class StoreConfig:
    """`database` None means SQLite in the backend folder; `objects` None means files beside it."""

    database: str | None = None
    objects: str | None = None

    @classmethod
    def from_env(cls) -> StoreConfig:
        return cls(os.environ.get(DATABASE_ENV) or None, os.environ.get(OBJECTS_ENV) or None)

    def env(self) -> dict[str, str]:
        """The same choice for a child process (uvicorn workers, separate ingest instances)."""
        out = {}
        if self.database:
            out[DATABASE_ENV] = self.database
        if self.objects:
            out[OBJECTS_ENV] = self.objects
        return out


Opener = Callable[[Path], tuple[Records, Objects]]


def open_store(
    directory: Path, config: StoreConfig | None = None, *, migrate: bool = False
) -> tuple[Records, Objects]:
    """The records and objects `config` names (by default: the environment's choice, else embedded).

    SQLite brings itself up to date when opened (the embedded default needs no step); PostgreSQL is
    migrated by `kiosk backend migrate` (or `migrate=True`), and refuses to serve an older schema."""
    if _opener is not None and config is None:
        return _opener(directory)
    config = config or StoreConfig.from_env()
    if config.database:
        from kiosk.backend.pgstore import PgRecords

        records: Records = PgRecords(config.database, migrate=migrate)
    else:
        from kiosk.backend.store import Store

        records = Store(directory / "backend.db")
    try:
        if config.objects:
            from kiosk.backend.objects import S3Objects

            objects: Objects = S3Objects(config.objects)
        else:
            from kiosk.backend.objects import FileObjects

            objects = FileObjects(directory / "packets")
    except BaseException:
        records.close()
        raise
    return records, objects


_opener: Opener | None = None


def set_default_opener(opener: Opener | None) -> None:
    """Make every backend opened without an explicit choice use `opener` (None: back to the default).

    The test suite runs once per store this way, each backend folder with a store of its own."""
    global _opener
    _opener = opener
