"""Device added/removed events and the small bus that carries them to whoever listens.

Listeners run in the thread that noticed the change (the hot-plug monitor, a stream's reader thread), so
a GUI must hand them over to its own thread; a listener that raises is logged and never stops the others
or the device layer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from devices.facts import DeviceInfo

log = logging.getLogger(__name__)

Action = Literal["added", "removed"]


@dataclass(frozen=True)
class DeviceEvent:
    action: Action
    info: DeviceInfo
    reason: str = "hot-plug"  # "hot-plug" (seen by a scan) or "disconnected" (lost while in use)
    timestamp: float = field(default_factory=time.monotonic)

    @property
    def device_id(self) -> str:
        return self.info.device_id

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "device": self.info.device_id,
            "kind": str(self.info.kind),
            "reason": self.reason,
        }


Listener = Callable[[DeviceEvent], None]


class EventBus:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns the function that removes it again."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def emit(self, event: DeviceEvent) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:
                log.exception("device event listener failed on %s %s", event.action, event.device_id)
