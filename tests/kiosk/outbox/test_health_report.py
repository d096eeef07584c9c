"""What the outbox check reports, field by field: the technician reads `kiosk outbox check --json` and
the clerk's screen shows the message, so a wrong path, a missing count or a quick check where the full
one was asked for would send the technician the wrong way."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.audit import AuditLog, events
from kiosk.outbox.health import (
    OUTBOX_FILE,
    SHOWN,
    MissingPacket,
    OutboxHealth,
    check_outbox,
    inspect_outbox,
)
from kiosk.outbox.store import OutboxStore
from tests.kiosk.outbox.helpers import add_fake

PACKETS = 10


def _sealed(data_dir: Path, audit: AuditLog, count: int = PACKETS) -> list[str]:
    store = OutboxStore(data_dir / OUTBOX_FILE)
    ids = add_fake(store, count)
    store.close()
    for packet_id in ids:
        audit.append(events.SEAL, fields={"packet_id": packet_id})
    return ids


def _drop_rows(data_dir: Path, ids: list[str]) -> None:
    with sqlite3.connect(data_dir / OUTBOX_FILE) as db:
        db.executemany("DELETE FROM packets WHERE packet_id = ?", [(i,) for i in ids])
    db.close()


def _seal_times(audit: AuditLog) -> dict[str, str]:
    return {e.fields["packet_id"]: e.ts for e in audit.entries() if e.event == events.SEAL}


def _index_out_of_step(path: Path) -> None:
    """An index whose entries no longer match its table: the damage only the full check sees."""
    db = sqlite3.connect(path)
    db.execute("CREATE INDEX probe ON packets (state)")
    db.commit()
    db.execute("PRAGMA writable_schema = ON")
    db.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX probe ON packets (digest)' WHERE name = 'probe'")
    db.commit()
    db.close()


def test_a_new_station_s_outbox_is_absent_not_ok(tmp_path: Path) -> None:
    """No file and nothing sealed: the station may start, and the report says the file is not there yet."""
    health = inspect_outbox(tmp_path)
    assert health == OutboxHealth(tmp_path / OUTBOX_FILE, "absent", "", [], 0)
    assert health.ok and health.message() is None
    assert health.to_json("en") == {
        "ok": True,
        "state": "absent",
        "path": str(tmp_path / OUTBOX_FILE),
        "reason": None,
        "rows": 0,
        "missing": [],
        "message": None,
    }


def test_a_whole_outbox_counts_its_rows(tmp_path: Path) -> None:
    audit = AuditLog.open(tmp_path)
    _sealed(tmp_path, audit)
    health = inspect_outbox(tmp_path)
    assert health == OutboxHealth(tmp_path / OUTBOX_FILE, "ok", "", [], PACKETS)
    assert health.to_json("es_MX")["rows"] == PACKETS and health.to_json("es_MX")["ok"] is True


def test_the_session_s_quick_check_and_the_technician_s_full_check(tmp_path: Path) -> None:
    """Before a session SQLite's quick check (fast) runs; `kiosk outbox check` runs the full one, which
    also compares every index with its table, and names the first three problems it found."""
    audit = AuditLog.open(tmp_path)
    _sealed(tmp_path, audit)
    path = tmp_path / OUTBOX_FILE
    _index_out_of_step(path)
    assert inspect_outbox(tmp_path) == OutboxHealth(path, "ok", "", [], PACKETS)
    assert check_outbox(tmp_path, audit) is None
    full = inspect_outbox(tmp_path, thorough=True)
    assert full.path == path and full.state == "corrupt" and not full.ok
    problems = full.reason.split("; ")
    assert len(problems) == 3
    assert all(p.startswith("row ") and p.endswith(" missing from index probe") for p in problems)
    message = full.message()
    assert message is not None and message.code == "outbox.damaged_corrupt"
    assert message.params == {"path": str(path), "reason": full.reason}


def test_a_file_sqlite_cannot_read_is_reported_with_sqlite_s_words(tmp_path: Path) -> None:
    audit = AuditLog.open(tmp_path)
    _sealed(tmp_path, audit)
    path = tmp_path / OUTBOX_FILE
    for extra in ("-wal", "-shm"):
        Path(str(path) + extra).unlink(missing_ok=True)
    path.write_bytes(b"this was never a database" * 200)
    health = inspect_outbox(tmp_path)
    assert health == OutboxHealth(path, "corrupt", "file is not a database", [], 0)
    as_json = health.to_json("en")
    assert as_json["reason"] == "file is not a database" and as_json["path"] == str(path)
    assert as_json["message"] == health.message().render("en")  # type: ignore[union-attr]
    assert "file is not a database" in as_json["message"] and str(path) in as_json["message"]


def test_missing_packets_are_named_first_by_seal_and_by_delivery(tmp_path: Path) -> None:
    """The message names the first packet the log says was sealed, when, how many are gone, and the
    first few that never reached the backend (those people hold only a provisional receipt)."""
    audit = AuditLog.open(tmp_path)
    ids = _sealed(tmp_path, audit)
    delivered = ids[1:3]
    for packet_id in delivered:
        audit.append(events.RECEIPT, fields={"packet_id": packet_id})
    gone = ids[:8]
    _drop_rows(tmp_path, gone)
    path = tmp_path / OUTBOX_FILE
    times = _seal_times(audit)
    expected = [MissingPacket(i, times[i], i in delivered) for i in gone]
    health = inspect_outbox(tmp_path)
    assert health == OutboxHealth(path, "missing", "", expected, PACKETS - len(gone))
    undelivered = [i for i in gone if i not in delivered]
    message = health.message()
    assert message is not None and message.code == "outbox.damaged_missing"
    assert message.params == {
        "path": str(path),
        "count": len(gone),
        "undelivered": len(undelivered),
        "first": ids[0],
        "sealed_at": times[ids[0]],
        "ids": ", ".join(undelivered[:SHOWN]),
    }
    assert len(undelivered) > SHOWN  # the message lists only the first SHOWN; the JSON lists them all
    as_json = health.to_json("en")
    assert as_json == {
        "ok": False,
        "state": "missing",
        "path": str(path),
        "reason": None,
        "rows": PACKETS - len(gone),
        "missing": [{"packet_id": i, "sealed_at": times[i], "delivered": i in delivered} for i in gone],
        "message": message.render("en"),
    }
    assert health.to_json("es_MX")["message"] == message.render("es_MX") != message.render("en")


def test_missing_packets_the_backend_already_has_name_no_undelivered_id(tmp_path: Path) -> None:
    audit = AuditLog.open(tmp_path)
    ids = _sealed(tmp_path, audit, 2)
    for packet_id in ids:
        audit.append(events.RECEIPT, fields={"packet_id": packet_id})
    _drop_rows(tmp_path, ids)
    message = check_outbox(tmp_path, audit)
    assert message is not None and message.params["undelivered"] == 0 and message.params["ids"] == "-"


@pytest.mark.parametrize("via", ["check_outbox", "inspect_outbox"])
def test_the_audit_log_is_read_where_the_station_keeps_it(tmp_path: Path, via: str) -> None:
    """A station whose log lives outside `<data>/audit` is cross-checked against that log, not against
    an absent default folder (which would find nothing sealed and call a gutted outbox whole)."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    audit = AuditLog(tmp_path / "elsewhere")
    ids = _sealed(data_dir, audit, 3)
    _drop_rows(data_dir, ids[:1])
    assert inspect_outbox(data_dir).state == "ok"  # the default folder holds no log
    if via == "check_outbox":
        message = check_outbox(data_dir, audit)
        assert message is not None and message.params["first"] == ids[0]
    else:
        health = inspect_outbox(data_dir, audit.directory)
        assert health.state == "missing" and [m.packet_id for m in health.missing] == ids[:1]
