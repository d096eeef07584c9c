"""Text on screen from the one catalogue, in the operator's language, switchable at any moment.

Widgets never hold literal text: a screen binds a widget property to a `Message` (`tr.bind`) and the
translator renders it now and again whenever the language changes; a widget that shows data (a CURP,
a folio, a score) is marked as such (`tr.data`). A test walks every screen and fails on visible text
that is neither, and on a control without an accessible name. Controls get their accessible name from
the same message as their label, which is also how the autopilot finds them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.messages import Message, normalize_language
from ui.qt import QObject, QWidget, Signal

Source = Message | Callable[[], Message]

SETTERS: dict[str, str] = {
    "text": "setText",
    "placeholder": "setPlaceholderText",
    "tooltip": "setToolTip",
    "accessible": "setAccessibleName",
    "description": "setAccessibleDescription",
    "title": "setTitle",
    "window_title": "setWindowTitle",
}


class Translator(QObject):
    changed = Signal(str)

    def __init__(self, language: str = "es_MX") -> None:
        super().__init__()
        self.language = normalize_language(language)
        self._bound: dict[int, tuple[QWidget, dict[str, Source]]] = {}
        self._data: set[int] = set()

    def text(self, message: Message) -> str:
        return message.render(self.language)

    def __call__(self, code: str, /, **params: Any) -> str:
        return Message(code, params).render(self.language)

    def set_language(self, language: str) -> None:
        self.language = normalize_language(language)
        for widget, props in list(self._bound.values()):
            for prop, source in props.items():
                self._apply(widget, prop, source)
        self.changed.emit(self.language)

    def bind(self, widget: QWidget, prop: str, source: Source) -> QWidget:
        """Show `source` (a Message, or a callable giving the current one) in `widget`'s `prop`."""
        key = id(widget)
        if key not in self._bound:
            self._bound[key] = (widget, {})
            widget.destroyed.connect(lambda *_: self._forget(key))
        self._bound[key][1][prop] = source
        self._apply(widget, prop, source)
        return widget

    def control(self, widget: QWidget, message: Source, *, text: bool = True) -> QWidget:
        """A control's label and its accessible name, from one message."""
        if text:
            self.bind(widget, "text", message)
        return self.bind(widget, "accessible", message)

    def data(self, widget: QWidget) -> QWidget:
        """This widget shows data, not words: it is not translated."""
        self._data.add(id(widget))
        widget.destroyed.connect(lambda *_: self._data.discard(id(widget)))
        return widget

    def refresh(self, widget: QWidget) -> None:
        """Re-render a widget whose bound callables now give other messages."""
        entry = self._bound.get(id(widget))
        if entry is not None:
            for prop, source in entry[1].items():
                self._apply(widget, prop, source)

    def bound_props(self, widget: QWidget) -> set[str]:
        entry = self._bound.get(id(widget))
        return set(entry[1]) if entry else set()

    def is_data(self, widget: QWidget) -> bool:
        return id(widget) in self._data

    def _apply(self, widget: QWidget, prop: str, source: Source) -> None:
        message = source() if callable(source) else source
        getattr(widget, SETTERS[prop])(message.render(self.language))

    def _forget(self, key: int) -> None:
        self._bound.pop(key, None)
