"""The sender's thread round by round, without its thread: how long each round says to sleep, what
a failed round logs and recovers, who the audit entries name, that drain goes on past a bug, and that
a stopped sender starts again."""

from __future__ import annotations

import logging
import random
import threading
from pathlib import Path

import pytest

from kiosk.audit import AuditLog
from kiosk.outbox.sender import Sender
from kiosk.outbox.store import OutboxStore
from tests.kiosk.outbox.helpers import FakeClock, add_fake

NOW = 1_800_000_000.0


def delivered_ok(packet_id: str, blob: bytes) -> tuple[str, str]:
    return "{}", "ACU-1"


def sender(store: OutboxStore, clock: FakeClock, **options: object) -> Sender:
    deliver = options.pop("deliver", delivered_ok)
    return Sender(store, deliver, clock=clock, rng=random.Random(1), **options)  # type: ignore[arg-type]


def test_a_paused_sender_sleeps_until_the_pause_ends_or_the_idle_interval(store: OutboxStore) -> None:
    clock = FakeClock(NOW)
    s = sender(store, clock)
    s.paused_until = NOW + 3.0
    assert s._step(5.0) == 3.0
    assert s._step(2.0) == 2.0


def test_a_round_that_delivered_asks_for_the_next_at_once(store: OutboxStore) -> None:
    add_fake(store, 1, created_at=NOW)
    assert sender(store, FakeClock(NOW))._step(5.0) == 0.0


def test_an_empty_round_sleeps_until_the_next_packet_is_due(store: OutboxStore) -> None:
    clock = FakeClock(NOW)
    rounds: list[str] = []
    s = sender(store, clock, after_round=lambda: rounds.append("done"))
    assert s._step(5.0) == 5.0 and rounds == ["done"]  # nothing queued: the idle interval
    (packet_id,) = add_fake(store, 1, created_at=NOW)
    store.claim_due(NOW)
    store.retry_later(packet_id, "backend.timeout", NOW + 2.5)
    assert s._step(5.0) == 2.5  # due before the idle tick
    clock.now = NOW + 2.49
    assert s._step(5.0) == pytest.approx(0.05)  # not below 50 ms
    clock.now = NOW - 10
    assert s._step(5.0) == 5.0  # due later than the idle tick


def test_a_failed_round_is_logged_and_the_queue_recovered(
    store: OutboxStore, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = sender(store, FakeClock(NOW))
    recovered: list[bool] = []

    def failing_step(idle_interval: float) -> float:
        assert idle_interval == 7.0
        s._stop.set()
        s._wake.set()
        raise OSError("disk full")

    def failing_recover() -> int:
        recovered.append(True)
        raise OSError("still full")

    monkeypatch.setattr(s, "_step", failing_step)
    monkeypatch.setattr(store, "recover", failing_recover)
    with caplog.at_level(logging.INFO, logger="kiosk.outbox"):
        s._loop(7.0)
    assert recovered == [True]
    assert [r.getMessage() for r in caplog.records] == ["outbox sender step failed", "outbox recovery failed"]


def test_settled_packets_are_audited_as_the_system(store: OutboxStore, tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit")
    (packet_id,) = add_fake(store, 1, created_at=NOW)
    sender(store, FakeClock(NOW), audit=audit).deliver_one()
    (entry,) = audit.entries()
    assert (entry.event, entry.actor, entry.role) == ("receipt", None, "system")
    assert entry.fields == {"packet_id": packet_id, "folio": "ACU-1", "purged": True}


def test_a_delivery_the_log_cannot_take_is_named_in_the_warning(
    store: OutboxStore, caplog: pytest.LogCaptureFixture
) -> None:
    class FullLog:
        def append(self, *args: object, **kwargs: object) -> None:
            raise OSError("no space left")

    (packet_id,) = add_fake(store, 1, created_at=NOW)
    with caplog.at_level(logging.WARNING, logger="kiosk.outbox"):
        outcome = sender(store, FakeClock(NOW), audit=FullLog()).deliver_one()
    assert outcome is not None and outcome.result == "delivered"
    (record,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert record.getMessage() == "delivery not audited" and record.packet_id == packet_id  # type: ignore[attr-defined]


def test_drain_goes_on_after_a_bug_in_one_delivery(store: OutboxStore) -> None:
    first, second = add_fake(store, 2, created_at=NOW)

    def deliver(packet_id: str, blob: bytes) -> tuple[str, str]:
        if packet_id == first:
            raise RuntimeError("a bug")
        return "{}", "ACU-2"

    outcomes = sender(store, FakeClock(NOW), deliver=deliver).drain()
    assert [(o.packet_id, o.result) for o in outcomes] == [(first, "retry"), (second, "delivered")]


def test_poke_lifts_the_pause_whatever_the_clock_says(store: OutboxStore) -> None:
    s = sender(store, FakeClock(0.0))
    s.paused_until = 100.0
    assert s.paused
    s.poke()
    assert not s.paused


def test_a_stopped_sender_starts_again_and_delivers(store: OutboxStore) -> None:
    arrived = threading.Event()

    def deliver(packet_id: str, blob: bytes) -> tuple[str, str]:
        arrived.set()
        return "{}", "ACU-3"

    s = Sender(store, deliver, rng=random.Random(1))
    s.start(idle_interval=0.05)
    thread = s._thread
    assert thread is not None and thread.name == "outbox-sender" and thread.daemon
    s.stop()
    assert not thread.is_alive()
    add_fake(store, 1)
    s.start(idle_interval=0.05)
    try:
        assert arrived.wait(10)
    finally:
        s.stop()
