"""Slow work split from state changes, so a screen never freezes and a model never races itself.

A model (the enrolment flow, the desk) hands out a `Job` for anything slow: a backend call, a capture
with NFIQ 2, sealing. `work` runs anywhere (the Qt front runs it on a worker thread) and touches none of
the model's state; `finish` and `fail` run back on the model's own thread and are quick: they apply the
result, write the audit entry and emit events. The headless actor simply calls the job (`job()`), which
does all three in its own thread. Anki does the same with its `QueryOp`: one helper, success and
failure callbacks on the GUI thread, work functions that never touch widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

R = TypeVar("R")
T = TypeVar("T")


def _reraise(exc: BaseException) -> Any:
    raise exc


@dataclass
class Job(Generic[R, T]):
    name: str
    work: Callable[[], R]
    finish: Callable[[R], T]
    fail: Callable[[BaseException], T] = _reraise

    def __call__(self) -> T:
        """Run the whole job in the calling thread (the headless actor, the tests)."""
        try:
            result = self.work()
        except Exception as exc:
            return self.fail(exc)
        return self.finish(result)


def done(name: str, value: T) -> Job[None, T]:
    """A job with nothing slow to do (keeps one calling convention for screens and scripts)."""
    return Job(name, lambda: None, lambda _none: value)
