"""Salvage step by step: which rows come back from a damaged page and how the unreadable ones are
counted, the SQLite header it rebuilds field by field, what goes to quarantine and into the audit
log, the backend's copies of missing packets, and the loss report a person reads."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import struct
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.audit import AuditLog, events
from kiosk.outbox.health import OUTBOX_FILE
from kiosk.outbox.salvage import QUARANTINE_DIR, SQLITE_MAGIC, _rebuild_header, quarantine, read_rows, salvage
from kiosk.outbox.store import OutboxStore, Packet
from tests.kiosk.outbox.helpers import PAGE, add_fake, damage_pages, leaf_pages

PACKETS = 12
STAMP = re.compile(r"^\d{8}T\d{12}Z$")


@pytest.fixture
def station(tmp_path: Path) -> Iterator[tuple[Path, AuditLog, list[str]]]:
    """A data folder whose outbox holds PACKETS sealed packets (one per page), each audited as sealed."""
    audit = AuditLog.open(tmp_path)
    store = OutboxStore(tmp_path / OUTBOX_FILE)
    ids = add_fake(store, PACKETS)
    for packet_id in ids:
        audit.append(events.SEAL, fields={"packet_id": packet_id})
    store.close()
    with closing(sqlite3.connect(tmp_path / OUTBOX_FILE)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    yield tmp_path, audit, ids


@pytest.fixture
def mexico_city_time() -> Iterator[None]:
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "CST6"
    time.tzset()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


def salvaged_indexes(rows: list[Packet], ids: list[str]) -> list[int]:
    return sorted(ids.index(r.packet_id) for r in rows)


def audited(audit: AuditLog, event: str) -> list[tuple[str | None, dict[str, object]]]:
    return [(e.role, e.fields) for e in audit.entries() if e.event == event]


def utc_stamp(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)


# -- reading what is left ------------------------------------------------------------------------------


def test_two_damaged_pages_in_the_middle_cost_their_two_rows(
    station: tuple[Path, AuditLog, list[str]],
) -> None:
    data_dir, _audit, ids = station
    path = data_dir / OUTBOX_FILE
    leaves = leaf_pages(path)
    assert len(leaves) == PACKETS  # the premise: one packet per page
    damage_pages(path, leaves[5:7])
    rows, unreadable = read_rows(path)
    assert salvaged_indexes(rows, ids) == [0, 1, 2, 3, 4, 7, 8, 9, 10, 11] and unreadable == 2


def test_a_damaged_first_page_costs_the_first_row_only(station: tuple[Path, AuditLog, list[str]]) -> None:
    data_dir, _audit, ids = station
    path = data_dir / OUTBOX_FILE
    damage_pages(path, leaf_pages(path)[:1])
    rows, unreadable = read_rows(path)
    assert salvaged_indexes(rows, ids) == list(range(1, PACKETS)) and unreadable == 1


def test_failures_past_the_last_readable_row_are_not_counted(
    station: tuple[Path, AuditLog, list[str]],
) -> None:
    data_dir, _audit, ids = station
    path = data_dir / OUTBOX_FILE
    damage_pages(path, leaf_pages(path)[-1:])
    rows, unreadable = read_rows(path)
    assert salvaged_indexes(rows, ids) == list(range(PACKETS - 1)) and unreadable == 0


def test_files_that_cannot_be_read_at_all_give_nothing_and_count_nothing(tmp_path: Path) -> None:
    sound_header = tmp_path / "sound-header.db"
    sound_header.write_bytes(SQLITE_MAGIC + os.urandom(3 * PAGE - len(SQLITE_MAGIC)))
    assert read_rows(sound_header) == ([], 0)
    short = tmp_path / "short.db"
    short.write_bytes(os.urandom(PAGE + 10))
    assert read_rows(short) == ([], 0)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"\x01" * (3 * PAGE))
    assert read_rows(garbage) == ([], 0)


# -- the rebuilt header ---------------------------------------------------------------------------------


def test_the_rebuilt_header_is_sqlite_s_standard_one(station: tuple[Path, AuditLog, list[str]]) -> None:
    data_dir, _audit, _ids = station
    source = data_dir / OUTBOX_FILE
    size = source.stat().st_size
    target = data_dir / "rebuilt.db"
    assert _rebuild_header(source, target)
    header = target.read_bytes()[:100]
    assert header[:16] == b"SQLite format 3\x00"
    assert struct.unpack_from(">HBBBBBB", header, 16) == (4096, 1, 1, 0, 64, 32, 32)
    assert struct.unpack_from(">II", header, 24) == (1, size // PAGE)  # change counter, pages
    # freelist trunk and count, schema cookie, schema format 4, cache size, vacuum root, UTF-8, user version
    assert struct.unpack_from(">IIIIIIII", header, 32) == (0, 0, 1, 4, 0, 0, 1, 0)
    assert struct.unpack_from(">I", header, 92) == (1,)  # valid for change counter 1
    assert struct.unpack_from(">I", header, 96) == (sqlite3.sqlite_version_info[0] * 1_000_000,)
    assert target.read_bytes()[100:] == source.read_bytes()[100:]
    assert not target.with_name(target.name + "-wal").exists()


def test_a_wal_that_came_along_is_copied_and_announced_in_the_header(
    station: tuple[Path, AuditLog, list[str]],
) -> None:
    data_dir, _audit, _ids = station
    source = data_dir / OUTBOX_FILE
    wal = source.with_name(source.name + "-wal")
    wal.write_bytes(b"")
    assert _rebuild_header(source, data_dir / "no-wal.db")
    assert struct.unpack_from(">BB", (data_dir / "no-wal.db").read_bytes(), 18) == (
        1,
        1,
    )  # an empty WAL: none
    wal.write_bytes(b"wal pages")
    target = data_dir / "with-wal.db"
    assert _rebuild_header(source, target)
    assert struct.unpack_from(">BB", target.read_bytes(), 18) == (2, 2)
    assert target.with_name(target.name + "-wal").read_bytes() == b"wal pages"


@pytest.mark.parametrize(
    ("pages", "extra", "rebuilt"), [(1, 0, False), (2, -1, False), (2, 0, True), (3, 1, False)]
)
def test_only_whole_pages_and_at_least_two_are_rebuilt(
    tmp_path: Path, pages: int, extra: int, rebuilt: bool
) -> None:
    source = tmp_path / "damaged.db"
    source.write_bytes(b"\x00" * (pages * PAGE + extra))
    target = tmp_path / "rebuilt.db"
    assert _rebuild_header(source, target) is rebuilt
    assert target.exists() is rebuilt


# -- quarantine, audit and report ----------------------------------------------------------------------


@pytest.mark.usefixtures("mexico_city_time")
def test_quarantine_moves_the_file_and_its_companions_and_says_so(
    station: tuple[Path, AuditLog, list[str]],
) -> None:
    data_dir, audit, _ids = station
    for suffix in ("-wal", "-shm"):
        (data_dir / (OUTBOX_FILE + suffix)).write_bytes(b"companion")
    reason = "database disk image is malformed; " * 10  # 340 characters
    folder = quarantine(data_dir, audit, reason)
    assert folder.parent == data_dir / QUARANTINE_DIR and folder.name.startswith("outbox-")
    stamp = folder.name.removeprefix("outbox-")
    assert STAMP.match(stamp) and abs((utc_stamp(stamp) - datetime.now(UTC)).total_seconds()) < 3600
    assert sorted(p.name for p in folder.iterdir()) == ["outbox.db", "outbox.db-shm", "outbox.db-wal"]
    assert not any((data_dir / (OUTBOX_FILE + s)).exists() for s in ("", "-wal", "-shm"))
    ((role, fields),) = audited(audit, events.OUTBOX_QUARANTINED)
    assert role == "technician"
    assert fields == {
        "folder": folder.name,
        "files": ["outbox.db", "outbox.db-wal", "outbox.db-shm"],
        "reason": reason[:200],
    }


def test_a_salvage_of_a_rebuilt_header_is_audited_whole(station: tuple[Path, AuditLog, list[str]]) -> None:
    data_dir, audit, _ids = station
    path = data_dir / OUTBOX_FILE
    data = bytearray(path.read_bytes())
    data[:100] = b"\x01" * 100
    path.write_bytes(bytes(data))
    report = salvage(data_dir, audit)
    quarantined = Path(str(report.quarantined))
    assert sorted(p.name for p in quarantined.iterdir()) == ["outbox.db", "outbox.db.header-rebuilt"]
    assert (report.salvaged, report.unreadable, report.lost, report.reconciled) == (PACKETS, 0, [], True)
    assert report.backend_reached is None and report.report_file is None
    (role, fields) = audited(audit, events.OUTBOX_SALVAGED)[-1]
    assert role == "technician"
    assert fields == {
        "quarantined": quarantined.name,
        "salvaged": PACKETS,
        "unreadable": 0,
        "from_backend": 0,
        "lost": 0,
        "accepted_loss": False,
        "reconciled": True,
    }


def remove_rows(data_dir: Path, packet_ids: list[str]) -> None:
    with closing(sqlite3.connect(data_dir / OUTBOX_FILE)) as db, db:
        db.executemany("DELETE FROM packets WHERE packet_id = ?", [(p,) for p in packet_ids])


@pytest.mark.usefixtures("mexico_city_time")
def test_missing_packets_come_back_from_the_backend_and_the_rest_is_reported(
    station: tuple[Path, AuditLog, list[str]],
) -> None:
    data_dir, audit, ids = station
    gone = ids[3:6]
    remove_rows(data_dir, gone)
    asked: list[str] = []

    def ask(packet_id: str) -> tuple[str, str, str] | None:
        asked.append(packet_id)
        return ('{"receipt": 1}', "ACU-7", "d" * 64) if packet_id == gone[1] else None

    report = salvage(data_dir, audit, ask_backend=ask)
    assert sorted(asked) == sorted(gone) and report.backend_reached is True and report.from_backend == 1
    store = OutboxStore(data_dir / OUTBOX_FILE)
    try:
        back = store.get(gone[1])
    finally:
        store.close()
    assert back is not None
    assert (back.state, back.blob, back.digest, back.size, back.created_at, back.attempts) == (
        "purged", None, "d" * 64, 0, 0.0, 0
    )  # fmt: skip
    assert (back.receipt, back.folio, back.test, back.exported_at) == ('{"receipt": 1}', "ACU-7", False, None)
    lost = {gone[0], gone[2]}
    assert {m["packet_id"] for m in report.lost} == lost and not report.reconciled
    assert report.quarantined is None
    report_file = Path(str(report.report_file))
    assert report_file.parent == data_dir / QUARANTINE_DIR
    stamp = report_file.name.removeprefix("salvage-").removesuffix(".json")
    assert STAMP.match(stamp) and abs((utc_stamp(stamp) - datetime.now(UTC)).total_seconds()) < 3600
    assert stat.S_IMODE(report_file.stat().st_mode) == 0o600
    assert report_file.read_text(encoding="utf-8") == json.dumps({"lost": report.lost}, indent=2)
    (_role, fields) = audited(audit, events.OUTBOX_SALVAGED)[-1]
    assert (fields["from_backend"], fields["lost"], fields["accepted_loss"], fields["reconciled"]) == (
        1,
        2,
        False,
        False,
    )
    assert fields["quarantined"] is None


def test_a_backend_that_is_down_is_asked_once_and_said_unreached(
    station: tuple[Path, AuditLog, list[str]],
) -> None:
    data_dir, audit, ids = station
    remove_rows(data_dir, ids[:3])
    asked: list[str] = []

    def down(packet_id: str) -> tuple[str, str, str] | None:
        asked.append(packet_id)
        raise OSError("connection refused")

    report = salvage(data_dir, audit, ask_backend=down)
    assert len(asked) == 1 and report.backend_reached is False and report.from_backend == 0
    assert len(report.lost) == 3


def test_nothing_is_asked_of_the_backend_when_nothing_is_missing(
    station: tuple[Path, AuditLog, list[str]],
) -> None:
    data_dir, audit, _ids = station
    path = data_dir / OUTBOX_FILE
    data = bytearray(path.read_bytes())
    data[:100] = b"\x01" * 100
    path.write_bytes(bytes(data))
    asked: list[str] = []

    def ask(packet_id: str) -> tuple[str, str, str] | None:
        asked.append(packet_id)
        return None

    report = salvage(data_dir, audit, ask_backend=ask)
    assert asked == [] and report.backend_reached is None and report.salvaged == PACKETS


def test_an_accepted_loss_is_audited_as_such_and_no_loss_is_never_accepted(
    station: tuple[Path, AuditLog, list[str]],
) -> None:
    data_dir, audit, ids = station
    remove_rows(data_dir, ids[:1])
    assert salvage(data_dir, audit, accept_loss=True).reconciled
    assert audited(audit, events.OUTBOX_SALVAGED)[-1][1]["accepted_loss"] is True
