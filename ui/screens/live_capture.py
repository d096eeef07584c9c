"""What the two screens fed by a device's live frames (fingers, face) do alike with Qt's events.

Shown, the screen asks its `_pump` to start the capture the flow wants; hidden, the live job is cancelled
(a device is never watched behind another screen); Enter confirms the open confirmation panel, because
buttons outside dialogs ignore Enter and a clerk at a keyboard expects it to answer the question asked.
"""

from __future__ import annotations

from typing import Any

from ui.qt import Qt
from ui.screens.base import Screen
from ui.widgets.confirm import ConfirmPanel
from ui.widgets.live_job import LiveJob


class LiveCaptureScreen(Screen):
    confirm: ConfirmPanel
    live: LiveJob

    def _pump(self) -> None:
        """Start the live job the flow's state asks for; cancel one it no longer asks for."""
        raise NotImplementedError

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._pump()

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self.confirm.isVisible() and self.confirm.confirm.isEnabled():
            self.confirm.confirm.click()
            return
        super().keyPressEvent(event)

    def hideEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        super().hideEvent(event)
        self.live.cancel()
