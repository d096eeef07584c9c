"""Reading past a damaged page: how far salvage probes for rows it can no longer reach in one scan,
and what it counts as unreadable.

The outbox's rowids have gaps (rows moved or removed), so after a damaged page the reader asks for
each rowid in turn until `PROBE_MISSES` in a row are absent. These tests build tables whose rows sit
exactly at the edges of that window, and a table whose rows are there but are not packets."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from kiosk.outbox.health import OUTBOX_FILE
from kiosk.outbox.salvage import PROBE_MISSES, SQLITE_MAGIC, read_rows
from kiosk.outbox.store import OutboxStore
from tests.kiosk.outbox.helpers import PAGE, add_fake, damage_pages, leaf_pages


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """SQLite's variable-length integer at `at`: (value, where the next field starts)."""
    value = 0
    for i in range(8):
        byte = data[at + i]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    return (value << 8) | data[at + 8], at + 9


def rowids_on(path: Path, page: int) -> list[int]:
    """The rowids of the cells of one table leaf page (0-based page number)."""
    data = path.read_bytes()[page * PAGE : (page + 1) * PAGE]
    cells = int.from_bytes(data[3:5], "big")
    pointers = [int.from_bytes(data[8 + 2 * i : 10 + 2 * i], "big") for i in range(cells)]
    return [_varint(data, _varint(data, p)[1])[0] for p in pointers]


def page_of(path: Path, rowid: int) -> int:
    (page,) = [p for p in leaf_pages(path) if rowid in rowids_on(path, p)]
    return page


def outbox_with_rowids(folder: Path, rowids: list[int]) -> tuple[Path, dict[int, str]]:
    """An outbox file whose packets (one a page) sit at `rowids`; returns it and packet id by rowid."""
    path = folder / OUTBOX_FILE
    store = OutboxStore(path)
    ids = add_fake(store, len(rowids))
    store.close()
    with closing(sqlite3.connect(path)) as db:
        with db:
            # Highest first, so no row is moved onto a rowid another row still holds.
            for i in sorted(range(len(rowids)), key=lambda i: -rowids[i]):
                db.execute("UPDATE packets SET rowid = ? WHERE packet_id = ?", (rowids[i], ids[i]))
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path, dict(zip(rowids, ids, strict=True))


def read_rowids(path: Path, by_rowid: dict[int, str]) -> tuple[list[int], int]:
    rows, unreadable = read_rows(path)
    rowid_of = {packet_id: rowid for rowid, packet_id in by_rowid.items()}
    return sorted(rowid_of[r.packet_id] for r in rows), unreadable


def test_a_readable_table_is_read_whole_however_far_apart_its_rows(tmp_path: Path) -> None:
    rowids = [1, 2, 2 + 3 * PROBE_MISSES]
    path, by_rowid = outbox_with_rowids(tmp_path, rowids)
    assert read_rowids(path, by_rowid) == (rowids, 0)


def test_past_a_damaged_page_rows_are_found_up_to_the_probe_s_reach(tmp_path: Path) -> None:
    # The scan breaks at the damaged page of `broken` (sqlite3 may have read one row ahead: `near` can
    # be lost to the scan too). From each row it reads or finds, the probe reaches exactly PROBE_MISSES
    # rowids further, the damaged rowid counting as one of them; a row one rowid further is out.
    near = 2 + PROBE_MISSES
    broken = near + 1
    after = near + PROBE_MISSES
    last = after + PROBE_MISSES
    beyond = last + PROBE_MISSES + 1
    rowids = [1, 2, near, broken, after, last, beyond]
    path, by_rowid = outbox_with_rowids(tmp_path, rowids)
    damage_pages(path, [page_of(path, broken)])
    assert read_rowids(path, by_rowid) == ([1, 2, near, after, last], 1)


def test_rows_right_after_a_damaged_page_are_found_one_by_one(tmp_path: Path) -> None:
    rowids = [1, 2, 3, 4, 5, 6, 7, 8]
    path, by_rowid = outbox_with_rowids(tmp_path, rowids)
    damage_pages(path, [page_of(path, 3), page_of(path, 4)])
    assert read_rowids(path, by_rowid) == ([1, 2, 5, 6, 7, 8], 2)


def test_rows_that_are_there_but_are_not_packets_are_counted_unreadable(tmp_path: Path) -> None:
    # A packets table of another shape (here without `delivered_at`): its rows read, none is a packet.
    path = tmp_path / OUTBOX_FILE
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE packets (packet_id TEXT PRIMARY KEY, state TEXT, blob BLOB)")
        db.executemany("INSERT INTO packets VALUES (?, 'sealed', x'00')", [("a",), ("b",), ("c",)])
    assert read_rows(path) == ([], 3)


def test_a_sound_header_over_a_damaged_file_is_not_copied_to_rebuild_it(tmp_path: Path) -> None:
    path = tmp_path / OUTBOX_FILE
    path.write_bytes(SQLITE_MAGIC + b"\x07" * (3 * PAGE - len(SQLITE_MAGIC)))
    assert read_rows(path) == ([], 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == [OUTBOX_FILE]


@pytest.mark.parametrize("rowid", [6, 7])
def test_the_page_helper_finds_the_row_it_is_asked_for(tmp_path: Path, rowid: int) -> None:
    path, by_rowid = outbox_with_rowids(tmp_path, [1, 2, 3, 4, 5, 6, 7])
    with closing(sqlite3.connect(path)) as db:
        (packet_id,) = db.execute("SELECT packet_id FROM packets WHERE rowid = ?", (rowid,)).fetchone()
    assert packet_id == by_rowid[rowid]
    damage_pages(path, [page_of(path, rowid)])
    rows, _unreadable = read_rows(path)
    assert packet_id not in {r.packet_id for r in rows} and len(rows) == 6
