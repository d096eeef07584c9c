"""The sender: backoff bounds and jitter, which answers reject and which retry, bugs lose nothing."""

from __future__ import annotations

import random
import threading

import pytest

from kiosk.client.http import BackendError
from kiosk.outbox.faults import FaultPlan
from kiosk.outbox.sender import PACKET_FAULTS, Outcome, Sender
from kiosk.outbox.store import OutboxStore, Packet
from tests.kiosk.outbox.helpers import FakeClock, add_fake


class FakeBackend:
    """A `Deliver` whose answer for each call is scripted; records what it was sent."""

    def __init__(self, *answers: BaseException | None) -> None:
        self.answers = list(answers)
        self.sent: list[str] = []

    def __call__(self, packet_id: str, blob: bytes) -> tuple[str, str]:
        self.sent.append(packet_id)
        answer = self.answers.pop(0) if self.answers else None
        if answer is not None:
            raise answer
        return '{"envelope": {}, "body": {}}', f"ACU-{len(self.sent):03d}"


def sender(store: OutboxStore, clock: FakeClock, backend: FakeBackend, seed: int = 1) -> Sender:
    return Sender(store, backend, base_delay=2.0, max_delay=60.0, clock=clock, rng=random.Random(seed))


def backend_error(api_code: str) -> BackendError:
    return BackendError(f"backend.error.{api_code}", retryable=False, api_code=api_code)


@pytest.mark.parametrize("attempts", [1, 2, 3, 4, 6, 10, 30])
def test_backoff_stays_between_half_and_all_of_the_capped_exponential(attempts: int) -> None:
    s = Sender(None, None, base_delay=2.0, max_delay=60.0, rng=random.Random(attempts))  # type: ignore[arg-type]
    ceiling = min(60.0, 2.0 * 2 ** (attempts - 1))
    delays = [s.backoff(attempts) for _ in range(500)]
    assert all(ceiling / 2 <= d <= ceiling for d in delays)
    assert max(delays) - min(delays) > ceiling / 4  # jittered, not a constant


def test_backoff_is_reproducible_with_a_seeded_rng_and_differs_between_stations() -> None:
    def series(seed: int) -> list[float]:
        s = Sender(None, None, rng=random.Random(seed))  # type: ignore[arg-type]
        return [s.backoff(n) for n in range(1, 8)]

    assert series(7) == series(7)
    assert series(7) != series(8)


def test_a_delivered_packet_is_purged_with_its_receipt(store: OutboxStore, clock: FakeClock) -> None:
    (packet_id,) = add_fake(store, 1)
    outcome = sender(store, clock, FakeBackend()).deliver_one()
    assert outcome == Outcome(packet_id, "delivered", "ACU-001")
    packet = store.get(packet_id)
    assert packet is not None and (packet.state, packet.folio, packet.blob) == ("purged", "ACU-001", None)


@pytest.mark.parametrize("code", sorted(PACKET_FAULTS))
def test_answers_about_the_packet_itself_set_it_aside(
    store: OutboxStore, clock: FakeClock, code: str
) -> None:
    (packet_id,) = add_fake(store, 1)
    outcome = sender(store, clock, FakeBackend(backend_error(code))).deliver_one()
    assert outcome == Outcome(packet_id, "rejected", code)
    packet = store.get(packet_id)
    assert packet is not None and (packet.state, packet.reject_code) == ("rejected", code)
    assert packet.blob is not None  # kept sealed for an investigation, never "delivered"


@pytest.mark.parametrize(
    "error",
    [
        BackendError("backend.unreachable", retryable=True, url="https://x"),
        BackendError("backend.timeout", retryable=True, url="https://x"),
        BackendError("backend.bad_answer", retryable=True, reason="HTTP 502"),
        BackendError("backend.bad_receipt", retryable=True, reason="signature"),
        BackendError("backend.untrusted", retryable=False, url="https://x"),
        backend_error("internal"),
        backend_error("station_revoked"),
        backend_error("clock_skew"),
        backend_error("unauthenticated"),
    ],
    ids=lambda e: e.api_code or e.message.code,
)
def test_everything_else_is_retried_later(store: OutboxStore, clock: FakeClock, error: BackendError) -> None:
    (packet_id,) = add_fake(store, 1)
    s = sender(store, clock, FakeBackend(error))
    outcome = s.deliver_one()
    assert outcome == Outcome(packet_id, "retry", error.message.code)
    packet = store.get(packet_id)
    assert packet is not None and packet.state == "sealed" and packet.last_error == error.message.code
    assert clock.now + 1.0 <= packet.next_attempt_at <= clock.now + 2.0  # first step of the backoff
    assert s.last_error is error and s.paused


def test_retries_back_off_exponentially_then_deliver(store: OutboxStore, clock: FakeClock) -> None:
    (packet_id,) = add_fake(store, 1)
    down = BackendError("backend.unreachable", retryable=True, url="https://x")
    s = sender(store, clock, FakeBackend(down, down, down, down))
    waits = []
    for _ in range(4):
        assert s.deliver_one() is not None
        packet = store.get(packet_id)
        assert packet is not None
        waits.append(packet.next_attempt_at - clock.now)
        assert s.deliver_one() is None  # not due yet
        clock.now = packet.next_attempt_at
    assert [1 <= waits[0] <= 2, 2 <= waits[1] <= 4, 4 <= waits[2] <= 8, 8 <= waits[3] <= 16] == [True] * 4
    assert s.deliver_one() == Outcome(packet_id, "delivered", "ACU-005")
    assert store.get(packet_id).attempts == 5  # type: ignore[union-attr]
    assert not s.paused and s.failures == 0


def test_a_bug_in_deliver_never_loses_the_packet(store: OutboxStore, clock: FakeClock) -> None:
    first, second = add_fake(store, 2)
    s = sender(store, clock, FakeBackend(KeyError("oops"), None))
    assert s.deliver_one() == Outcome(first, "retry", "KeyError")
    packet = store.get(first)
    assert packet is not None and packet.state == "sealed" and packet.blob is not None
    assert packet.last_error == "bug: KeyError"
    assert not s.paused  # a bug is about one packet: the others go on
    assert s.deliver_one() == Outcome(second, "delivered", "ACU-002")
    clock.advance(10)
    assert s.deliver_one() == Outcome(first, "delivered", "ACU-003")


def test_drain_stops_at_the_first_backend_failure(store: OutboxStore, clock: FakeClock) -> None:
    """200 waiting packets during an outage cost one request per round, not 200."""
    add_fake(store, 5)
    down = BackendError("backend.unreachable", retryable=True, url="https://x")
    backend = FakeBackend(None, None, down)
    outcomes = sender(store, clock, backend).drain()
    assert [o.result for o in outcomes] == ["delivered", "delivered", "retry"]
    assert store.counts()["sealed"] == 3 and len(backend.sent) == 3


def test_drain_delivers_everything_and_respects_a_deadline(store: OutboxStore, clock: FakeClock) -> None:
    add_fake(store, 4)
    s = sender(store, clock, FakeBackend())
    assert s.drain(deadline=clock.now) == []  # already past
    assert [o.result for o in s.drain()] == ["delivered"] * 4
    assert store.counts()["purged"] == 4


def test_the_thread_delivers_pauses_on_failure_and_wakes_on_poke(store: OutboxStore) -> None:
    add_fake(store, 2)
    down = BackendError("backend.unreachable", retryable=True, url="https://x")
    first, done = threading.Event(), threading.Event()

    class Scripted(FakeBackend):
        def __call__(self, packet_id: str, blob: bytes) -> tuple[str, str]:
            try:
                return super().__call__(packet_id, blob)
            finally:
                first.set()
                if len(self.sent) >= 3:
                    done.set()

    backend = Scripted(down)
    s = Sender(store, backend, base_delay=600.0, max_delay=600.0)
    s.start(idle_interval=30.0)
    try:
        assert first.wait(10)
        assert not done.wait(0.3)  # one failure, then a long pause: no hammering
        assert len(backend.sent) == 1
        store.make_due()
        s.poke()
        assert done.wait(10)
    finally:
        s.stop()
    assert store.counts()["purged"] == 2


def test_the_thread_survives_a_failing_store(store: OutboxStore) -> None:
    add_fake(store, 1)
    calls = []
    real_claim = store.claim_due

    def flaky_claim(now: float) -> Packet | None:
        calls.append(now)
        if len(calls) == 1:
            raise OSError("disk went away")
        return real_claim(now)

    store.claim_due = flaky_claim  # type: ignore[method-assign]
    s = Sender(store, FakeBackend())
    s.start(idle_interval=0.05)
    try:
        for _ in range(200):
            if store.counts()["purged"] == 1:
                break
            threading.Event().wait(0.02)
    finally:
        s.stop()
    assert store.counts()["purged"] == 1 and len(calls) >= 2


def test_fault_points_are_inert_unless_named() -> None:
    assert FaultPlan.parse(None).point is None
    assert FaultPlan.parse("").point is None
    assert FaultPlan.parse("somewhere_else:2").point is None
    assert (FaultPlan.parse("after_send").point, FaultPlan.parse("after_send").at) == ("after_send", 1)
    plan = FaultPlan.parse("in_commit:3")
    assert (plan.point, plan.at) == ("in_commit", 3)
    plan.hit("after_send")  # another point: not counted, and certainly not fatal
    plan.hit("in_commit")
    plan.hit("in_commit")
    assert plan.seen == 2  # the third hit would SIGKILL this process (the kill test does that)
