"""The outbox file: states move only forward, a crash is recovered, purge really drops the bytes."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from kiosk.errors import KioskError
from kiosk.outbox.store import STATES, OutboxStore
from tests.kiosk.outbox.helpers import add_fake, fake_blob

NOW = 1_800_000_000.0


def test_the_file_is_wal_with_full_sync_and_secure_delete(store: OutboxStore) -> None:
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store._db.execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_a_packet_goes_sealed_sending_delivered_purged(store: OutboxStore) -> None:
    (packet_id,) = add_fake(store, 1)
    assert store.get(packet_id).state == "sealed"  # type: ignore[union-attr]
    claimed = store.claim_due(NOW)
    assert claimed is not None and claimed.state == "sending" and claimed.attempts == 1
    assert store.claim_due(NOW) is None  # one claimant per packet
    store.delivered(packet_id, '{"receipt": 1}', "ACU-1", NOW)
    delivered = store.get(packet_id)
    assert delivered is not None and delivered.state == "delivered" and delivered.blob is not None
    assert store.purge(packet_id)
    purged = store.get(packet_id)
    assert purged is not None and purged.state == "purged" and purged.blob is None
    assert (purged.receipt, purged.folio) == ('{"receipt": 1}', "ACU-1")
    assert not store.purge(packet_id)  # nothing to purge twice


def test_retry_later_puts_the_packet_back_with_its_reason_and_time(store: OutboxStore) -> None:
    (packet_id,) = add_fake(store, 1)
    store.claim_due(NOW)
    store.retry_later(packet_id, "backend.timeout", NOW + 30)
    packet = store.get(packet_id)
    assert packet is not None and (packet.state, packet.last_error) == ("sealed", "backend.timeout")
    assert store.claim_due(NOW + 29) is None
    again = store.claim_due(NOW + 30)
    assert again is not None and again.attempts == 2
    assert store.next_due_at() is None  # the only packet is in flight


def test_rejected_keeps_the_reason_and_later_answers_do_not_resurrect_it(store: OutboxStore) -> None:
    (packet_id,) = add_fake(store, 1)
    store.claim_due(NOW)
    store.reject(packet_id, "decryption_failed")
    store.delivered(packet_id, "{}", "ACU-X", NOW)  # a late, confused answer
    store.retry_later(packet_id, "backend.timeout", NOW)
    packet = store.get(packet_id)
    assert packet is not None and (packet.state, packet.reject_code) == ("rejected", "decryption_failed")
    assert packet.receipt is None


def test_adding_the_same_packet_twice_keeps_one(store: OutboxStore) -> None:
    blob = fake_blob("0190a2b4-0000-7000-8000-000000000001")
    digest = hashlib.sha256(blob).hexdigest()
    assert store.add("0190a2b4-0000-7000-8000-000000000001", blob, digest)
    assert not store.add("0190a2b4-0000-7000-8000-000000000001", blob, digest)
    assert store.counts()["sealed"] == 1


def test_recover_requeues_what_was_in_flight_and_finishes_interrupted_purges(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    first = OutboxStore(path)
    in_flight, half_done, waiting = add_fake(first, 3)
    first.claim_due(NOW)  # in_flight -> sending
    first.retry_later(in_flight, "x", NOW + 1e6)  # make it not due, so the next claim takes half_done
    first.claim_due(NOW)
    first.delivered(half_done, "{}", "ACU-2", NOW)  # crash before purge
    first._db.execute("UPDATE packets SET state = 'sending' WHERE packet_id = ?", (in_flight,))
    first.close()  # the process "died" here

    second = OutboxStore(path)
    assert second.recover() == 1
    states = {p.packet_id: (p.state, p.blob is None) for p in second.all()}
    assert states == {
        in_flight: ("sealed", False),
        half_done: ("purged", True),
        waiting: ("sealed", False),
    }
    assert second.get(in_flight).next_attempt_at == 0  # type: ignore[union-attr]
    assert second.integrity() == ["ok"]
    second.close()


def test_purge_leaves_no_copy_of_the_sealed_bytes_in_the_files(store: OutboxStore) -> None:
    ids = add_fake(store, 3)
    marker = {p: store.get(p).blob[100:164] for p in ids}  # type: ignore[index,union-attr]
    for _ in ids:
        packet = store.claim_due(NOW)
        assert packet is not None
        store.delivered(packet.packet_id, "{}", "F", NOW)
        store.purge(packet.packet_id)
    raw = b"".join(f.read_bytes() for f in store.path.parent.iterdir() if f.is_file())
    assert not [p for p, m in marker.items() if m in raw]


def test_without_compaction_the_bytes_wait_for_the_queue_to_run_dry(store: OutboxStore) -> None:
    """The sender purges without compacting while busy; `compact` is what drops the old WAL copies."""
    (packet_id,) = add_fake(store, 1)
    marker = store.get(packet_id).blob[200:264]  # type: ignore[index,union-attr]
    store.claim_due(NOW)
    store.delivered(packet_id, "{}", "F", NOW)
    store.purge(packet_id, compact=False)
    store.compact()
    raw = b"".join(f.read_bytes() for f in store.path.parent.iterdir() if f.is_file())
    assert marker not in raw


def test_counts_name_every_state_and_the_oldest_pending(store: OutboxStore) -> None:
    ids = add_fake(store, 5, created_at=NOW - 3600)
    store.claim_due(NOW)  # ids[0] -> sending
    store.claim_due(NOW)
    store.reject(ids[1], "bad_signature")
    store.claim_due(NOW)
    store.delivered(ids[2], "{}", "F", NOW)
    store.mark_exported([ids[3]], NOW)
    counts = store.counts()
    assert {s: counts[s] for s in STATES} == {
        "sealed": 2,
        "sending": 1,
        "delivered": 1,
        "rejected": 1,
        "purged": 0,
    }
    assert counts["rejected_by_reason"] == {"bad_signature": 1}
    assert counts["exported_waiting"] == 1
    assert counts["oldest_pending_created_at"] == NOW - 3600  # ids[0], in flight, still pending
    assert store.waiting() == (3, NOW - 3600)
    assert store.waiting(include_exported=False) == (2, NOW - 3600)


def test_counts_of_an_empty_outbox(store: OutboxStore) -> None:
    counts = store.counts()
    assert [counts[s] for s in STATES] == [0] * 5 and counts["oldest_pending_created_at"] is None


def test_a_full_disk_raises_a_clear_error_and_leaves_the_store_as_it_was(store: OutboxStore) -> None:
    """SQLite's own page limit gives the genuine SQLITE_FULL path ("database or disk is full")."""
    kept = add_fake(store, 2)
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages + 2}")
    big_id = "0190a2b4-0000-7000-8000-0000000000ff"
    blob = fake_blob(big_id, size=256 * 1024)
    digest = hashlib.sha256(blob).hexdigest()
    with pytest.raises(KioskError) as caught:
        store.add(big_id, blob, digest)
    assert caught.value.message.code == "outbox.disk_full"
    assert "disk is full" in caught.value.render("en")
    assert store.get(big_id) is None and [p.packet_id for p in store.all()] == kept
    assert store.integrity() == ["ok"]
    # The caller still holds the sealed bytes: once space is back, the same call succeeds.
    store._db.execute("PRAGMA max_page_count = 1073741823")
    assert store.add(big_id, blob, digest)
    assert store.get(big_id).blob == blob  # type: ignore[union-attr]


def test_an_import_batch_is_all_or_nothing(store: OutboxStore) -> None:
    kept = add_fake(store, 1)
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages + 4}")
    blobs = [fake_blob(f"0190a2b4-0000-7000-8000-00000000010{i}", 8192) for i in range(5)]
    items = [
        (f"0190a2b4-0000-7000-8000-00000000010{i}", blob, hashlib.sha256(blob).hexdigest(), False, None)
        for i, blob in enumerate(blobs)
    ]
    with pytest.raises(KioskError) as caught:
        store.add_many(items)
    assert caught.value.message.code == "outbox.disk_full"
    assert [p.packet_id for p in store.all()] == kept


def test_a_digest_that_does_not_match_the_bytes_is_refused(store: OutboxStore) -> None:
    blob = fake_blob("0190a2b4-0000-7000-8000-000000000001")
    with pytest.raises(ValueError, match="digest"):
        store.add("0190a2b4-0000-7000-8000-000000000001", blob, "0" * 64)
    assert store.all() == []


@pytest.mark.parametrize(
    "blob",
    [b"\x46\x49\x52\x00 plaintext record", fake_blob("0190a2b4-0000-7000-8000-000000000009"), b""],
    ids=["plaintext", "other-id", "empty"],
)
def test_only_a_sealed_packet_with_that_id_may_enter(store: OutboxStore, blob: bytes) -> None:
    with pytest.raises(ValueError, match="not a sealed packet"):
        store.add("0190a2b4-0000-7000-8000-000000000001", blob, hashlib.sha256(blob).hexdigest())
    assert store.all() == []


def test_other_write_failures_are_reported_too(tmp_path: Path) -> None:
    opened = OutboxStore(tmp_path / "outbox.db")
    opened._db.execute("PRAGMA query_only = ON")
    with pytest.raises(KioskError) as caught:
        add_fake(opened, 1)
    assert caught.value.message.code == "outbox.write_failed"
    opened._db.execute("PRAGMA query_only = OFF")
    assert add_fake(opened, 1)
    opened.close()
