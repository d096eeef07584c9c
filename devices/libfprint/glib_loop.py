"""Running libfprint's asynchronous calls in GLib's global default main context, next to Qt or alone.

libfprint is bound to the global default main context: its USB events, device initialisation and
completion callbacks are dispatched there, and `fp_context_enumerate` itself iterates that context.
Whoever iterates it runs libfprint's callbacks, so:
- inside the Qt GUI, Qt's event dispatcher (GLib based on Linux) owns and iterates it in the GUI
  thread; a second thread must never iterate it too (it would dispatch Qt's own sources off the GUI
  thread), so a worker posts the call there (`GLib.idle_add`) and waits for the callback;
- on the command line, in tests and in workers when nobody owns the context, the waiting thread takes
  ownership (`acquire`) and runs the loop itself until its operation completes, then lets go; no loop
  thread is left running that could later fight a GUI over the context.
A thread that already owns the context (a Qt slot in the GUI thread) iterates it nested, as GLib allows.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from devices.errors import DeviceTimeout

Done = Callable[[Any, BaseException | None], None]
Starter = Callable[[Done], None]
TICK_MS = 50  # while this thread runs the loop, it wakes at least this often to check its deadline
GRACE = 2.0  # seconds a cancelled operation has to report that it ended


class _Outcome:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None

    def __call__(self, value: Any, error: BaseException | None = None) -> None:
        if not self.event.is_set():
            self.value, self.error = value, error
            self.event.set()


class GLibLoop:
    def __init__(self, glib: Any) -> None:
        self._glib = glib

    def run(
        self,
        start: Starter,
        timeout: float,
        *,
        device: str = "",
        on_timeout: Callable[[], None] | None = None,
    ) -> Any:
        """Run `start(done)` in the loop; it begins an async operation whose callback calls `done`.

        After `timeout` s `on_timeout` runs in the loop (to cancel the operation); `DeviceTimeout` is
        raised if the operation then does not end within a grace period.
        """
        outcome = _Outcome()

        def begin() -> bool:
            try:
                start(outcome)
            except BaseException as exc:  # the starter itself failed: the waiting caller gets it
                outcome(None, exc)
            return False

        context = self._glib.MainContext.default()
        deadline = time.monotonic() + timeout
        started = cancelled = False
        while not outcome.event.is_set():
            now = time.monotonic()
            if now > deadline:
                if cancelled or on_timeout is None:
                    raise DeviceTimeout(device, reason="libfprint did not answer", seconds=timeout)
                cancelled, deadline = True, now + GRACE
                self._glib.idle_add(lambda: bool(on_timeout()))
            owner = context.is_owner()
            if owner or context.acquire():
                tick = self._glib.timeout_add(TICK_MS, lambda: True)
                try:
                    if not started:
                        started = begin() or True
                    while not outcome.event.is_set() and time.monotonic() <= deadline:
                        context.iteration(True)  # blocks until a source is ready (at most one tick)
                finally:
                    self._glib.source_remove(tick)
                    if not owner:
                        context.release()
            else:  # another thread (Qt's GUI thread) is running the loop: hand it the work
                if not started:
                    self._glib.idle_add(begin)
                    started = True
                outcome.event.wait(min(0.05, max(0.0, deadline - time.monotonic())))
        if outcome.error is not None:
            raise outcome.error
        return outcome.value

    def call(self, fn: Callable[[], Any], timeout: float = 15.0) -> Any:
        """Run a quick synchronous function in the loop and return its result."""

        def start(done: Done) -> None:
            done(fn(), None)

        return self.run(start, timeout)
