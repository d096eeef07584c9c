"""When a new visit cannot start: why (frozen outbox, damaged outbox, a device missing or unregistered,
too little disk), and a button to try again once it is fixed. The station bar shows the same facts."""

from __future__ import annotations

from typing import Any

from kiosk.messages import Message
from ui.screens.base import Screen


class BlockedScreen(Screen):
    name = "blocked"
    heading_code = "ui.blocked.heading"

    def __init__(self, ui: Any) -> None:
        super().__init__(ui)
        self.reason = self.label(Message("ui.empty"), "error")
        self.layout_.addWidget(self.reason)
        self.layout_.addWidget(self.label(Message("ui.blocked.explained"), "hint"))
        self.retry = self.button(Message("ui.blocked.retry"), "primary", self._retry)
        self.layout_.addWidget(self.retry)
        self.layout_.addStretch(1)
        self.on_retry: Any = None

    def show_reason(self, message: Message) -> None:
        self.say(self.reason, message, "error")

    def entered(self) -> None:
        self.retry.setFocus()

    def _retry(self) -> None:
        if self.on_retry is not None:
            self.on_retry()
