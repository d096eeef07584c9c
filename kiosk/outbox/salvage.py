"""`kiosk outbox salvage`: a damaged or emptied outbox made whole again, as far as anything can be.

1. A file that fails SQLite's check is moved aside, with its `-wal` and `-shm`, into
   `<data-dir>/quarantine/outbox-<time>/` (0700; it holds only sealed packets) and the move is audited.
2. Every row that can still be read is put into a new outbox: row by row, so one bad page costs its
   rows only; a file whose 100-byte header was overwritten is read through a copy with a rebuilt
   header. A packet whose bytes no longer match their digest is left out (the backend would refuse it).
3. Packets the audit log records as sealed but that are still missing are asked for at the backend
   (when the station is registered and it answers): one it received comes back as delivered, with its
   receipt verified.
4. What is still missing and was never delivered is lost. It is listed (packet id, when sealed) in
   `quarantine/salvage-<time>.json`, to be matched with the provisional receipts people took home.
   Only with `accept_loss` is the account closed: an audited `outbox_salvaged` entry marked
   `reconciled`, after which the station may enrol again.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import struct
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.audit import events
from kiosk.outbox.health import OUTBOX_FILE, inspect_outbox
from kiosk.outbox.store import OutboxStore, Packet
from kiosk.private import private_dir, write_private

QUARANTINE_DIR = "quarantine"
SQLITE_MAGIC = b"SQLite format 3\x00"
PROBE_MISSES = 1024  # consecutive absent rowids after which a damaged table is taken to end

# packet id -> (receipt JSON as the outbox keeps it, folio, digest), or None when the backend lacks it
AskBackend = Callable[[str], tuple[str, str, str] | None]


@dataclass
class SalvageReport:
    quarantined: str | None = None
    salvaged: int = 0
    unreadable: int = 0
    from_backend: int = 0
    backend_reached: bool | None = None
    lost: list[dict[str, str]] = field(default_factory=list)
    report_file: str | None = None
    reconciled: bool = False

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def salvage(
    data_dir: Path, audit: Any, ask_backend: AskBackend | None = None, accept_loss: bool = False
) -> SalvageReport:
    """Repair the outbox of `data_dir` (see the module's text); `audit` is the station's `AuditLog`."""
    health = inspect_outbox(data_dir, Path(audit.directory), thorough=True)
    report = SalvageReport()
    if health.ok:
        return report
    path = Path(data_dir) / OUTBOX_FILE
    rows: list[Packet] = []
    if health.state == "corrupt":
        folder = quarantine(data_dir, audit, health.reason)
        report.quarantined = str(folder)
        rows, report.unreadable = read_rows(folder / OUTBOX_FILE)
    store = OutboxStore(path)
    try:
        report.salvaged = store.restore(rows)
        health = inspect_outbox(data_dir, Path(audit.directory))
        if health.missing and ask_backend is not None:  # its receipts too, for the delivered ones
            report.from_backend, report.backend_reached = _from_backend(store, health.missing, ask_backend)
            health = inspect_outbox(data_dir, Path(audit.directory))
    finally:
        store.close()
    report.lost = [{"packet_id": m.packet_id, "sealed_at": m.sealed_at} for m in health.undelivered]
    if report.lost:
        report.report_file = str(_write_report(data_dir, report))
    report.reconciled = not report.lost or accept_loss
    audit.append(
        events.OUTBOX_SALVAGED,
        role="technician",
        fields={
            "quarantined": Path(report.quarantined).name if report.quarantined else None,
            "salvaged": report.salvaged,
            "unreadable": report.unreadable,
            "from_backend": report.from_backend,
            "lost": len(report.lost),
            "accepted_loss": bool(report.lost) and accept_loss,
            "reconciled": report.reconciled,
        },
    )
    return report


def quarantine(data_dir: Path, audit: Any, reason: str) -> Path:
    """Move the outbox file and its companions aside (never deleted), and say so in the audit log."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = private_dir(Path(data_dir) / QUARANTINE_DIR / f"outbox-{stamp}")
    moved = []
    for suffix in ("", "-wal", "-shm"):
        source = Path(data_dir) / (OUTBOX_FILE + suffix)
        if source.exists():
            os.replace(source, folder / source.name)
            moved.append(source.name)
    _fsync_dir(Path(data_dir))
    audit.append(
        events.OUTBOX_QUARANTINED,
        role="technician",
        fields={"folder": folder.name, "files": moved, "reason": reason[:200]},
    )
    return folder


def read_rows(path: Path) -> tuple[list[Packet], int]:
    """Every row of a damaged outbox file that can be read, and how many could not."""
    try:
        return _rows_of(path)
    except sqlite3.DatabaseError:
        pass
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC:
            return [], 0  # the header is sound: what failed lies deeper, and a new header cannot help
    repaired = path.with_name(path.name + ".header-rebuilt")
    if not _rebuild_header(path, repaired):
        return [], 0
    try:
        return _rows_of(repaired)
    except sqlite3.DatabaseError:
        return [], 0


def _rows_of(path: Path) -> tuple[list[Packet], int]:
    uri = f"{path.resolve().as_uri()}?mode=rw"
    with closing(sqlite3.connect(uri, uri=True, timeout=30)) as db:
        db.row_factory = sqlite3.Row
        # Lets SQLite read a file shorter than its header says (a truncated copy) instead of refusing it
        # whole; nothing is written through this connection.
        db.execute("PRAGMA writable_schema=ON")
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # "not a database" shows here
        found: list[Packet] = []
        unreadable = failed = 0  # failures count once a later row reads: past the end they mean nothing
        for rowid in _rowids(db):
            try:
                row = db.execute("SELECT * FROM packets WHERE rowid = ?", (rowid,)).fetchone()
            except sqlite3.DatabaseError:
                failed += 1
                continue
            if row is not None:
                unreadable, failed = unreadable + failed, 0  # a row past them: those failures were rows
                try:
                    found.append(Packet.from_row(row))
                except (IndexError, KeyError):  # there, but not a packet (a table of another shape)
                    unreadable += 1
        return found, unreadable


def _rowids(db: sqlite3.Connection) -> Iterator[int]:
    """The table's rowids: in one scan while it reads, then probing one by one past a damaged page."""
    last = 0
    try:
        for (rowid,) in db.execute("SELECT rowid FROM packets ORDER BY rowid"):
            last = rowid
            yield rowid
        return
    except sqlite3.DatabaseError:
        pass
    misses, rowid = 0, last
    while misses < PROBE_MISSES:  # absent and unreadable alike: a damaged tail must end the probe
        rowid += 1
        try:
            hit = db.execute("SELECT 1 FROM packets WHERE rowid = ?", (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            hit = None
            yield rowid  # there may be something there: the row lookup counts it unreadable
        misses = 0 if hit else misses + 1
        if hit:
            yield rowid


def _rebuild_header(source: Path, target: Path) -> bool:
    """A copy of `source` with a standard 100-byte SQLite header (page 1's own content is kept).

    Overwritten header bytes are a common damage (a bad write at offset 0); the rest of page 1 still
    holds the schema, so a header with the default page size is enough to read the tables again."""
    size = source.stat().st_size
    if size < 2 * 4096 or size % 4096:
        return False
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + "-wal")
    version = 1  # a rollback journal, unless a WAL came along: then its committed pages count too
    if wal.is_file() and wal.stat().st_size:
        shutil.copyfile(wal, target.with_name(target.name + "-wal"))
        version = 2
    header = bytearray(100)
    header[0:16] = SQLITE_MAGIC
    struct.pack_into(">HBBBBBB", header, 16, 4096, version, version, 0, 64, 32, 32)
    struct.pack_into(">II", header, 24, 1, size // 4096)  # change counter, pages
    struct.pack_into(">IIIIIIII", header, 32, 0, 0, 1, 4, 0, 0, 1, 0)  # freelist, cookie, format 4, UTF-8
    struct.pack_into(">I", header, 92, 1)  # version-valid-for = change counter
    struct.pack_into(">I", header, 96, sqlite3.sqlite_version_info[0] * 1000000)
    with target.open("r+b") as handle:
        handle.write(header)
    return True


def _from_backend(store: OutboxStore, missing: list[Any], ask: AskBackend) -> tuple[int, bool]:
    """Rows for the missing packets the backend says it received (receipts verified by `ask`)."""
    found: list[Packet] = []
    reached = True
    for item in missing:
        try:
            answer = ask(item.packet_id)
        except Exception:  # the backend is down: what is missing stays missing
            reached = False
            break
        if answer is not None:
            receipt, folio, digest = answer
            found.append(
                Packet(item.packet_id, "purged", None, digest, 0, 0.0, 0, 0.0, None, None, receipt, folio,
                       False, None, None)
            )  # fmt: skip
    return store.restore(found), reached


def _write_report(data_dir: Path, report: SalvageReport) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = private_dir(Path(data_dir) / QUARANTINE_DIR)
    path = folder / f"salvage-{stamp}.json"
    write_private(path, json.dumps({"lost": report.lost}, indent=2).encode("utf-8"))
    return path


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
