"""The lockout rule at its edges: the smallest policies, the exact second a lock or a window ends,
the minutes a locked operator is told, and what a store may forget without changing any answer."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.errors import KioskError
from kiosk.operators.lockout import LockoutPolicy, LockoutStatus, LockoutTracker

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
POLICY_MESSAGE = r"^lockout policy needs max_failures >= 1 and positive durations$"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def test_the_smallest_policy_locks_on_the_first_failure() -> None:
    policy = LockoutPolicy(1, timedelta(seconds=1), timedelta(seconds=1))
    assert policy.status([T0], T0) == LockoutStatus(at(1), 0)


@pytest.mark.parametrize(
    ("max_failures", "window", "lock_for"),
    [(0, 60, 60), (5, 0, 60), (5, 60, 0), (5, -1, 60), (5, 60, -1)],
)
def test_policies_that_cannot_work_are_refused(max_failures: int, window: int, lock_for: int) -> None:
    with pytest.raises(ValueError, match=POLICY_MESSAGE):
        LockoutPolicy(max_failures, timedelta(seconds=window), timedelta(seconds=lock_for))


def test_the_policy_s_three_numbers_are_read_from_the_signed_policy() -> None:
    operators = {"max_failed_logins": 3, "failed_login_window_s": 600, "lockout_s": 1800}
    assert LockoutPolicy.from_policy(operators) == LockoutPolicy(
        3, timedelta(minutes=10), timedelta(minutes=30)
    )


def test_a_failure_at_the_second_the_lock_ends_counts_again() -> None:
    policy = LockoutPolicy(2, timedelta(minutes=10), timedelta(minutes=5))
    failures = [T0, at(1)]  # locked until 5 min + 1 s
    assert policy.status(failures, at(300)).locked
    again = [*failures, at(301)]
    assert policy.status(again, at(301)) == LockoutStatus(None, 1)


def test_failures_after_a_refused_one_still_count() -> None:
    policy = LockoutPolicy(2, timedelta(minutes=10), timedelta(minutes=5))
    # Locked at 1 s until 301 s; the attempt at 100 s is refused; 400 s and 401 s lock it again.
    failures = [T0, at(1), at(100), at(400), at(401)]
    assert policy.status(failures, at(402)) == LockoutStatus(at(701), 0)


def test_a_failure_exactly_one_window_old_has_aged_out() -> None:
    policy = LockoutPolicy(5, timedelta(minutes=15), timedelta(minutes=15))
    assert policy.status([T0], at(15 * 60 - 1)).remaining_attempts == 4
    assert policy.status([T0], at(15 * 60)).remaining_attempts == 5


def test_seconds_left_is_zero_unless_locked_and_rounded_up_otherwise() -> None:
    assert LockoutStatus(None, 5).seconds_left(T0) == 0
    assert LockoutStatus(T0, 0).seconds_left(T0) == 0
    assert LockoutStatus(at(-10), 0).seconds_left(T0) == 0
    assert LockoutStatus(at(0.2), 0).seconds_left(T0) == 1
    assert LockoutStatus(at(61), 0).seconds_left(T0) == 61


@pytest.mark.parametrize(("left", "minutes"), [(900, 15), (61, 2), (60, 1), (59, 1), (1, 1)])
def test_a_locked_account_is_told_the_minutes_left_rounded_up(left: int, minutes: int) -> None:
    clock = Clock()
    tracker = LockoutTracker(LockoutPolicy(1, timedelta(minutes=15), timedelta(minutes=15)), clock)
    tracker.failure("jperez")
    clock.now = at(900 - left)
    with pytest.raises(KioskError) as caught:
        tracker.check("jperez")
    assert caught.value.message.code == "operators.locked"
    assert caught.value.message.params == {"minutes": minutes}
    clock.now = at(900)
    tracker.check("jperez")  # the lock is over


def test_the_tracker_s_status_is_per_account() -> None:
    clock = Clock()
    tracker = LockoutTracker(LockoutPolicy(2, timedelta(minutes=15), timedelta(minutes=15)), clock)
    assert tracker.status("nadie") == LockoutStatus(None, 2)
    tracker.failure("jperez")
    assert tracker.status("jperez") == LockoutStatus(None, 1)
    assert tracker.failure("jperez") == LockoutStatus(at(900), 0)
    assert tracker.status("jperez").locked and not tracker.status("mlopez").locked


def test_a_failure_while_locked_is_answered_with_the_lock_unchanged() -> None:
    clock = Clock()
    tracker = LockoutTracker(LockoutPolicy(1, timedelta(minutes=15), timedelta(minutes=15)), clock)
    tracker.failure("jperez")
    clock.now = at(600)
    assert tracker.failure("jperez") == LockoutStatus(at(900), 0)
    clock.now = at(900)
    assert tracker.status("jperez") == LockoutStatus(None, 1)


def test_success_of_someone_never_failed_is_harmless() -> None:
    tracker = LockoutTracker()
    tracker.success("nadie")
    assert tracker.status("nadie") == LockoutStatus(None, 5)


def test_what_a_store_may_forget() -> None:
    policy = LockoutPolicy(5, timedelta(minutes=10), timedelta(minutes=20))
    assert policy.keep_since(at(3600)) == at(3600 - 10 * 60 - 20 * 60 - 10 * 60)
    shorter_lock = LockoutPolicy(5, timedelta(minutes=20), timedelta(minutes=10))
    assert shorter_lock.keep_since(at(3600)) == datetime.min.replace(tzinfo=UTC)


def test_a_lock_shorter_than_the_window_keeps_its_whole_history() -> None:
    # Each lock uses its failures up; after a lock shorter than the window the next failure can group
    # with an older one only if that one was not used up, which only the whole history tells.
    policy = LockoutPolicy(2, timedelta(seconds=4), timedelta(seconds=2))
    clock = Clock()
    tracker = LockoutTracker(policy, clock)
    times = [16, 19, 22, 25, 27]  # locks at 19 (to 21) and 25 (to 27); 27 is a first failure again
    for moment in times:
        clock.now = at(moment)
        answer = tracker.failure("jperez")
    assert answer == policy.status([at(t) for t in times], at(27)) == LockoutStatus(None, 1)


@pytest.mark.parametrize("seed", range(3))
def test_the_tracker_answers_as_the_whole_history_would(seed: int) -> None:
    """Random small policies and failure times: forgetting what `keep_since` allows changes nothing."""
    chance = random.Random(seed)
    for _ in range(300):
        policy = LockoutPolicy(
            chance.randint(1, 3),
            timedelta(seconds=chance.randint(1, 5)),
            timedelta(seconds=chance.randint(1, 5)),
        )
        clock = Clock()
        tracker = LockoutTracker(policy, clock)
        history: list[datetime] = []
        for moment in sorted(chance.sample(range(60), chance.randint(1, 20))):
            clock.now = at(moment)
            if not policy.status(history, clock.now).locked:
                history.append(clock.now)  # attempts while locked are refused, not stored
            assert tracker.failure("jperez") == policy.status(history, clock.now)
