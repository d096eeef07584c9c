"""What the sender writes to the station's log for each outcome (the technician's only view of a
delivery), its starting state and default backoff, and the bookkeeping around a delivery: the
consecutive failures, the retry time after a bug, the commit's crash point, the compaction once the
queue runs dry."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable

import pytest

from kiosk.client.http import BackendError
from kiosk.outbox import faults
from kiosk.outbox.sender import Sender
from kiosk.outbox.store import OutboxStore
from tests.kiosk.outbox.helpers import FakeClock, add_fake

NOW = 1_800_000_000.0


class Ceiling(random.Random):
    """Always the top of the jitter range, so a delay can be checked exactly."""

    def uniform(self, a: float, b: float) -> float:
        return b


def answering(*answers: BaseException | None) -> Callable[[str, bytes], tuple[str, str]]:
    queue = list(answers)

    def deliver(packet_id: str, blob: bytes) -> tuple[str, str]:
        answer = queue.pop(0) if queue else None
        if answer is not None:
            raise answer
        return "{}", "ACU-9"

    return deliver


def records(caplog: pytest.LogCaptureFixture) -> list[tuple[str, int, dict[str, object]]]:
    keys = ("packet_id", "code", "delay_s", "folio")
    return [
        (r.getMessage(), r.levelno, {k: getattr(r, k) for k in keys if hasattr(r, k)})
        for r in caplog.records
        if r.name == "kiosk.outbox"
    ]


def test_a_new_sender_starts_unpaused_with_no_failures_and_the_default_backoff(store: OutboxStore) -> None:
    s = Sender(store, answering(), clock=lambda: 0.5, rng=Ceiling())
    assert (s.failures, s.last_error, s.paused) == (0, None, False)
    assert s.backoff(1) == 2.0 and s.backoff(3) == 8.0 and s.backoff(30) == 600.0


def test_each_outcome_is_logged_with_the_packet_and_what_happened(
    store: OutboxStore, caplog: pytest.LogCaptureFixture
) -> None:
    refused, postponed, broken, delivered = add_fake(store, 4, created_at=NOW)
    deliver = answering(
        BackendError("backend.error.bad_signature", retryable=False, api_code="bad_signature"),
        BackendError("backend.timeout", retryable=True, url="https://backend.test"),
        RuntimeError("a bug"),
        None,
    )
    s = Sender(store, deliver, base_delay=2.5, clock=FakeClock(NOW), rng=Ceiling())
    with caplog.at_level(logging.INFO, logger="kiosk.outbox"):
        for _ in range(4):
            s.deliver_one()
            s.paused_until = 0.0
    assert records(caplog) == [
        ("packet rejected", logging.WARNING, {"packet_id": refused, "code": "bad_signature"}),
        (
            "delivery postponed",
            logging.INFO,
            {"packet_id": postponed, "code": "backend.timeout", "delay_s": 2.5},
        ),
        ("delivery failed unexpectedly", logging.ERROR, {"packet_id": broken}),
        ("packet delivered", logging.INFO, {"packet_id": delivered, "folio": "ACU-9"}),
    ]


def test_the_postponement_is_logged_to_a_tenth_of_a_second(
    store: OutboxStore, caplog: pytest.LogCaptureFixture
) -> None:
    add_fake(store, 1, created_at=NOW)
    deliver = answering(BackendError("backend.timeout", retryable=True, url="-"))
    s = Sender(store, deliver, base_delay=2.345, clock=FakeClock(NOW), rng=Ceiling())
    with caplog.at_level(logging.INFO, logger="kiosk.outbox"):
        s.deliver_one()
    assert records(caplog)[0][2]["delay_s"] == 2.3


def test_consecutive_failures_add_up_and_a_delivery_clears_them(store: OutboxStore) -> None:
    add_fake(store, 3, created_at=NOW)
    timeout = BackendError("backend.timeout", retryable=True, url="-")
    clock = FakeClock(NOW)
    s = Sender(store, answering(timeout, timeout, None), clock=clock, rng=Ceiling())
    s.deliver_one()
    s.deliver_one()
    assert s.failures == 2 and s.last_error is timeout
    assert s.paused_until == NOW + 4.0  # the pause grows with the failures: 2 s, then 4 s
    s.deliver_one()
    assert (s.failures, s.last_error, s.paused_until) == (0, None, 0.0)


def test_a_bug_puts_the_packet_back_for_later_not_for_the_past(store: OutboxStore) -> None:
    (packet_id,) = add_fake(store, 1, created_at=NOW)
    Sender(store, answering(RuntimeError("a bug")), clock=FakeClock(NOW), rng=Ceiling()).deliver_one()
    packet = store.get(packet_id)
    assert packet is not None and packet.state == "sealed" and packet.last_error == "bug: RuntimeError"
    assert packet.next_attempt_at == NOW + 2.0


def test_a_delivery_is_recorded_on_the_sender_s_clock_through_the_commit_s_crash_point(
    store: OutboxStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    reached: list[str] = []
    monkeypatch.setattr(faults, "hit", reached.append)
    (packet_id,) = add_fake(store, 1, created_at=NOW)
    Sender(store, answering(), clock=FakeClock(NOW + 30)).deliver_one()
    packet = store.get(packet_id)
    assert packet is not None and packet.delivered_at == NOW + 30 and packet.state == "purged"
    assert reached == ["in_commit"]


def test_the_file_is_compacted_once_when_the_queue_runs_dry_after_deliveries(
    store: OutboxStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    compactions: list[bool] = []
    monkeypatch.setattr(store, "compact", lambda: compactions.append(True))
    s = Sender(store, answering(), clock=FakeClock(NOW))
    assert s.deliver_one() is None and compactions == []  # nothing delivered yet: nothing to fold
    add_fake(store, 2, created_at=NOW)
    s.deliver_one()
    s.deliver_one()
    assert compactions == []
    assert s.deliver_one() is None and compactions == [True]
    assert s.deliver_one() is None and compactions == [True]
