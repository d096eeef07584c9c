"""Named crash points for the outbox's kill tests; inert unless `KIOSK_FAULT_POINT` is set.

The crash-safety claim ("nothing lost, nothing delivered twice, nothing corrupt") is only worth what
the test behind it can reach. Random SIGKILLs rarely land in the two narrowest windows, so the
sender marks them by name and a test process can ask to die there:

- `after_send`: the packet's request went out and the answer's headers arrived (the backend has
  committed its acceptance), but the body was not read and nothing was recorded;
- `in_commit`: inside the outbox transaction that records the delivery, after the UPDATE and before
  the COMMIT.

`KIOSK_FAULT_POINT=after_send:3` makes the process SIGKILL itself the 3rd time it reaches
`after_send` (`:N` defaults to 1). The variable is read once, the first time a point is reached; when
it is unset, `hit` is one dictionary look-up and nothing else.
"""

from __future__ import annotations

import os
import signal
import threading
from dataclasses import dataclass, field
from functools import cache

ENV = "KIOSK_FAULT_POINT"
POINTS = ("after_send", "in_commit")


@dataclass
class FaultPlan:
    point: str | None = None
    at: int = 1
    seen: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def parse(cls, text: str | None) -> FaultPlan:
        """`name[:N]`; an unknown name is ignored rather than half-honoured (the test then sees no kill)."""
        if not text:
            return cls()
        name, _, count = text.partition(":")
        if name not in POINTS:
            return cls()
        return cls(name, max(1, int(count)) if count.isdigit() else 1)

    def hit(self, point: str) -> None:
        if self.point != point:
            return
        with self._lock:
            self.seen += 1
            due = self.seen == self.at
        if due:
            os.kill(os.getpid(), signal.SIGKILL)


@cache
def plan() -> FaultPlan:
    return FaultPlan.parse(os.environ.get(ENV))


def hit(point: str) -> None:
    """Die here when the process was started with `KIOSK_FAULT_POINT` naming this point."""
    plan().hit(point)


def active() -> bool:
    return plan().point is not None
