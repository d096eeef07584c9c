"""A packet on its way to the backend (state `sending`) is still waiting: the overview shows why its
last attempt failed and counts it in the age of the oldest waiting packet, as for a sealed one."""

from __future__ import annotations

from pathlib import Path

from kiosk.outbox.overview import look
from kiosk.outbox.store import OutboxStore
from tests.kiosk.outbox.helpers import add_fake

NOW = 1_800_000_000.0
LOOSE = {"max_undelivered": 100, "max_oldest_undelivered_s": 72 * 3600}


def test_a_packet_being_sent_shows_its_last_error_and_counts_as_waiting(tmp_path: Path) -> None:
    store = OutboxStore(tmp_path / "outbox.db")
    try:
        (older,) = add_fake(store, 1, created_at=NOW - 600)
        (newer,) = add_fake(store, 1, created_at=NOW - 60)
        assert store.claim_due(NOW) is not None  # the older one goes first
        store.retry_later(older, "backend.timeout", 0.0)  # due again at once
        assert store.claim_due(NOW) is not None  # ...and is on its way again, its last error kept
        view = look(store, tmp_path, LOOSE, 3600, NOW)
        rows = {r.packet_id: r for r in view.rows}
        assert rows[older].state == "sending" and rows[older].code == "backend.timeout"
        assert rows[newer].state == "sealed" and rows[newer].code is None
        assert view.oldest_pending_age_s == 600.0
    finally:
        store.close()
