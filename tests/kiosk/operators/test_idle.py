"""Idle warning at 90 s, wipe at 120 s, 10 h at most: driven by ticks on a fake clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.operators.idle import ExpiryReason, IdleEvent, IdlePolicy, IdleState, IdleTimer
from kiosk.policy import default_policy


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_defaults_match_the_design():
    assert IdlePolicy() == IdlePolicy(90.0, 120.0, 36000.0)
    assert (
        IdlePolicy.from_policy(default_policy(1, datetime(2025, 3, 1, tzinfo=UTC))["operators"])
        == IdlePolicy()
    )


def test_warning_at_90_then_expiry_at_120(clock):
    seen: list[object] = []
    timer = IdleTimer(clock=clock, on_warning=seen.append, on_expired=seen.append)
    clock.now += 89.9
    assert timer.tick() is None and timer.state is IdleState.ACTIVE
    clock.now += 0.1
    assert timer.tick() is IdleEvent.WARNING and timer.state is IdleState.WARNING
    assert seen == [pytest.approx(30.0)]
    assert timer.tick() is None  # fires once
    assert timer.seconds_left() == pytest.approx(30.0)
    clock.now += 30.0
    assert timer.tick() is IdleEvent.EXPIRED
    assert timer.state is IdleState.EXPIRED and timer.reason is ExpiryReason.IDLE
    assert seen[-1] is ExpiryReason.IDLE
    assert timer.tick() is None and timer.seconds_left() == 0.0


def test_activity_during_the_warning_resumes(clock):
    resumed: list[bool] = []
    timer = IdleTimer(clock=clock, on_resumed=lambda: resumed.append(True))
    clock.now += 100
    assert timer.tick() is IdleEvent.WARNING
    clock.now += 10
    assert timer.activity() is IdleEvent.RESUMED and resumed == [True]
    assert timer.state is IdleState.ACTIVE
    clock.now += 89
    assert timer.tick() is None
    clock.now += 1
    assert timer.tick() is IdleEvent.WARNING


def test_activity_keeps_the_session_alive(clock):
    timer = IdleTimer(clock=clock)
    for _ in range(100):
        clock.now += 60
        timer.activity()
        assert timer.tick() is None


def test_a_missed_tick_goes_straight_to_expiry(clock):
    """A machine that slept: the wipe happens at the first tick, without a warning first."""
    expired: list[ExpiryReason] = []
    timer = IdleTimer(clock=clock, on_expired=expired.append)
    clock.now += 3600
    assert timer.tick() is IdleEvent.EXPIRED and expired == [ExpiryReason.IDLE]


def test_no_activity_after_expiry(clock):
    timer = IdleTimer(clock=clock)
    clock.now += 200
    timer.tick()
    assert timer.activity() is None and timer.state is IdleState.EXPIRED


def test_session_limit_warns_and_ends_despite_activity(clock):
    timer = IdleTimer(IdlePolicy(session_max=600.0), clock=clock)
    events = []
    while timer.state is not IdleState.EXPIRED:
        clock.now += 5
        timer.activity()
        event = timer.tick()
        if event:
            events.append((clock.now - 1000.0, event))
    assert events == [(570.0, IdleEvent.WARNING), (600.0, IdleEvent.EXPIRED)]
    assert timer.reason is ExpiryReason.SESSION_LIMIT


def test_bad_policy():
    with pytest.raises(ValueError):
        IdlePolicy(120, 90)


def test_default_clock_is_usable():
    timer = IdleTimer()
    assert 0 < timer.seconds_left() <= 120  # the real clock: no assumption about how fast this runs
