"""Evented state without Qt: a model announces what changed, views connect to what they show.

napari's lesson: the model (here the enrolment flow, the operator's desk) knows nothing of widgets; it
emits named events, and a widget connects a callback to each event it draws. The screens bind to these
events, the headless actor reads the same state directly, and the tests connect plain lists. Callbacks
run in the thread that emitted (the model's owner thread); a view that lives in another thread must
re-post them itself (the Qt front does that in one place, `ui/bridge.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """What happened (`type`), who emitted it (`source`), and its values."""

    type: str
    source: Any = field(repr=False, default=None)
    values: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


Callback = Callable[[Event], None]


class Emitter:
    """One kind of event: `connect` a callback, `emit` values to every connected callback in order."""

    def __init__(self, source: Any, type_: str) -> None:
        self.source = source
        self.type = type_
        self._callbacks: list[Callback] = []
        self._blocked = 0

    def connect(self, callback: Callback) -> Callback:
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callback | None = None) -> None:
        """Disconnect one callback, or all of them."""
        if callback is None:
            self._callbacks.clear()
        elif callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, **values: Any) -> Event:
        """Call every callback; a failing view is logged and does not stop the model or the others."""
        event = Event(self.type, self.source, values)
        if self._blocked:
            return event
        for callback in list(self._callbacks):
            try:
                callback(event)
            except Exception:
                log.exception("a %s callback failed", self.type)
        return event

    @property
    def callbacks(self) -> tuple[Callback, ...]:
        return tuple(self._callbacks)


class EventGroup:
    """The events of one model, as attributes: `model.events.step.connect(cb)`."""

    def __init__(self, source: Any, *names: str) -> None:
        self._names = names
        for name in names:
            setattr(self, name, Emitter(source, name))

    def __getattr__(self, name: str) -> Emitter:  # for type checkers: every event is an Emitter
        raise AttributeError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return self._names

    def connect_all(self, callback: Callback) -> None:
        for name in self._names:
            getattr(self, name).connect(callback)

    def disconnect_all(self) -> None:
        for name in self._names:
            getattr(self, name).disconnect()
