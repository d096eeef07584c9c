"""The idle timer at its edges: the policies it refuses, the second the warning and the expiry fall on,
which limit is named when both fall together, and the clock that keeps counting through a suspend."""

from __future__ import annotations

import time

import pytest

from kiosk.operators import idle
from kiosk.operators.idle import ExpiryReason, IdleEvent, IdlePolicy, IdleState, IdleTimer

POLICY_MESSAGE = r"^idle policy needs 0 < warn_after < logout_after <= session_max$"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("warn", "logout", "session"),
    [(0, 120, 3600), (-1, 120, 3600), (120, 120, 3600), (130, 120, 3600), (90, 120, 119)],
)
def test_policies_that_cannot_work_are_refused(warn: float, logout: float, session: float) -> None:
    with pytest.raises(ValueError, match=POLICY_MESSAGE):
        IdlePolicy(warn, logout, session)


def test_the_tightest_policies_that_work_are_accepted() -> None:
    assert IdlePolicy(0.5, 120, 120).warning_window == 119.5
    assert IdlePolicy(119, 120, 3600).warning_window == 1


def test_the_three_numbers_are_read_from_the_signed_policy() -> None:
    operators = {"idle_warning_s": 60, "idle_logout_s": 75, "max_session_s": 8 * 3600}
    assert IdlePolicy.from_policy(operators) == IdlePolicy(60.0, 75.0, 28800.0)


def test_a_new_timer_has_no_expiry_reason() -> None:
    timer = IdleTimer(clock=Clock())
    assert timer.reason is None and timer.state is IdleState.ACTIVE


def test_seconds_left_never_goes_below_zero_before_the_tick_notices() -> None:
    clock = Clock()
    timer = IdleTimer(clock=clock)
    clock.now += 500  # no tick in between: the state is still active
    assert timer.state is IdleState.ACTIVE and timer.seconds_left() == 0.0


def test_input_just_inside_the_warning_window_of_the_session_limit_does_not_resume() -> None:
    clock = Clock()
    timer = IdleTimer(IdlePolicy(90, 120, 1000), clock=clock)
    for _ in range(9):  # input every 100 s keeps the idle deadline away
        clock.now += 100
        assert timer.activity() is None and timer.tick() is None
    clock.now += 70  # 30 s before the session limit: the warning window exactly
    assert timer.tick() is IdleEvent.WARNING
    assert timer.activity() is None and timer.state is IdleState.WARNING


def test_when_both_limits_fall_together_the_session_limit_is_named() -> None:
    clock = Clock()
    reasons: list[ExpiryReason] = []
    timer = IdleTimer(IdlePolicy(90, 120, 120), clock=clock, on_expired=reasons.append)
    clock.now += 120
    assert timer.tick() is IdleEvent.EXPIRED
    assert timer.reason is ExpiryReason.SESSION_LIMIT and reasons == [ExpiryReason.SESSION_LIMIT]


@pytest.mark.skipif(not hasattr(time, "CLOCK_BOOTTIME"), reason="CLOCK_BOOTTIME is Linux's")
def test_the_default_clock_counts_suspended_time(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []

    def clock_gettime(clock_id: int) -> float:
        asked.append(clock_id)
        return 5000.0

    monkeypatch.setattr(time, "clock_gettime", clock_gettime)
    monkeypatch.setattr(time, "monotonic", lambda: 1.0)
    assert idle.suspend_aware_clock() == 5000.0 and asked == [time.CLOCK_BOOTTIME]


def test_without_a_boot_time_clock_the_monotonic_one_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(time, "CLOCK_BOOTTIME", raising=False)
    monkeypatch.setattr(time, "monotonic", lambda: 7.0)
    assert idle.suspend_aware_clock() == 7.0
