"""How long the GUI thread was ever unable to react: the figure a clerk feels as a frozen window.

A timer that should fire every `interval` ms notes how late each tick is; the longest lateness is the
longest stall of the event loop (a slow paint, a finish that did too much, a blocking call that slipped
onto the GUI thread). The autopilot and the benchmark run it during capture and sealing.
"""

from __future__ import annotations

import time

from ui.qt import QObject, QTimer


class StallMeter(QObject):
    def __init__(self, interval_ms: int = 10) -> None:
        super().__init__()
        self.interval = interval_ms / 1000
        self.longest_ms = 0.0
        self.ticks = 0
        self._last: float | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> StallMeter:
        self._last = time.perf_counter()
        self._timer.start()
        return self

    def stop(self) -> float:
        self._timer.stop()
        self._last = None
        return self.longest_ms

    def pause(self) -> None:
        """The caller itself is about to hold the GUI thread (a screenshot): not the application's stall."""
        self._timer.stop()
        self._last = None

    def resume(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def reset(self) -> None:
        self.longest_ms = 0.0
        self.ticks = 0
        self._last = time.perf_counter() if self._timer.isActive() else None

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            late = (now - self._last - self.interval) * 1000
            self.longest_ms = max(self.longest_ms, late)
        self._last = now
        self.ticks += 1
