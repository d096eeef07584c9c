"""The one helper that runs slow core work off the GUI thread (Anki's `QueryOp`, napari's workers).

`Background.run(job, on_done, on_error)` runs `job.work` on a pool thread, then `job.finish` (or
`job.fail`) and the callbacks back on the GUI thread, so the core's state changes and every widget
update happen on one thread. The work never touches a widget. `running` counts what is in flight (the
screens show a busy state; tests wait for it to reach zero), and the longest time the GUI thread spent
in a finish/callback is kept (`longest_ms`) for the stall benchmark.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from kiosk.jobs import Job
from kiosk.process_memory import give_back
from ui.qt import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives in the GUI thread; a signal emitted from a pool thread is delivered here, queued."""

    done = Signal(object, object, object)  # (token, result, error)


class _Task(QRunnable):
    def __init__(self, relay: _Relay, token: object, work: Callable[[], Any]) -> None:
        super().__init__()
        self.relay, self.token, self.work = relay, token, work
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.work()
        except BaseException as exc:  # delivered to the GUI thread, never lost in a pool thread
            self.relay.done.emit(self.token, None, exc)
        else:
            self.relay.done.emit(self.token, result, None)
        finally:
            give_back()  # the job's temporaries back to the system, here on the worker


class Background(QObject):
    idle = Signal()  # nothing in flight any more
    failed = Signal(object)  # an error nobody handled: the window shows it

    def __init__(self, threads: int = 4) -> None:
        super().__init__()
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(threads)
        self._relay = _Relay()
        self._relay.done.connect(self._done)
        self._pending: dict[
            object, tuple[Job[Any, Any], Callable[[Any], None] | None, Callable[[Any], None] | None]
        ] = {}
        self.longest_ms = 0.0

    @property
    def running(self) -> int:
        return len(self._pending)

    def run(
        self,
        job: Job[Any, Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> object:
        token = object()
        self._pending[token] = (job, on_done, on_error)
        self.pool.start(_Task(self._relay, token, job.work))
        return token

    def _done(self, token: object, result: Any, error: BaseException | None) -> None:
        job, on_done, on_error = self._pending.pop(token)
        started = time.perf_counter()
        try:
            # the core turns what it understands (a device error, an answer) into state in `fail`
            value = job.finish(result) if error is None else job.fail(error)
            if on_done is not None:
                on_done(value)
        except Exception as exc:
            log.debug("background job %s ended in an error", job.name, exc_info=True)
            if on_error is not None:
                on_error(exc)
            else:
                log.info("background job %s failed: %s", job.name, exc)
                self.failed.emit(exc)
        finally:
            self.longest_ms = max(self.longest_ms, (time.perf_counter() - started) * 1000)
            if not self._pending:
                self.idle.emit()

    def wait(self, timeout_ms: int = 60_000) -> bool:
        """For tests and shutdown: let the pool finish its threads (callbacks still need the event loop)."""
        return bool(self.pool.waitForDone(timeout_ms))
