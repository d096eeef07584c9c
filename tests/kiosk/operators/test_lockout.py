"""5 failed logins in 15 minutes lock the account for 15 minutes, on a clock the test sets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiosk.errors import KioskError
from kiosk.operators.lockout import LockoutPolicy, LockoutTracker
from kiosk.policy import default_policy

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def minutes(m: float) -> datetime:
    return T0 + timedelta(minutes=m)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


POLICY = LockoutPolicy()


def test_defaults_match_the_design():
    assert LockoutPolicy(5, timedelta(minutes=15), timedelta(minutes=15)) == POLICY
    assert LockoutPolicy.from_policy(default_policy(1, T0)["operators"]) == POLICY


def test_four_failures_do_not_lock_the_fifth_does():
    four = [minutes(m) for m in (0, 1, 2, 3)]
    status = POLICY.status(four, minutes(3))
    assert not status.locked and status.remaining_attempts == 1
    five = [*four, minutes(4)]
    status = POLICY.status(five, minutes(4))
    assert status.locked and status.locked_until == minutes(19) and status.remaining_attempts == 0
    assert status.seconds_left(minutes(4)) == 15 * 60


def test_the_lock_lasts_its_full_length_and_then_ends():
    five = [minutes(m) for m in (0, 1, 2, 3, 4)]
    assert POLICY.status(five, minutes(18.99)).locked  # failures at 0-3 have left the window by then
    status = POLICY.status(five, minutes(19))
    assert not status.locked and status.remaining_attempts == 5


def test_failures_spread_beyond_the_window_never_lock():
    spread = [minutes(m) for m in (0, 4, 8, 12, 16, 20, 24)]  # at most 4 in any 15 minutes
    assert not POLICY.status(spread, minutes(24)).locked


def test_exactly_fifteen_minutes_apart_is_outside_the_window():
    edge = [minutes(m) for m in (0, 5, 10, 12, 15)]
    assert not POLICY.status(edge, minutes(15)).locked
    assert POLICY.status([*edge, minutes(15.5)], minutes(15.5)).locked


def test_attempts_while_locked_do_not_extend_the_lock():
    five = [minutes(m) for m in range(5)]
    hammering = [*five, *(minutes(5 + m) for m in range(10))]
    assert POLICY.status(hammering, minutes(19)).locked is False


def test_order_of_stored_times_does_not_matter_and_future_times_are_ignored():
    five = [minutes(m) for m in (4, 0, 3, 1, 2)]
    assert POLICY.status(five, minutes(5)).locked
    assert not POLICY.status([minutes(100)] * 5, minutes(5)).locked


def test_tracker_locks_and_unlocks_on_its_clock():
    clock = Clock()
    tracker = LockoutTracker(clock=clock)
    for _ in range(4):
        tracker.failure("ana")
        clock.advance(minutes=1)
    tracker.check("ana")
    assert tracker.failure("ana").locked
    with pytest.raises(KioskError) as caught:
        tracker.check("ana")
    assert caught.value.message.code == "operators.locked" and caught.value.message.params["minutes"] == 15
    tracker.check("beto")  # other accounts are unaffected
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(KioskError):
        tracker.check("ana")
    clock.advance(seconds=1)
    tracker.check("ana")
    assert tracker.status("ana").remaining_attempts == 5


def test_success_clears_the_history():
    clock = Clock()
    tracker = LockoutTracker(clock=clock)
    for _ in range(4):
        tracker.failure("ana")
    tracker.success("ana")
    assert tracker.failure("ana").remaining_attempts == 4


def test_bad_policies_are_refused():
    with pytest.raises(ValueError):
        LockoutPolicy(0)
    with pytest.raises(ValueError):
        LockoutPolicy(5, timedelta(0))


def test_timestamps_in_seconds_give_the_same_answer():
    five = [minutes(m).timestamp() for m in range(5)]
    status = POLICY.status_at(five, minutes(4).timestamp())
    assert status.locked and status.locked_until == minutes(19)
    assert not POLICY.status_at(five, minutes(19).timestamp()).locked
