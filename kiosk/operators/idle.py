"""Idle logout: a warning after 90 s without input, wipe and logout at 120 s, and 10 h at most.

A window left unattended with a person's data on screen is the commonest leak a kiosk has. The timer
owns no thread and no Qt object: the screen calls `activity()` on every touch, key or finger on the
reader and `tick()` from a QTimer (a few times a second), and reacts to what they return or to the
callbacks. One deadline rules both limits: the earlier of "last input + 120 s" and "start + 10 h";
the warning shows in the last 30 s before it. Input pushes back the idle deadline but never the
session limit, so the last half minute of a 10-hour session warns until it ends.

The default clock counts time the machine spends suspended (CLOCK_BOOTTIME on Linux): a laptop
closed for an hour with a person's data on screen must wake up logged out, not with 29 s to go.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

MonotonicClock = Callable[[], float]


def suspend_aware_clock() -> float:
    """Seconds from an arbitrary origin that keep counting while the machine sleeps, where possible."""
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    if boottime is not None:
        return time.clock_gettime(boottime)
    return time.monotonic()


class IdleState(StrEnum):
    ACTIVE = "active"
    WARNING = "warning"
    EXPIRED = "expired"


class IdleEvent(StrEnum):
    WARNING = "warning"  # show the countdown
    RESUMED = "resumed"  # input arrived during the warning: hide it
    EXPIRED = "expired"  # wipe the person's data and log the operator out


class ExpiryReason(StrEnum):
    IDLE = "idle"
    SESSION_LIMIT = "session_limit"


@dataclass(frozen=True)
class IdlePolicy:
    warn_after: float = 90.0
    logout_after: float = 120.0
    session_max: float = 10 * 3600.0

    def __post_init__(self) -> None:
        if not 0 < self.warn_after < self.logout_after <= self.session_max:
            raise ValueError("idle policy needs 0 < warn_after < logout_after <= session_max")

    @property
    def warning_window(self) -> float:
        return self.logout_after - self.warn_after

    @classmethod
    def from_policy(cls, operators: Mapping[str, Any]) -> IdlePolicy:
        """From the `operators` section of the signed policy (`kiosk.policy.default_policy`)."""
        return cls(
            float(operators["idle_warning_s"]),
            float(operators["idle_logout_s"]),
            float(operators["max_session_s"]),
        )


class IdleTimer:
    """Tick-driven idle and session-length timer with callbacks; see the module docstring."""

    def __init__(
        self,
        policy: IdlePolicy | None = None,
        *,
        clock: MonotonicClock = suspend_aware_clock,
        on_warning: Callable[[float], None] | None = None,
        on_resumed: Callable[[], None] | None = None,
        on_expired: Callable[[ExpiryReason], None] | None = None,
    ) -> None:
        self.policy = policy or IdlePolicy()
        self._clock = clock
        self._on_warning = on_warning
        self._on_resumed = on_resumed
        self._on_expired = on_expired
        self.started_at = clock()
        self._last_input = self.started_at
        self.state = IdleState.ACTIVE
        self.reason: ExpiryReason | None = None

    def _deadlines(self) -> tuple[float, float]:
        return self._last_input + self.policy.logout_after, self.started_at + self.policy.session_max

    def seconds_left(self) -> float:
        """Seconds until the wipe (for the countdown); 0 once expired."""
        if self.state is IdleState.EXPIRED:
            return 0.0
        return max(0.0, min(self._deadlines()) - self._clock())

    def activity(self) -> IdleEvent | None:
        """Input from the operator or the person: pushes the idle deadline back (never after expiry)."""
        if self.state is IdleState.EXPIRED:
            return None
        self._last_input = self._clock()
        if self.state is IdleState.WARNING and self.seconds_left() > self.policy.warning_window:
            self.state = IdleState.ACTIVE
            if self._on_resumed:
                self._on_resumed()
            return IdleEvent.RESUMED
        return None

    def tick(self) -> IdleEvent | None:
        """Advance to the clock's time: returns the event that happened now, if any (each fires once)."""
        if self.state is IdleState.EXPIRED:
            return None
        now = self._clock()
        idle_deadline, session_deadline = self._deadlines()
        deadline = min(idle_deadline, session_deadline)
        if now >= deadline:
            self.state = IdleState.EXPIRED
            self.reason = (
                ExpiryReason.SESSION_LIMIT if session_deadline <= idle_deadline else ExpiryReason.IDLE
            )
            if self._on_expired:
                self._on_expired(self.reason)
            return IdleEvent.EXPIRED
        if self.state is IdleState.ACTIVE and deadline - now <= self.policy.warning_window:
            self.state = IdleState.WARNING
            if self._on_warning:
                self._on_warning(deadline - now)
            return IdleEvent.WARNING
        return None
