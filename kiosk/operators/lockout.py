"""Locking an account after repeated failed logins: "5 failures in 15 minutes lock it for 15 minutes".

The rule is a pure function of the failure times since the last successful login, so any store can
use it: the reference backend keeps the times in SQLite, the kiosk's `LockoutTracker` in memory. The
times are replayed in order: a failure that arrives while the account is locked does not count (the
caller should refuse those without checking the password at all), and a lock, once it starts, lasts
its full length however the earlier failures age out of the window. A successful login clears the
history; that is the caller's job (delete the stored times).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from kiosk.clock import Clock, utcnow
from kiosk.errors import KioskError


@dataclass(frozen=True)
class LockoutStatus:
    locked_until: datetime | None  # None: not locked now
    remaining_attempts: int  # failures still allowed before the lock (0 while locked)

    @property
    def locked(self) -> bool:
        return self.locked_until is not None

    def seconds_left(self, now: datetime) -> int:
        """Whole seconds until the lock ends, rounded up (0 when not locked)."""
        if self.locked_until is None:
            return 0
        return max(0, math.ceil((self.locked_until - now).total_seconds()))


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=15)

    def __post_init__(self) -> None:
        if self.max_failures < 1 or self.window <= timedelta(0) or self.lock_for <= timedelta(0):
            raise ValueError("lockout policy needs max_failures >= 1 and positive durations")

    @classmethod
    def from_policy(cls, operators: Mapping[str, Any]) -> LockoutPolicy:
        """From the `operators` section of the signed policy (`kiosk.policy.default_policy`)."""
        return cls(
            int(operators["max_failed_logins"]),
            timedelta(seconds=float(operators["failed_login_window_s"])),
            timedelta(seconds=float(operators["lockout_s"])),
        )

    def status(self, failures: Iterable[datetime], now: datetime) -> LockoutStatus:
        """Lock state at `now` given the failed-login times since the last success (any order)."""
        recent: deque[datetime] = deque()
        locked_until: datetime | None = None
        for moment in sorted(t for t in failures if t <= now):
            if locked_until is not None and moment < locked_until:
                continue  # attempts while locked are refused, not counted
            while recent and recent[0] <= moment - self.window:
                recent.popleft()
            recent.append(moment)
            if len(recent) >= self.max_failures:
                locked_until = moment + self.lock_for
                recent.clear()
        if locked_until is not None and locked_until > now:
            return LockoutStatus(locked_until, 0)
        alive = [t for t in recent if t > now - self.window]
        return LockoutStatus(None, self.max_failures - len(alive))

    def status_at(self, failures: Iterable[float], now: float) -> LockoutStatus:
        """`status` for stores that keep POSIX timestamps (seconds) rather than datetimes."""
        return self.status(
            (datetime.fromtimestamp(t, UTC) for t in failures), datetime.fromtimestamp(now, UTC)
        )

    def keep_since(self, now: datetime) -> datetime:
        """Failures older than this can be deleted from a store without changing any answer.

        Only when a lock lasts at least the window: the first failure after a lock then comes a window
        after every failure before it, so older ones never group with newer ones. With a shorter lock,
        whether a failure was used up by a lock (and so cannot group with the next ones) depends on
        the whole history since the last success, which must then be kept.
        """
        if self.lock_for < self.window:
            return datetime.min.replace(tzinfo=UTC)
        return now - self.window - self.lock_for - self.window


class LockoutTracker:
    """The policy with its own in-memory store, for checks the kiosk makes itself."""

    def __init__(self, policy: LockoutPolicy | None = None, clock: Clock = utcnow) -> None:
        self.policy = policy or LockoutPolicy()
        self._clock = clock
        self._failures: dict[str, list[datetime]] = {}

    def status(self, account: str) -> LockoutStatus:
        return self.policy.status(self._failures.get(account, ()), self._clock())

    def check(self, account: str) -> None:
        """Raise `operators.locked` (with the minutes left) when `account` is locked now."""
        now = self._clock()
        status = self.policy.status(self._failures.get(account, ()), now)
        if status.locked:
            minutes = max(1, -(-status.seconds_left(now) // 60))
            raise KioskError("operators.locked", minutes=minutes)

    def failure(self, account: str) -> LockoutStatus:
        """Record a failed attempt (ignored while locked) and return the state after it."""
        now = self._clock()
        if self.policy.status(self._failures.get(account, ()), now).locked:
            return self.policy.status(self._failures[account], now)
        kept = [t for t in self._failures.get(account, []) if t >= self.policy.keep_since(now)]
        kept.append(now)
        self._failures[account] = kept
        return self.policy.status(kept, now)

    def success(self, account: str) -> None:
        self._failures.pop(account, None)
