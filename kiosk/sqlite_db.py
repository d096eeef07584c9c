"""The one way the kiosk opens SQLite: durable (WAL, synchronous FULL) and shared across threads
behind a lock, with IMMEDIATE transactions so every check-then-write sees one state.

The outbox and the reference backend both keep "exactly once" as a fact of their SQLite files.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk.private import private_file, tighten


def connect(path: Path, schema: str, *, secure_delete: bool = False) -> sqlite3.Connection:
    """Open (or create) the database at `path`, owner-only: SQLite gives its `-wal` and `-shm` the
    main file's mode, so the main file is made 0600 before SQLite ever sees it."""
    private_file(path)
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    if secure_delete:  # freed pages are zeroed: deleted bytes really leave the file
        db.execute("PRAGMA secure_delete=ON")
    db.executescript(schema)
    for companion in ("-wal", "-shm"):  # left looser by an older version: tightened now
        tighten(path.with_name(path.name + companion))
    return db


@contextmanager
def immediate(db: sqlite3.Connection, lock: threading.RLock) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT under the lock; rolled back on any error."""
    with lock:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLite may have rolled back by itself (disk full)
                db.execute("ROLLBACK")
            raise
