"""What the freeze tells the clerk, word for word: whole hours and the policy's limit, never a fraction."""

from __future__ import annotations

from kiosk.outbox.freeze import freeze_reason
from kiosk.outbox.store import OutboxStore
from tests.kiosk.outbox.helpers import add_fake

NOW = 1_800_000_000.0


def test_the_age_is_said_in_whole_hours_rounded_down(store: OutboxStore) -> None:
    rules = {"max_undelivered": 10, "max_oldest_undelivered_s": 72 * 3600 + 1800}  # 72 h 30 min
    add_fake(store, 1, created_at=NOW)
    reason = freeze_reason(store, rules, NOW + 75 * 3600 + 3599.5)
    assert reason is not None and reason.params == {"hours": 75, "limit": 72}
    assert reason.render("en") == (
        "no new enrolments: a packet has been undelivered for 75 hours (the limit is 72); "
        "connect the station or export the packets"
    )


def test_the_count_is_checked_before_the_age(store: OutboxStore) -> None:
    rules = {"max_undelivered": 1, "max_oldest_undelivered_s": 3600}
    add_fake(store, 2, created_at=NOW)
    reason = freeze_reason(store, rules, NOW + 7200)
    assert reason is not None and reason.code == "outbox.frozen_count"
