"""Signing in: user and password (IMSS staff) or e.firma (employers), and the change of a password that
the backend says must be changed first.

What the backend or the e.firma says goes to the screen as it is (the core's message): a wrong
password, a locked account with its minutes, an expired certificate, a wrong key password, an offline
login refused because the last online one is too old. The password fields are emptied after every
attempt, right or wrong.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.errors import KioskError
from kiosk.messages import Message
from ui.qt import QFileDialog, QFrame, QGridLayout, QHBoxLayout, QLineEdit, QStackedWidget
from ui.screens.base import Screen


class LoginScreen(Screen):
    name = "login"
    heading_code = "ui.login.heading"

    def __init__(self, ui: object) -> None:
        super().__init__(ui)  # type: ignore[arg-type]
        self.certificate: Path | None = None
        self.key: Path | None = None
        modes = QHBoxLayout()
        self.by_password = self.button(Message("ui.login.with_password"), slot=lambda: self.mode(0))
        self.by_fiel = self.button(Message("ui.login.with_fiel"), slot=lambda: self.mode(1))
        modes.addWidget(self.by_password)
        modes.addWidget(self.by_fiel)
        modes.addStretch(1)
        self.layout_.addLayout(modes)
        self.forms = QStackedWidget(self)
        self.forms.addWidget(self._password_form())
        self.forms.addWidget(self._fiel_form())
        self.forms.addWidget(self._change_form())
        self.layout_.addWidget(self.forms)
        self.message = self.label(Message("ui.empty"))
        self.layout_.addWidget(self.message)
        self.layout_.addStretch(1)
        self.mode(0)

    # -- forms ----------------------------------------------------------------------------------------------
    def _card(self) -> tuple[QFrame, QGridLayout]:
        card = QFrame(self)
        card.setObjectName("card")
        grid = QGridLayout(card)
        grid.setContentsMargins(24, 20, 24, 20)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(12)
        return card, grid

    def _field(self, grid: QGridLayout, row: int, code: str, secret: bool = False) -> QLineEdit:
        label = self.label(Message(code))
        field = QLineEdit(self)
        self.i18n.bind(field, "accessible", Message(code))
        if secret:
            field.setEchoMode(QLineEdit.EchoMode.Password)
        label.setBuddy(field)
        grid.addWidget(label, row, 0)
        grid.addWidget(field, row, 1)
        return field

    def _password_form(self) -> QFrame:
        card, grid = self._card()
        self.username = self._field(grid, 0, "ui.login.username")
        self.password = self._field(grid, 1, "ui.login.password", secret=True)
        self.sign_in = self.button(Message("ui.login.sign_in"), "primary", self.submit_password)
        grid.addWidget(self.sign_in, 2, 1)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit_password)
        return card

    def _fiel_form(self) -> QFrame:
        card, grid = self._card()
        self.pick_cer = self.button(Message("ui.login.pick_cer"), slot=lambda: self._pick("cer"))
        self.cer_name = self.label(data=True)
        self.pick_key = self.button(Message("ui.login.pick_key"), slot=lambda: self._pick("key"))
        self.key_name = self.label(data=True)
        grid.addWidget(self.pick_cer, 0, 0)
        grid.addWidget(self.cer_name, 0, 1)
        grid.addWidget(self.pick_key, 1, 0)
        grid.addWidget(self.key_name, 1, 1)
        self.fiel_password = self._field(grid, 2, "ui.login.fiel_password", secret=True)
        self.fiel_sign_in = self.button(Message("ui.login.sign_in_fiel"), "primary", self.submit_fiel)
        self.fiel_password.returnPressed.connect(self.submit_fiel)
        grid.addWidget(self.fiel_sign_in, 3, 1)
        return card

    def _change_form(self) -> QFrame:
        card, grid = self._card()
        explanation = self.label(Message("ui.login.change_explained"), "hint")
        grid.addWidget(explanation, 0, 0, 1, 2)
        self.new_password = self._field(grid, 1, "ui.login.new_password", secret=True)
        self.repeat_password = self._field(grid, 2, "ui.login.repeat_password", secret=True)
        self.change = self.button(Message("ui.login.change_and_sign_in"), "primary", self.submit_change)
        self.repeat_password.returnPressed.connect(self.submit_change)
        grid.addWidget(self.change, 3, 1)
        return card

    def mode(self, index: int) -> None:
        self.forms.setCurrentIndex(index)
        self.say(self.message, None)
        self.entered()

    def entered(self) -> None:
        focus = {0: self.username, 1: self.pick_cer, 2: self.new_password}[self.forms.currentIndex()]
        if self.forms.currentIndex() == 0 and self.username.text():
            focus = self.password
        focus.setFocus()

    # -- acting ---------------------------------------------------------------------------------------------
    def submit_password(self) -> None:
        username, password = self.username.text(), self.password.text()
        self.password.clear()
        self._busy(True)
        job = self.ui.desk.password_job(username, password)
        self.ui.background.run(job, self._signed_in, lambda exc: self._refused(exc, username, password))

    def submit_fiel(self) -> None:
        if self.certificate is None or self.key is None:
            self.say(self.message, Message("ui.login.pick_both"), "error")
            return
        try:
            certificate, key = self.certificate.read_bytes(), self.key.read_bytes()
        except OSError as exc:
            self.say(self.message, Message("ui.login.unreadable", {"reason": exc.strerror or ""}), "error")
            return
        password = self.fiel_password.text()
        self.fiel_password.clear()
        self._busy(True)
        self.ui.background.run(
            self.ui.desk.fiel_job(certificate, key, password), self._signed_in, self._refused
        )

    def submit_change(self) -> None:
        new, repeat = self.new_password.text(), self.repeat_password.text()
        self.new_password.clear()
        self.repeat_password.clear()
        if new != repeat:
            self.say(self.message, Message("ui.login.passwords_differ"), "error")
            return
        username, old = self._pending_change
        self._busy(True)

        def changed(_none: object) -> None:
            self.ui.background.run(self.ui.desk.password_job(username, new), self._signed_in, self._refused)

        self.ui.background.run(self.ui.desk.change_password_job(username, old, new), changed, self._refused)

    def _signed_in(self, _login: object) -> None:
        self._busy(False)
        self._pending_change = ("", "")
        self.password.clear()
        self.fiel_password.clear()
        self.say(self.message, None)
        self.forms.setCurrentIndex(0)

    def _refused(self, exc: BaseException, username: str = "", password: str = "") -> None:
        self._busy(False)
        if isinstance(exc, KioskError) and getattr(exc, "api_code", None) == "password_expired":
            self._pending_change = (username, password)
            self.forms.setCurrentIndex(2)
            self.say(self.message, exc.message, "warning")
            self.new_password.setFocus()
            return
        message = (
            exc.message
            if isinstance(exc, KioskError)
            else Message("ui.unexpected", {"error": type(exc).__name__})
        )
        self.say(self.message, message, "error")
        self.entered()

    def _busy(self, busy: bool) -> None:
        for button in (self.sign_in, self.fiel_sign_in, self.change):
            button.setEnabled(not busy)

    def _pick(self, kind: str) -> None:
        title = self.i18n("ui.login.pick_cer" if kind == "cer" else "ui.login.pick_key")
        pattern = "*.cer *.crt *.der" if kind == "cer" else "*.key"
        path, _ = QFileDialog.getOpenFileName(self, title, str(Path.home()), f"{kind.upper()} ({pattern})")
        if path:
            self.choose(kind, Path(path))

    def choose(self, kind: str, path: Path) -> None:
        """The e.firma's file of `kind` (cer or key) was picked (the file dialog, or a test)."""
        if kind == "cer":
            self.certificate = path
            self.cer_name.setText(path.name)
        else:
            self.key = path
            self.key_name.setText(path.name)

    _pending_change: tuple[str, str] = ("", "")
