"""The outbox store's edges: which SQLite errors mean a full disk, what a failed write names, finding
a packet by its folio, compaction only after a real purge, and the rows a salvage may not put back."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from kiosk.errors import KioskError
from kiosk.outbox.store import OutboxStore, Packet, _is_full
from kiosk.packet.ids import new_packet_id
from tests.kiosk.outbox.helpers import add_fake, fake_blob

NOW = 1_800_000_000.0


def sqlite_error(message: str, code: int | None) -> sqlite3.Error:
    error = sqlite3.OperationalError(message)
    if code is not None:
        error.sqlite_errorcode = code
    return error


@pytest.mark.parametrize(
    ("message", "code", "full"),
    [
        ("out of space", 13, True),  # SQLITE_FULL, whatever the text
        ("out of space", 13 | (3 << 8), True),  # an extended code of SQLITE_FULL
        ("database or disk is full", None, True),  # no code: the text decides
        ("disk I/O error", 10, False),  # SQLITE_IOERR
        ("disk I/O error", 255, False),
        ("database is locked", None, False),
    ],
)
def test_which_errors_mean_a_full_disk(message: str, code: int | None, full: bool) -> None:
    assert _is_full(sqlite_error(message, code)) is full


def test_a_failed_write_names_the_file_and_the_reason(tmp_path: Path) -> None:
    store = OutboxStore(tmp_path / "outbox.db")
    store.close()
    with pytest.raises(KioskError) as caught:
        add_fake(store, 1)
    assert caught.value.message.code == "outbox.write_failed"
    assert caught.value.message.params == {
        "path": str(tmp_path / "outbox.db"),
        "reason": "Cannot operate on a closed database.",
    }


def test_a_full_disk_names_the_file(store: OutboxStore) -> None:
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages + 2}")
    packet_id = new_packet_id()
    blob = fake_blob(packet_id, size=256 * 1024)
    with pytest.raises(KioskError) as caught:
        store.add(packet_id, blob, hashlib.sha256(blob).hexdigest())
    assert caught.value.message.code == "outbox.disk_full"
    assert caught.value.message.params == {"path": str(store.path)}


def test_a_packet_is_found_by_its_folio(store: OutboxStore) -> None:
    (packet_id,) = add_fake(store, 1, created_at=NOW)
    store.claim_due(NOW)
    store.delivered(packet_id, "{}", "ACU-77", NOW)
    found = store.by_folio("ACU-77")
    assert found is not None and found.packet_id == packet_id and found.delivered_at == NOW
    assert store.by_folio("ACU-78") is None


def test_compaction_follows_a_purge_only_when_something_was_purged(
    store: OutboxStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    compactions: list[bool] = []
    monkeypatch.setattr(store, "compact", lambda: compactions.append(True))
    (waiting,) = add_fake(store, 1, created_at=NOW)
    assert not store.purge(waiting) and compactions == []  # not delivered: nothing to purge
    store.claim_due(NOW)
    store.delivered(waiting, "{}", "ACU-1", NOW)
    assert store.purge(waiting, compact=False) and compactions == []
    assert not store.purge(waiting) and compactions == []
    (other,) = add_fake(store, 1, created_at=NOW + 1)
    store.claim_due(NOW + 1)
    store.delivered(other, "{}", "ACU-2", NOW + 1)
    assert store.purge(other) and compactions == [True]


def salvaged(packet_id: str, state: str, blob: bytes | None) -> Packet:
    digest = hashlib.sha256(blob or b"").hexdigest()
    return Packet(
        packet_id, state, blob, digest, len(blob or b""), NOW, 1, 0.0, None, None, None, None, False, None
    )


def test_restore_skips_unknown_states_and_waiting_rows_without_bytes_and_goes_on(store: OutboxStore) -> None:
    first, second, third = new_packet_id(), new_packet_id(), new_packet_id()
    rows = [
        salvaged(first, "lost-in-space", fake_blob(first)),
        salvaged(second, "sealed", None),
        salvaged(third, "sealed", fake_blob(third)),
    ]
    assert store.restore(rows) == 1
    assert [p.packet_id for p in store.all()] == [third]


def test_an_empty_packet_id_is_not_a_sealed_packet(store: OutboxStore) -> None:
    with pytest.raises(ValueError, match="not a sealed packet"):
        store.add("", b"junk", hashlib.sha256(b"junk").hexdigest())
