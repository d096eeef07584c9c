"""The outbox freeze: no new enrolments while too much waits undelivered, so nothing piles up unseen.

The numbers come from the policy (defaults: more than 200 undelivered packets, or the oldest older than
72 hours); delivering or exporting the packets lifts the freeze.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.messages import Message
from kiosk.outbox.store import OutboxStore


def freeze_reason(store: OutboxStore, freeze_policy: Mapping[str, Any], now: float) -> Message | None:
    """Why enrolments must stop now, or None. Packets already exported to removable media do not count."""
    waiting, oldest = store.waiting(include_exported=False)
    if waiting > freeze_policy["max_undelivered"]:
        return Message("outbox.frozen_count", {"count": waiting, "limit": freeze_policy["max_undelivered"]})
    if oldest is not None and now - oldest > freeze_policy["max_oldest_undelivered_s"]:
        hours = int(now - oldest) // 3600  # whole hours, as the message says them
        limit = int(freeze_policy["max_oldest_undelivered_s"]) // 3600
        return Message("outbox.frozen_age", {"hours": hours, "limit": limit})
    return None
