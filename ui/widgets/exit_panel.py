"""Leaving kiosk mode: a supervisor or a technician signs for it (Ctrl+Alt+Q shows this panel).

A station in kiosk mode is full screen with no frame and ignores the window manager's close: a person at
the window must not be able to leave the application. The credential is checked like a supervisor's
confirmation (at the backend, or the station's offline verifier) and the role must hold `exit_kiosk`;
every attempt is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.audit import events
from kiosk.enrol.desk import Desk
from kiosk.errors import KioskError
from kiosk.jobs import Job
from kiosk.messages import Message
from kiosk.roles import Permission, allowed
from ui.background import Background
from ui.i18n import Translator
from ui.qt import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget


def exit_job(desk: Desk, username: str, password: str) -> Job[Any, bool]:
    """True when this credential may close the kiosk; the attempt is audited either way."""

    def work() -> bool:
        verified = desk.auth.verify(username, password)
        ok = verified is not None and allowed(verified.role, Permission.EXIT_KIOSK)
        desk.station.audit.append(
            events.CONFIG_CHANGED if ok else events.ACCESS_DENIED,
            actor=verified.operator_id if verified else username,
            role=verified.role.value if verified else None,
            fields={"action": "exit_kiosk", "allowed": ok},
        )
        if verified is None:
            raise KioskError("operators.bad_credentials")
        if not ok:
            raise KioskError("roles.forbidden", role=verified.role.value, permission="exit_kiosk")
        return True

    return Job("exit_kiosk", work, lambda ok: ok)


class ExitPanel(QFrame):
    def __init__(
        self, tr: Translator, desk: Desk, background: Background, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.i18n, self.desk, self.background = tr, desk, background
        self.setObjectName("card")
        column = QVBoxLayout(self)
        title = QLabel(self)
        title.setObjectName("warning")
        tr.bind(title, "text", Message("ui.exit.explained"))
        column.addWidget(title)
        row = QHBoxLayout()
        self.username = QLineEdit(self)
        tr.bind(self.username, "accessible", Message("ui.exit.username"))
        tr.bind(self.username, "placeholder", Message("ui.exit.username"))
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        tr.bind(self.password, "accessible", Message("ui.exit.password"))
        tr.bind(self.password, "placeholder", Message("ui.exit.password"))
        self.cancel = QPushButton(self)
        tr.control(self.cancel, Message("ui.confirm.cancel"))
        self.leave = QPushButton(self)
        self.leave.setObjectName("danger")
        tr.control(self.leave, Message("ui.exit.leave"))
        for widget in (self.username, self.password, self.cancel, self.leave):
            row.addWidget(widget)
        column.addLayout(row)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        tr.bind(self.error, "text", Message("ui.empty"))
        column.addWidget(self.error)
        self.cancel.clicked.connect(self.hide)
        self.leave.clicked.connect(self._leave)
        self.password.returnPressed.connect(self._leave)
        self.on_allowed: Callable[[], None] | None = None
        self.hide()

    def ask(self, on_allowed: Callable[[], None]) -> None:
        self.on_allowed = on_allowed
        self.username.clear()
        self.password.clear()
        self.i18n.bind(self.error, "text", Message("ui.empty"))
        self.show()
        self.username.setFocus()

    def _leave(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        self.password.clear()

        def allowed_(_ok: bool) -> None:
            self.hide()
            if self.on_allowed is not None:
                self.on_allowed()

        def refused(exc: BaseException) -> None:
            message = exc.message if isinstance(exc, KioskError) else Message("ui.unexpected", {"error": "?"})
            self.i18n.bind(self.error, "text", message)

        self.background.run(exit_job(self.desk, username, password), allowed_, refused)
