"""The outbox as a supervisor or a technician looks at it: every packet with its state, age and code,
the freeze and how to lift it, and the file's health.

No packet's bytes are read for this and nothing about a person is shown: a packet is its id, its
state, when it was sealed, the backend's code when it was refused and its folio once delivered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.messages import Message
from kiosk.outbox.freeze import freeze_reason
from kiosk.outbox.health import OutboxHealth, inspect_outbox
from kiosk.outbox.store import STATES, OutboxStore


@dataclass(frozen=True)
class PacketRow:
    packet_id: str
    state: str
    age_s: float  # since it was sealed
    attempts: int
    code: str | None  # the backend's refusal code, or the last delivery error while it waits
    folio: str | None
    test: bool
    exported: bool
    keeps_bytes: bool  # a rejected packet can be retried only while it still has them

    @property
    def retryable(self) -> bool:
        return self.state == "rejected" and self.keeps_bytes


@dataclass
class OutboxView:
    rows: list[PacketRow]
    counts: dict[str, int]
    health: OutboxHealth
    freeze: Message | None
    oldest_pending_age_s: float | None
    rejected_retention_s: int
    notes: list[Message] = field(default_factory=list)

    def by_state(self, state: str) -> list[PacketRow]:
        return [r for r in self.rows if r.state == state]

    def problems(self) -> list[Message]:
        """What stops or threatens the station, worst first: damage, then the freeze."""
        found = []
        damaged = self.health.message()
        if damaged is not None:
            found.append(damaged)
        if self.freeze is not None:
            found.append(self.freeze)
            found.append(Message("outbox.freeze_how_to_clear"))
        return found

    def to_json(self, language: str = "en") -> dict[str, Any]:
        return {
            "counts": self.counts,
            "oldest_pending_age_s": self.oldest_pending_age_s,
            "health": self.health.to_json(language),
            "freeze": self.freeze.render(language) if self.freeze else None,
            "rejected_retention_s": self.rejected_retention_s,
            "packets": [r.__dict__ for r in self.rows],
        }


def look(
    store: OutboxStore,
    data_dir: Path,
    freeze_policy: dict[str, Any],
    rejected_retention_s: int,
    now: float,
    audit_dir: Path | None = None,
) -> OutboxView:
    """The whole outbox at `now`. The health check reads the file apart from `store` (as at start)."""
    health = inspect_outbox(data_dir, audit_dir)
    rows = [
        PacketRow(
            p.packet_id,
            p.state,
            round(max(0.0, now - p.created_at), 1),
            p.attempts,
            p.reject_code or (p.last_error if p.state in ("sealed", "sending") else None),
            p.folio,
            p.test,
            p.exported_at is not None,
            p.blob is not None,
        )
        for p in reversed(store.all())  # newest first: what a supervisor asks about is usually today's
    ]
    counts = {state: sum(r.state == state for r in rows) for state in STATES}
    pending = [r.age_s for r in rows if r.state in ("sealed", "sending")]
    return OutboxView(
        rows,
        counts,
        health,
        freeze_reason(store, freeze_policy, now),
        max(pending) if pending else None,
        rejected_retention_s,
    )


def for_station(station: Any, role: str, now: float | None = None) -> OutboxView:
    """The outbox of `station` (a `StationContext`) for an operator of `role` (`outbox_status`)."""
    from kiosk.roles import Permission, require

    require(role, Permission.OUTBOX_STATUS)
    policy = station.policy
    return look(
        station.outbox,
        station.data_dir,
        policy.freeze.model_dump(),
        policy.outbox.rejected_retention_s,
        station.clock() if now is None else now,
        station.audit.directory,
    )
