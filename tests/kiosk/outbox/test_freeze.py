"""The freeze: too many undelivered packets, or one too old, stop new enrolments; exports lift it."""

from __future__ import annotations

from kiosk.outbox.freeze import freeze_reason
from kiosk.outbox.store import OutboxStore
from kiosk.policy import default_policy
from tests.kiosk.outbox.helpers import add_fake

NOW = 1_800_000_000.0
RULES = {"max_undelivered": 3, "max_oldest_undelivered_s": 72 * 3600}


def test_an_empty_outbox_is_not_frozen(store: OutboxStore) -> None:
    assert freeze_reason(store, RULES, NOW) is None


def test_more_than_the_limit_freezes_with_the_count(store: OutboxStore) -> None:
    add_fake(store, 3, created_at=NOW)
    assert freeze_reason(store, RULES, NOW) is None  # "more than 3"
    add_fake(store, 1, created_at=NOW)
    reason = freeze_reason(store, RULES, NOW)
    assert reason is not None and reason.code == "outbox.frozen_count"
    assert reason.params == {"count": 4, "limit": 3}
    assert "4 packets are undelivered (the limit is 3)" in reason.render("en")


def test_the_oldest_packet_too_old_freezes_with_its_age(store: OutboxStore) -> None:
    add_fake(store, 1, created_at=NOW - 72 * 3600)
    assert freeze_reason(store, RULES, NOW) is None  # exactly at the limit is still fine
    reason = freeze_reason(store, RULES, NOW + 3 * 3600)
    assert reason is not None and reason.code == "outbox.frozen_age"
    assert reason.params == {"hours": 75, "limit": 72}


def test_delivered_rejected_and_exported_packets_do_not_count(store: OutboxStore) -> None:
    old = add_fake(store, 6, created_at=NOW - 100 * 3600)
    for packet_id in old[:2]:
        store.claim_due(NOW)
        store.delivered(packet_id, "{}", "F", NOW)
        store.purge(packet_id)
    store.claim_due(NOW)
    store.reject(old[2], "bad_signature")
    assert freeze_reason(store, RULES, NOW) is not None
    store.mark_exported(old[3:], NOW)
    assert freeze_reason(store, RULES, NOW) is None
    assert store.waiting() == (3, NOW - 100 * 3600 + 3)  # still waiting for a receipt, though


def test_a_packet_in_flight_still_counts(store: OutboxStore) -> None:
    add_fake(store, 4, created_at=NOW)
    store.claim_due(NOW)
    reason = freeze_reason(store, RULES, NOW)
    assert reason is not None and reason.params["count"] == 4


def test_the_default_policy_rules_apply() -> None:
    from datetime import UTC, datetime

    rules = default_policy(1, datetime.now(UTC))["freeze"]
    assert rules == {"max_undelivered": 200, "max_oldest_undelivered_s": 72 * 3600}
