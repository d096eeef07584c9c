"""Asking for the confirmation the policy names: the operator's own, or a supervisor signing in over the
session (their user and password, checked at the backend, never stored).

The panel sits inside the screen that asks (no separate window: the person at the window sees what
is being confirmed, and the autopilot and the screenshots see it too). It does not decide whether a
supervisor is needed (the flow says so) nor what is confirmed (the subject comes from the flow); it
collects the credential, runs the flow's supervisor job off the GUI thread, and hands the confirmation
back to the screen, which passes it to the flow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.enrol.confirm import Decision
from kiosk.enrol.flow import Enrolment
from kiosk.errors import KioskError
from kiosk.messages import Message
from ui.context import UiContext
from ui.qt import QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton

Done = Callable[[Any], None]  # receives the SupervisorConfirmation, or None for the operator's own


class ConfirmPanel(QFrame):
    def __init__(self, ui: UiContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.ui, self.i18n = ui, ui.tr
        self.setObjectName("card")
        grid = QGridLayout(self)
        grid.setContentsMargins(20, 16, 20, 16)
        self.question = QLabel(self)
        self.question.setObjectName("warning")
        self.question.setWordWrap(True)
        grid.addWidget(self.question, 0, 0, 1, 2)
        self.who = QLabel(self)
        self.i18n.bind(self.who, "text", Message("ui.confirm.supervisor_signs"))
        grid.addWidget(self.who, 1, 0, 1, 2)
        self.username = QLineEdit(self)
        self.i18n.bind(self.username, "accessible", Message("ui.confirm.supervisor_user"))
        self.i18n.bind(self.username, "placeholder", Message("ui.confirm.supervisor_user"))
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.i18n.bind(self.password, "accessible", Message("ui.confirm.supervisor_password"))
        self.i18n.bind(self.password, "placeholder", Message("ui.confirm.supervisor_password"))
        grid.addWidget(self.username, 2, 0)
        grid.addWidget(self.password, 2, 1)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        grid.addWidget(self.error, 3, 0, 1, 2)
        buttons = QHBoxLayout()
        self.confirm = QPushButton(self)
        self.confirm.setObjectName("primary")
        self.i18n.control(self.confirm, Message("ui.confirm.confirm"))
        self.cancel = QPushButton(self)
        self.i18n.control(self.cancel, Message("ui.confirm.cancel"))
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.confirm)
        grid.addLayout(buttons, 4, 0, 1, 2)
        self.confirm.clicked.connect(self._confirm)
        self.cancel.clicked.connect(self.close_panel)
        self.password.returnPressed.connect(self._confirm)
        self._request: tuple[Enrolment, Decision, dict[str, Any], Done] | None = None
        self.hide()

    def ask(
        self, flow: Enrolment, decision: Decision, about: dict[str, Any], question: Message, done: Done
    ) -> None:
        """Show `question`; on confirmation call `done` (with the supervisor's confirmation if needed)."""
        self._request = (flow, decision, about, done)
        supervisor = flow.needs_supervisor(decision)
        self.i18n.bind(self.question, "text", question)
        for widget in (self.who, self.username, self.password):
            widget.setVisible(supervisor)
        self.i18n.bind(self.error, "text", Message("ui.empty"))
        self.username.clear()
        self.password.clear()
        self.confirm.setEnabled(True)
        self.show()
        (self.username if supervisor else self.confirm).setFocus()

    def close_panel(self) -> None:
        self._request = None
        self.password.clear()
        self.hide()

    def _confirm(self) -> None:
        if self._request is None:
            return
        flow, decision, about, done = self._request
        if not flow.needs_supervisor(decision):
            self.close_panel()
            done(None)
            return
        username, password = self.username.text().strip(), self.password.text()
        self.password.clear()
        if not username or not password:
            self.i18n.bind(self.error, "text", Message("operators.missing_credentials"))
            return
        self.confirm.setEnabled(False)

        def confirmed(confirmation: Any) -> None:
            self.close_panel()
            done(confirmation)

        def refused(exc: BaseException) -> None:
            self.confirm.setEnabled(True)
            text = (
                exc.message
                if isinstance(exc, KioskError)
                else Message("ui.unexpected", {"error": type(exc).__name__})
            )
            self.i18n.bind(self.error, "text", text)

        self.ui.background.run(flow.supervisor_job(decision, about, username, password), confirmed, refused)
