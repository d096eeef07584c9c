"""The sender records every settled packet in the station's audit log, whoever runs it, and runs its
`after_round` (the audit checkpoint's delivery) when the queue has run dry."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.audit import AuditLog, events
from kiosk.client.http import BackendError
from kiosk.outbox.sender import Sender
from kiosk.outbox.store import OutboxStore
from tests.kiosk.outbox.helpers import FakeClock, add_fake


def test_deliveries_and_rejections_are_audited(store: OutboxStore, clock: FakeClock, tmp_path: Path) -> None:
    good, bad = add_fake(store, 2)
    audit = AuditLog.open(tmp_path)

    def deliver(packet_id: str, blob: bytes) -> tuple[str, str]:
        if packet_id == bad:
            raise BackendError("backend.error.bad_signature", retryable=False, api_code="bad_signature")
        return "{}", "ACU-1"

    outcomes = Sender(store, deliver, clock=clock, audit=audit).drain()
    assert [o.result for o in outcomes] == ["delivered", "rejected"]
    entries = [(e.event, e.fields) for e in audit.entries()]
    assert entries == [
        (events.RECEIPT, {"packet_id": good, "folio": "ACU-1", "purged": True}),
        (events.DELIVERY_FAILED, {"packet_id": bad, "code": "bad_signature", "final": True}),
    ]


@pytest.mark.fault
def test_an_audit_log_that_cannot_be_written_does_not_undo_a_delivery(
    store: OutboxStore, clock: FakeClock
) -> None:
    (packet_id,) = add_fake(store, 1)

    class Full:
        def append(self, *args: object, **kwargs: object) -> None:
            from kiosk.errors import KioskError

            raise KioskError("audit.disk_full", path="x", reason="No space left on device")

    outcome = Sender(store, lambda p, b: ("{}", "ACU-2"), clock=clock, audit=Full()).deliver_one()
    assert outcome is not None and outcome.result == "delivered"
    packet = store.get(packet_id)
    assert packet is not None and packet.state == "purged"


def test_after_round_runs_when_the_queue_is_dry(store: OutboxStore, clock: FakeClock) -> None:
    add_fake(store, 1)
    rounds: list[int] = []
    sender = Sender(store, lambda p, b: ("{}", "ACU-3"), clock=clock, after_round=lambda: rounds.append(1))
    assert sender._step(5.0) == 0.0 and rounds == []  # a packet went: no round end yet
    sender._step(5.0)
    assert rounds == [1]
