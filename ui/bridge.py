"""Core events that may come from any thread, delivered on the GUI thread.

The enrolment flow emits on the GUI thread already (its owner), but some models speak from their own
threads: the device layer's hot-plug monitor, a capture's live frames. `Bridge.relay(emitter, slot)`
connects a core `Emitter` so that `slot(event)` always runs on the GUI thread, queued through a Qt
signal. `latest` relays (for live frames) drop a frame when the screen has not painted the last one
yet: a preview shows now, never a backlog.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from kiosk.evented import Emitter, Event
from ui.qt import QObject, Signal


class Bridge(QObject):
    _posted = Signal(object, object)

    def __init__(self) -> None:
        super().__init__()
        self._posted.connect(self._deliver)
        self._links: list[tuple[Emitter, Callable[[Event], None]]] = []

    def relay(self, emitter: Emitter, slot: Callable[[Event], None]) -> None:
        def relay(event: Event) -> None:
            self._posted.emit(slot, event)

        emitter.connect(relay)
        self._links.append((emitter, relay))

    def post(self, slot: Callable[[Any], None], value: Any) -> None:
        """Run `slot(value)` on the GUI thread (from any thread)."""
        self._posted.emit(slot, value)

    def disconnect_all(self) -> None:
        for emitter, relay in self._links:
            emitter.disconnect(relay)
        self._links.clear()

    def _deliver(self, slot: Callable[[Any], None], value: Any) -> None:
        slot(value)


class Latest(QObject):
    """Hands the GUI thread the newest value only; values arriving before it took the last are dropped."""

    ready = Signal()

    def __init__(self, slot: Callable[[Any], None]) -> None:
        super().__init__()
        self._slot = slot
        self._lock = threading.Lock()
        self._value: Any = None
        self._waiting = False
        self.dropped = 0
        self.delivered = 0
        self.ready.connect(self._take)

    def put(self, value: Any) -> None:
        """From any thread."""
        with self._lock:
            if self._waiting:
                self.dropped += 1
                self._value = value
                return
            self._value, self._waiting = value, True
        self.ready.emit()

    def _take(self) -> None:
        with self._lock:
            value, self._value, self._waiting = self._value, None, False
        if value is not None:
            self.delivered += 1
            self._slot(value)
