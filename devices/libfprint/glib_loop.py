"""One GLib main loop per process, in which every libfprint call and callback runs.

libfprint is asynchronous and bound to GLib's global default main context: its USB events, device
initialisation and completion callbacks are all dispatched there, and `fp_context_enumerate` iterates
that very context. So the calls must be made where that context is iterated:
- inside the Qt GUI, Qt's event dispatcher (GLib based on Linux) already iterates it in the main thread;
  a second thread iterating it too would dispatch Qt's own sources off the GUI thread, so we only post
  work to it (`GLib.idle_add`) and wait;
- on the command line and in tests nobody iterates it, so a private daemon thread runs a `GLib.MainLoop`.
Which of the two holds is decided once, on first use: a context owned by another thread, or one that
runs a posted callback promptly, is being iterated already. `KIOSK_GLIB_LOOP=own|external` overrides.
A caller that is itself the context's owner (a Qt slot in the GUI thread) iterates it nested until its
operation completes, which GLib allows for the owning thread.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from devices.errors import DeviceTimeout

log = logging.getLogger(__name__)

PROBE_SECONDS = 0.25  # how long a posted callback may wait before we conclude nobody iterates the context
Done = Callable[[Any, BaseException | None], None]
Starter = Callable[[Done], None]


class _Outcome:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None

    def __call__(self, value: Any, error: BaseException | None = None) -> None:
        if self.event.is_set():
            return
        self.value, self.error = value, error
        self.event.set()


class GLibLoop:
    def __init__(self, glib: Any) -> None:
        self._glib = glib
        self._lock = threading.Lock()
        self._mode: str | None = None
        self._thread: threading.Thread | None = None

    @property
    def mode(self) -> str | None:
        """"own" (our thread iterates the default context), "external" (somebody else does) or None yet."""
        return self._mode

    def run(self, start: Starter, timeout: float, *, device: str = "", on_timeout: Callable[[], None] | None = None) -> Any:
        """Run `start(done)` in the loop; it begins an async operation whose callback calls `done`.

        Waits at most `timeout` s for `done`; on expiry `on_timeout` runs in the loop (to cancel the
        operation), and `DeviceTimeout` is raised once the operation has ended or after a grace second.
        """
        outcome = _Outcome()

        def begin() -> bool:
            try:
                start(outcome)
            except BaseException as exc:  # the starter itself failed: report it to the waiting caller
                outcome(None, exc)
            return False

        context = self._glib.MainContext.default()
        if context.is_owner():
            self._nested(context, begin, outcome, timeout, on_timeout)
        else:
            self._ensure_running()
            self._glib.idle_add(begin)
            if not outcome.event.wait(timeout):
                if on_timeout is not None:
                    self.call(on_timeout)
                outcome.event.wait(1.0)
                if outcome.error is None and not outcome.event.is_set():
                    raise DeviceTimeout(device, reason="libfprint did not answer", seconds=timeout)
        if outcome.error is not None:
            raise outcome.error
        return outcome.value

    def call(self, fn: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Run a quick synchronous function in the loop and return its result."""

        def start(done: Done) -> None:
            done(fn(), None)

        return self.run(start, timeout)

    # -- internals -------------------------------------------------------------------------------------
    def _nested(
        self,
        context: Any,
        begin: Callable[[], bool],
        outcome: _Outcome,
        timeout: float,
        on_timeout: Callable[[], None] | None,
    ) -> None:
        deadline = self._glib.get_monotonic_time() + int(timeout * 1e6)
        begin()
        cancelled = False
        while not outcome.event.is_set():
            if not cancelled and self._glib.get_monotonic_time() > deadline:
                cancelled = True
                if on_timeout is not None:
                    on_timeout()
                deadline += int(1e6)
            elif cancelled and self._glib.get_monotonic_time() > deadline:
                break
            context.iteration(False) or outcome.event.wait(0.005)

    def _ensure_running(self) -> None:
        with self._lock:
            if self._mode is None:
                self._mode = self._decide()
                log.info("libfprint: GLib main loop is %s", self._mode)
            if self._mode == "own" and (self._thread is None or not self._thread.is_alive()):
                loop = self._glib.MainLoop.new(None, False)  # None: the global default context
                self._thread = threading.Thread(target=loop.run, name="glib-loop", daemon=True)
                self._thread.start()

    def _decide(self) -> str:
        forced = os.environ.get("KIOSK_GLIB_LOOP", "").strip().lower()
        if forced in ("own", "external"):
            return forced
        context = self._glib.MainContext.default()
        if not context.acquire():
            return "external"  # another thread owns it: it is iterating
        context.release()
        answered = threading.Event()

        def ping() -> bool:
            answered.set()
            return False

        source = self._glib.idle_add(ping)
        if answered.wait(PROBE_SECONDS):
            return "external"
        self._glib.source_remove(source)
        return "own"
