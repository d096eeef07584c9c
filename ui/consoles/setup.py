"""The first-run set-up wizard: a station with no registration shows this instead of the login.

It shows the steps of `kiosk.station.setup.Setup` and asks for what each needs: the enrolment file
(and, when its token was used, a new one), the technician's credentials, then the go-ahead to register
the devices found and to run the test enrolment. Every job runs off the GUI thread; a failure stays on
its step with the core's one line of what to check. When the test receipt is verified, "finish" hands
the open station to whoever opened the wizard (the launcher then shows the station's window).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.enrol.station import StationContext
from kiosk.evented import Event
from kiosk.messages import Message
from kiosk.station.setup import ORDER, Setup, SetupStep
from ui.background import Background
from ui.i18n import Translator
from ui.qt import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from ui.style import PAPER, SHEET

MARKS = {"done": "✔", "now": "➜", "later": "·"}


class SetupWizard(QWidget):
    def __init__(
        self,
        tr: Translator,
        background: Background,
        setup: Setup,
        on_done: Callable[[StationContext], None] | None = None,
        enrolment_file: Path | None = None,
    ) -> None:
        super().__init__()
        self.i18n, self.background, self.setup = tr, background, setup
        self.on_done = on_done
        self.setObjectName("setup")
        self.setStyleSheet(SHEET + f"QWidget#setup {{ background: {PAPER}; }}")
        self.i18n.bind(self, "window_title", Message("ui.setup.window_title"))
        self.resize(1100, 720)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 20, 28, 20)
        outer.setSpacing(14)
        outer.addWidget(self._label(Message("ui.setup.heading"), "heading"))
        outer.addWidget(self._label(Message("ui.setup.explained"), "subheading"))
        body = QHBoxLayout()
        body.setSpacing(24)
        steps = QVBoxLayout()
        steps.setSpacing(10)
        self.marks: dict[SetupStep, QLabel] = {}
        for step in ORDER:
            mark = QLabel(self)
            mark.setObjectName("hint")
            self.i18n.data(mark)
            self.marks[step] = mark
            steps.addWidget(mark)
        steps.addStretch(1)
        column = QWidget(self)
        column.setFixedWidth(270)
        column.setLayout(steps)
        body.addWidget(column)
        right = QVBoxLayout()
        self.pages = QStackedWidget(self)
        self.page_of: dict[SetupStep, QWidget] = {
            SetupStep.JOIN: self._join_page(enrolment_file),
            SetupStep.SIGN_IN: self._sign_in_page(),
            SetupStep.DEVICES: self._devices_page(),
            SetupStep.TEST: self._test_page(),
            SetupStep.DONE: self._done_page(),
        }
        for page in self.page_of.values():
            self.pages.addWidget(page)
        right.addWidget(self.pages)
        self.busy = self._label(Message("ui.empty"), "hint")
        right.addWidget(self.busy)
        self.problem = self._label(Message("ui.empty"), "error")
        self.problem.setMinimumHeight(64)  # room for two lines before the layout catches up
        right.addWidget(self.problem)
        right.addStretch(1)
        body.addLayout(right, 1)
        outer.addLayout(body, 1)
        setup.events.step.connect(self._stepped)
        setup.events.problem.connect(self._problem)
        tr.changed.connect(lambda _language: self._marks())
        self._show_step()

    # -- building blocks ------------------------------------------------------------------------------------
    def _label(self, message: Message, role: str = "") -> QLabel:
        label = QLabel(self)
        label.setWordWrap(True)
        if role:
            label.setObjectName(role)
        self.i18n.bind(label, "text", message)
        return label

    def _button(self, code: str, slot: Any, role: str = "primary") -> QPushButton:
        button = QPushButton(self)
        button.setObjectName(role)
        self.i18n.control(button, Message(code))
        button.clicked.connect(slot)
        return button

    def _field(self, grid: QGridLayout, row: int, code: str, secret: bool = False) -> QLineEdit:
        label = self._label(Message(code))
        field = QLineEdit(self)
        self.i18n.bind(field, "accessible", Message(code))
        if secret:
            field.setEchoMode(QLineEdit.EchoMode.Password)
        label.setBuddy(field)
        grid.addWidget(label, row, 0)
        grid.addWidget(field, row, 1)
        return field

    def _card(self, intro: str) -> tuple[QFrame, QGridLayout]:
        card = QFrame(self)
        card.setObjectName("card")
        grid = QGridLayout(card)
        grid.setContentsMargins(24, 20, 24, 20)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(12)
        grid.addWidget(self._label(Message(intro)), 0, 0, 1, 3)
        return card, grid

    def _page(self, card: QFrame) -> QWidget:
        return card

    # -- the steps ------------------------------------------------------------------------------------------
    def _join_page(self, enrolment_file: Path | None) -> QWidget:
        card, grid = self._card("ui.setup.join.intro")
        self.file = self._field(grid, 1, "ui.setup.join.file")
        if enrolment_file is not None:
            self.file.setText(str(enrolment_file))
        self.pick = self._button("ui.setup.join.pick", self._pick_file, "")
        grid.addWidget(self.pick, 1, 2)
        self.token = self._field(grid, 2, "ui.setup.join.token")
        self.i18n.bind(self.token, "placeholder", Message("ui.setup.join.token_hint"))
        self.join = self._button("ui.setup.join.go", self.submit_join)
        grid.addWidget(self.join, 3, 1)
        self.file.returnPressed.connect(self.submit_join)
        return self._page(card)

    def _sign_in_page(self) -> QWidget:
        card, grid = self._card("ui.setup.sign_in.intro")
        self.username = self._field(grid, 1, "ui.login.username")
        self.password = self._field(grid, 2, "ui.login.password", secret=True)
        self.sign_in = self._button("ui.login.sign_in", self.submit_sign_in)
        grid.addWidget(self.sign_in, 3, 1)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit_sign_in)
        return self._page(card)

    def _devices_page(self) -> QWidget:
        card, grid = self._card("ui.setup.devices.intro")
        self.found = QLabel(self)
        self.found.setWordWrap(True)
        self.i18n.data(self.found)
        grid.addWidget(self.found, 1, 0, 1, 3)
        self.register = self._button("ui.setup.devices.go", self.submit_devices)
        grid.addWidget(self.register, 2, 1)
        return self._page(card)

    def _test_page(self) -> QWidget:
        card, grid = self._card("ui.setup.test.intro")
        self.registered = QLabel(self)
        self.registered.setWordWrap(True)
        self.i18n.data(self.registered)
        grid.addWidget(self.registered, 1, 0, 1, 3)
        self.run_test = self._button("ui.setup.test.go", self.submit_test)
        grid.addWidget(self.run_test, 2, 1)
        return self._page(card)

    def _done_page(self) -> QWidget:
        card, grid = self._card("ui.setup.done.intro")
        self.receipt = QLabel(self)
        self.receipt.setObjectName("ok")
        self.receipt.setWordWrap(True)
        self.i18n.data(self.receipt)
        grid.addWidget(self.receipt, 1, 0, 1, 3)
        self.finish = self._button("ui.setup.done.go", self.submit_finish)
        grid.addWidget(self.finish, 2, 1)
        return self._page(card)

    # -- asking ---------------------------------------------------------------------------------------------
    def _pick_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.i18n("ui.setup.join.file"), "", "station-enrolment (*.json)"
        )
        if chosen:
            self.file.setText(chosen)

    def submit_join(self) -> None:
        self._run(self.setup.join_job(self.file.text(), self.token.text() or None), "ui.setup.join.busy")

    def submit_sign_in(self) -> None:
        job = self.setup.sign_in_job(self.username.text(), self.password.text())
        self.password.clear()
        self._run(job, "ui.setup.sign_in.busy")

    def submit_devices(self) -> None:
        self._run(self.setup.devices_job(), "ui.setup.devices.busy")

    def submit_test(self) -> None:
        self._run(self.setup.test_job(), "ui.setup.test.busy")

    def submit_finish(self) -> None:
        station = self.setup.finish()
        if self.on_done is not None:
            self.on_done(station)

    def _run(self, job: Any, busy: str) -> None:
        self._say(self.problem, None)
        self._say(self.busy, Message(busy))
        for button in (self.join, self.sign_in, self.register, self.run_test):
            button.setEnabled(False)
        self.background.run(job, lambda _value: self._settled(), lambda exc: self._settled(exc))

    def _settled(self, exc: BaseException | None = None) -> None:
        self._say(self.busy, None)
        for button in (self.join, self.sign_in, self.register, self.run_test):
            button.setEnabled(True)
        if exc is not None:  # the core's own failures arrive as `problem`; this is anything else
            self._problem_message(Message("setup.check.other", {"detail": type(exc).__name__}))

    # -- showing --------------------------------------------------------------------------------------------
    def _stepped(self, event: Event) -> None:
        self._show_step()

    def _problem(self, event: Event) -> None:
        self._problem_message(event.message)

    def _problem_message(self, message: Message) -> None:
        self._say(self.problem, message)

    def _say(self, label: QLabel, message: Message | None) -> None:
        self.i18n.bind(label, "text", message or Message("ui.empty"))

    def _show_step(self) -> None:
        step = self.setup.step
        self.pages.setCurrentWidget(self.page_of[step])
        self._marks()
        tr = self.i18n
        if step is SetupStep.TEST:
            lines = [
                tr(
                    "ui.setup.devices.line",
                    name=f.info.display_name,
                    serial=f.info.serial,
                    state=tr("ui.setup.devices.new" if f.newly_registered else "ui.setup.devices.known"),
                )
                for f in self.setup.devices
            ]
            self.registered.setText("\n".join(lines))
        if step is SetupStep.DEVICES and self.setup.station is not None:
            infos = self.setup.station.devices.infos()
            self.found.setText(
                "\n".join(f"{i.display_name} · {i.driver_id} · {i.serial}" for i in infos)
                or tr("ui.setup.devices.none")
            )
        if step is SetupStep.DONE and self.setup.receipt is not None:
            receipt = self.setup.receipt
            self.receipt.setText(tr("ui.setup.done.receipt", folio=receipt.folio, nfiq2=receipt.nfiq2))
        focus = {SetupStep.JOIN: self.file, SetupStep.SIGN_IN: self.username}.get(step)
        if focus is not None:
            focus.setFocus()

    def _marks(self) -> None:
        now = ORDER.index(self.setup.step)
        if self.setup.step is SetupStep.DONE:
            now = len(ORDER)  # everything is done, "ready" included
        for index, step in enumerate(ORDER):
            state = "done" if index < now else ("now" if index == now else "later")
            mark = self.marks[step]
            mark.setObjectName("ok" if state == "done" else ("subheading" if state == "now" else "hint"))
            mark.style().unpolish(mark)
            mark.style().polish(mark)
            mark.setText(f"{MARKS[state]}  {self.i18n(f'ui.setup.step.{step.value}')}")
