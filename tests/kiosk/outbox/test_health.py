"""The outbox cross-checked with the audit log, and salvaged: a deleted, emptied or corrupt `outbox.db`
is noticed before a session, named, and recovered as far as anything can be."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.audit import AuditLog, events
from kiosk.outbox.health import OUTBOX_FILE, check_outbox, inspect_outbox
from kiosk.outbox.salvage import salvage
from kiosk.outbox.store import OutboxStore
from tests.kiosk.outbox.helpers import add_fake, fake_blob

PACKETS = 40


@pytest.fixture
def station(tmp_path: Path) -> Iterator[tuple[Path, AuditLog]]:
    """A data folder whose outbox holds PACKETS sealed packets, each with its `seal` audit entry."""
    audit = AuditLog.open(tmp_path)
    store = OutboxStore(tmp_path / OUTBOX_FILE)
    for packet_id in add_fake(store, PACKETS):
        audit.append(events.SEAL, fields={"packet_id": packet_id})
    store.close()
    yield tmp_path, audit


def files(data_dir: Path) -> list[Path]:
    return [data_dir / (OUTBOX_FILE + s) for s in ("", "-wal", "-shm")]


def audited(audit: AuditLog, event: str) -> list[dict[str, object]]:
    return [e.fields for e in audit.entries() if e.event == event]


def test_a_whole_outbox_passes(station: tuple[Path, AuditLog]) -> None:
    data_dir, audit = station
    assert check_outbox(data_dir, audit) is None
    assert inspect_outbox(data_dir, thorough=True).rows == PACKETS


def test_a_new_station_with_nothing_sealed_passes(tmp_path: Path) -> None:
    assert check_outbox(tmp_path) is None
    assert not (tmp_path / OUTBOX_FILE).exists()  # the check creates nothing


@pytest.mark.fault
def test_a_deleted_outbox_is_noticed_and_named(station: tuple[Path, AuditLog]) -> None:
    data_dir, audit = station
    for path in files(data_dir):
        path.unlink(missing_ok=True)
    problem = check_outbox(data_dir, audit)
    assert problem is not None and problem.code == "outbox.damaged_missing"
    assert problem.params["count"] == PACKETS and problem.params["undelivered"] == PACKETS
    text = problem.render("en")
    assert "kiosk outbox import" in text and "kiosk outbox salvage" in text and "provisional" in text
    assert not (data_dir / OUTBOX_FILE).exists()
    OutboxStore(data_dir / OUTBOX_FILE).close()  # a fresh file made by someone else: still noticed
    assert check_outbox(data_dir, audit) is not None


@pytest.mark.fault
@pytest.mark.parametrize("how", ["rows deleted", "file truncated to nothing"])
def test_an_emptied_outbox_is_noticed(station: tuple[Path, AuditLog], how: str) -> None:
    data_dir, audit = station
    if how == "rows deleted":
        with sqlite3.connect(data_dir / OUTBOX_FILE) as db:
            db.execute("DELETE FROM packets WHERE rowid % 2 = 0")
    else:
        for path in files(data_dir):
            if path.exists():
                path.write_bytes(b"")
    problem = check_outbox(data_dir, audit)
    assert problem is not None and problem.code == "outbox.damaged_missing"
    assert problem.params["count"] == (PACKETS // 2 if how == "rows deleted" else PACKETS)


def corrupt(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "garbage header":
        data[:100] = os.urandom(100)
    elif how == "half truncated":
        data = data[: len(data) // 2]
    else:  # bit flips in page headers of the table's pages
        for page in range(1, len(data) // 4096):
            data[page * 4096] ^= 0xFF
    path.write_bytes(bytes(data))


def checkpointed(data_dir: Path) -> None:
    """Fold the WAL into the file, so the damage is done to the database itself."""
    with sqlite3.connect(data_dir / OUTBOX_FILE) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.mark.fault
@pytest.mark.parametrize("how", ["garbage header", "half truncated", "bit flips"])
def test_a_corrupt_outbox_is_noticed_before_a_session(station: tuple[Path, AuditLog], how: str) -> None:
    data_dir, audit = station
    checkpointed(data_dir)
    corrupt(data_dir / OUTBOX_FILE, how)
    problem = check_outbox(data_dir, audit)
    assert problem is not None and problem.code == "outbox.damaged_corrupt"
    assert "kiosk outbox salvage" in problem.render("en")


@pytest.mark.fault
def test_salvage_rebuilds_a_garbage_header_and_keeps_every_packet(station: tuple[Path, AuditLog]) -> None:
    data_dir, audit = station
    checkpointed(data_dir)
    corrupt(data_dir / OUTBOX_FILE, "garbage header")
    report = salvage(data_dir, audit)
    assert report.salvaged == PACKETS and not report.lost and report.reconciled
    quarantined = Path(str(report.quarantined))
    assert (quarantined / OUTBOX_FILE).is_file()  # kept for whoever investigates, never deleted
    assert stat.S_IMODE(quarantined.stat().st_mode) == 0o700
    assert check_outbox(data_dir, audit) is None
    assert audited(audit, events.OUTBOX_QUARANTINED)[0]["folder"] == quarantined.name
    assert audited(audit, events.OUTBOX_SALVAGED)[-1]["salvaged"] == PACKETS


@pytest.mark.fault
def test_salvage_of_a_half_file_keeps_what_reads_and_needs_the_loss_accepted(
    station: tuple[Path, AuditLog],
) -> None:
    data_dir, audit = station
    checkpointed(data_dir)
    corrupt(data_dir / OUTBOX_FILE, "half truncated")
    report = salvage(data_dir, audit)
    assert 0 < report.salvaged < PACKETS
    assert len(report.lost) == PACKETS - report.salvaged and not report.reconciled
    assert report.report_file and Path(report.report_file).is_file()
    assert check_outbox(data_dir, audit) is not None  # the loss is not closed by itself
    final = salvage(data_dir, audit, accept_loss=True)
    assert final.reconciled and len(final.lost) == len(report.lost)
    assert check_outbox(data_dir, audit) is None
    assert audited(audit, events.OUTBOX_SALVAGED)[-1]["accepted_loss"] is True
    store = OutboxStore(data_dir / OUTBOX_FILE)
    try:
        assert len(store.pending()) == report.salvaged  # every kept packet still waits to be delivered
    finally:
        store.close()


@pytest.mark.fault
def test_salvage_leaves_out_a_packet_whose_bytes_changed(station: tuple[Path, AuditLog]) -> None:
    data_dir, audit = station
    with sqlite3.connect(data_dir / OUTBOX_FILE) as db:
        (packet_id,) = db.execute("SELECT packet_id FROM packets LIMIT 1").fetchone()
        db.execute("UPDATE packets SET blob = zeroblob(64) WHERE packet_id = ?", (packet_id,))
    health = inspect_outbox(data_dir, thorough=True)
    assert health.state == "corrupt" and packet_id in health.reason
    report = salvage(data_dir, audit, accept_loss=True)
    assert report.salvaged == PACKETS - 1 and [m["packet_id"] for m in report.lost] == [packet_id]


@pytest.mark.fault
@pytest.mark.parametrize("old_log", [False, True])
def test_a_seal_entry_of_a_masked_looking_id_still_matches(tmp_path: Path, old_log: bool) -> None:
    """An id whose last group looks like an RFC stays whole in today's audit log; an older log holds it
    masked ("abc1*****def"), and the cross-check still finds the packet, not a loss."""
    audit = AuditLog.open(tmp_path)
    store = OutboxStore(tmp_path / OUTBOX_FILE)
    packet_id = "0190a3b2-7c1d-7abc-8def-abc123456def"
    blob = fake_blob(packet_id)
    store.add(packet_id, blob, hashlib.sha256(blob).hexdigest())
    store.close()
    as_written = "0190a3b2-7c1d-7abc-8def-abc1*****def" if old_log else packet_id
    entry = audit.append(events.SEAL, fields={"packet_id": as_written})
    assert entry.fields["packet_id"] == as_written
    assert check_outbox(tmp_path, audit) is None
    other = audit.append(events.SEAL, fields={"packet_id": "0190a3b2-7c1d-7abc-8def-abc1*****dee"})
    assert other.fields["packet_id"].endswith("dee")
    assert check_outbox(tmp_path, audit) is not None  # a sealed packet truly absent is still noticed
