"""What a screen is: a widget with a name, a heading, and a way to forget the person.

A screen shows the state of the desk or of the current enrolment and asks them to act; it decides
nothing. `bind(flow)` is called when a new person's visit starts (connect to the flow's events),
`clear()` when it ends (every widget that showed anything of the person is emptied), `entered()` each
time the screen becomes the visible one (focus the first field).
"""

from __future__ import annotations

from typing import Any, ClassVar

from kiosk.enrol.flow import Enrolment
from kiosk.messages import Message
from ui.context import UiContext
from ui.qt import QLabel, QPushButton, QVBoxLayout, QWidget


class Screen(QWidget):
    name: ClassVar[str] = ""
    heading_code: ClassVar[str] = ""

    def __init__(self, ui: UiContext) -> None:
        super().__init__()
        self.ui = ui
        self.i18n = ui.tr
        self.flow: Enrolment | None = None
        self.setObjectName(self.name)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(24, 16, 24, 16)
        self.layout_.setSpacing(14)
        if self.heading_code:
            self.heading = self.label(Message(self.heading_code), "heading")
            self.layout_.addWidget(self.heading)

    # -- what the window calls ------------------------------------------------------------------------------
    def bind(self, flow: Enrolment) -> None:
        self.flow = flow

    def clear(self) -> None:
        self.flow = None

    def entered(self) -> None:
        """The screen became visible."""

    # -- building blocks ------------------------------------------------------------------------------------
    def label(self, message: Message | None = None, role: str = "", *, data: bool = False) -> QLabel:
        label = QLabel(self)
        label.setWordWrap(True)
        if role:
            label.setObjectName(role)
        if message is not None:
            self.i18n.bind(label, "text", message)
        elif data:
            self.i18n.data(label)
        return label

    def button(self, message: Message, role: str = "", slot: Any = None) -> QPushButton:
        button = QPushButton(self)
        if role:
            button.setObjectName(role)
        self.i18n.control(button, message)
        if slot is not None:
            button.clicked.connect(slot)
        return button

    def say(self, target: QLabel, message: Message | None, role: str = "hint") -> None:
        """Show a message in a status label (or clear it); the label keeps it across language changes."""
        target.setObjectName(role)
        target.style().unpolish(target)
        target.style().polish(target)
        if message is None:
            self.i18n.bind(target, "text", Message("ui.empty"))
        else:
            self.i18n.bind(target, "text", message)
