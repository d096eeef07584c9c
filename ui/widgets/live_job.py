"""One live capture job at a time for a screen: started, cancelled, restarted once it has really ended.

A capture job holds its device until its worker returns (a second job on the same reader would find it
busy), and a cancelled job still takes a frame's time to notice. So a screen never starts a job while
the last one is in flight: it asks `LiveJob.start`, which refuses while one runs or while resting after
a failure (so a broken device is retried calmly, not in a tight loop), and `wake` is called whenever
starting may have become possible again. Frames go from the worker through `ui.bridge.Latest` (the
newest only) and reach `show` only if their run is still the current, uncancelled one: after a cancel or
a wipe no late frame reappears on screen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from kiosk.jobs import Job
from ui.background import Background
from ui.bridge import Latest
from ui.qt import QObject, QTimer


class Run:
    """One job's life: what it captures, its cancel flag, and what the worker saw (written by the worker)."""

    def __init__(self, key: Any, owner: LiveJob, **facts: Any) -> None:
        self.key = key
        self.facts = facts
        self.cancel = threading.Event()
        self.saw_empty = False  # a frame without a finger came: the last finger was lifted
        self.frames = 0
        self.said: str | None = None  # the code of what the flow said when the job ended without a result
        self._owner = owner

    def frame(self, frame: Any) -> None:
        """The job's `on_frame` (worker thread)."""
        self.frames += 1
        self._owner.delivered += 1
        if getattr(frame, "present", True) is False:
            self.saw_empty = True
        self._owner.latest.put((self, frame))


Show = Callable[[Run, Any], None]
Ended = Callable[[Run, Any, BaseException | None], None]


class LiveJob(QObject):
    def __init__(self, background: Background, show: Show, ended: Ended, wake: Callable[[], None]) -> None:
        super().__init__()
        self.background = background
        self._show, self._ended, self._wake = show, ended, wake
        self.latest = Latest(self._take)
        self.run: Run | None = None
        self.delivered = 0  # frames the workers handed over, every run (the face's analysis counter)
        self.resting = False
        self._rest = QTimer(self)
        self._rest.setSingleShot(True)
        self._rest.timeout.connect(self._rested)

    def start(self, key: Any, make_job: Callable[[Run], Job[Any, Any]], **facts: Any) -> Run | None:
        """Start the job `make_job(run)` gives, unless one is in flight or a rest is on (then None)."""
        if self.run is not None or self.resting:
            return None
        run = Run(key, self, **facts)
        job = make_job(run)  # the flow may refuse (KioskError): nothing started then
        self.run = run
        self.background.run(
            job, lambda value: self._done(run, value, None), lambda exc: self._done(run, None, exc)
        )
        return run

    def cancel(self) -> None:
        if self.run is not None:
            self.run.cancel.set()

    def rest(self, ms: int) -> None:
        """No new job for `ms` milliseconds (after a failure), then `wake`."""
        self.resting = True
        self._rest.start(ms)

    def reset(self) -> None:
        """Cancel whatever runs and forget the rest (the visit is over)."""
        self.cancel()
        self._rest.stop()
        self.resting = False

    @property
    def running(self) -> bool:
        return self.run is not None

    def _done(self, run: Run, value: Any, error: BaseException | None) -> None:
        if run is self.run:
            self.run = None
        self._ended(run, value, error)
        self._wake()

    def _rested(self) -> None:
        self.resting = False
        self._wake()

    def _take(self, item: tuple[Run, Any]) -> None:
        run, frame = item
        if run is self.run and not run.cancel.is_set():
            self._show(run, frame)
