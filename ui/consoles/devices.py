"""The technician's devices page: every device found with its facts, verdicts and state, seen live;
a live test, the self-tests and the diagnostic report.

The rows come from the core (`kiosk.station.device_rows`) after a scan that runs off the GUI thread;
a device that comes or goes (the hot-plug monitor, `StationDevices.events.changed`) scans again, so
the table follows the cables. The live test and the self-tests are the core's jobs
(`kiosk.station.device_console`: one at a time, frames kept nowhere); the report is saved as JSON and
PDF and sent to the backend (`kiosk.station.diagnostics`, `ui.consoles.report_pdf`).
"""

from __future__ import annotations

from typing import Any

from kiosk.jobs import Job
from kiosk.messages import Message
from kiosk.roles import Permission
from kiosk.station.device_console import DeviceConsole
from kiosk.station.device_rows import DeviceRow, device_rows, gone_rows
from kiosk.station.setup import register_found_devices, what_to_check
from kiosk.station.trial_enrolment import run_trial_enrolment
from ui.consoles.device_panels import LivePanel, TestsPanel
from ui.qt import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

COLUMNS = ("device", "driver", "serial", "firmware", "state", "registered", "verdict")


class DevicesPage(QWidget):
    def __init__(self, ui: Any) -> None:
        super().__init__()
        self.ui, self.i18n = ui, ui.tr
        self.station = ui.desk.station
        self.rows: list[DeviceRow] = []
        self.console = DeviceConsole(self.station.devices)
        self.trial_receipt: Any = None
        self.scans = 0
        self._alive = True
        self._scanning = False
        self._again = False
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.i18n.bind(self.table, "accessible", Message("ui.devices.table"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setFixedHeight(116)
        self.table.verticalHeader().setDefaultSectionSize(30)
        column.addWidget(self.table)
        below = QHBoxLayout()
        self.refused = QLabel(self)  # drivers the allow-list keeps out: one line, not rows of dashes
        self.refused.setObjectName("hint")
        self.refused.setWordWrap(True)
        self.i18n.data(self.refused)
        below.addWidget(self.refused, 1)
        self.register = QPushButton(self)
        self.i18n.control(self.register, Message("ui.devices.register"))
        self.register.clicked.connect(self.register_devices)
        self.trial = QPushButton(self)
        self.i18n.control(self.trial, Message("ui.setup.test.go"))
        self.trial.clicked.connect(self.test_enrolment)
        for button in (self.register, self.trial):
            button.setEnabled(ui.desk.can(Permission.REGISTER_STATION))
            below.addWidget(button)
        column.addLayout(below)
        self.i18n.changed.connect(lambda _language: self._fill())
        panels = QHBoxLayout()
        panels.setSpacing(14)
        self.live = LivePanel(ui, self.console, self)
        panels.addWidget(self.live, 2)
        self.tests = TestsPanel(ui, self.console, self)
        panels.addWidget(self.tests, 3)
        column.addLayout(panels, 1)
        self._listener = lambda _event: self._post_rescan()
        self.station.devices.events.changed.connect(self._listener)
        self.rescan()

    # -- the table ------------------------------------------------------------------------------------------
    def _post_rescan(self) -> None:
        """From whichever thread noticed the change: scan again on the GUI thread's terms."""
        self.ui.bridge.post(lambda _v: self.rescan(), None)

    def rescan(self) -> None:
        if not self._alive:
            return
        if self._scanning:
            self._again = True
            return
        self._scanning = True
        devices = self.station.devices

        def scan() -> tuple[Any, set[str], Any]:
            inventory = devices.registry.scan()
            usable = {d.device_id for d in (devices.reader, devices.camera) if d is not None and not d.gone}
            return inventory, usable, devices.registered_serials

        self.ui.background.run(Job("devices.scan", scan, lambda found: found), self._scanned, self._failed)

    def _scanned(self, scanned: tuple[Any, set[str], Any]) -> None:
        self._scanning = False
        if not self._alive:
            return
        inventory, usable, registered = scanned
        rows = device_rows(inventory, usable, registered)
        found = [r for r in rows if r.state != "refused"]
        self.rows = found + gone_rows(found, self.rows) + [r for r in rows if r.state == "refused"]
        self.scans += 1
        self._fill()
        if self._again:
            self._again = False
            self.rescan()

    def _failed(self, exc: BaseException) -> None:
        self._scanning = False

    def _fill(self) -> None:
        tr = self.i18n
        self.table.setHorizontalHeaderLabels([tr(f"ui.devices.column.{c}") for c in COLUMNS])
        devices = [r for r in self.rows if r.state != "refused"]
        refused = [r.driver for r in self.rows if r.state == "refused"]
        self.refused.setText(tr("ui.devices.refused", drivers=", ".join(refused)) if refused else "")
        self.table.setRowCount(len(devices))
        for r, row in enumerate(devices):
            registered = {None: "ui.devices.registered.unknown", True: "ui.devices.registered.yes"}.get(
                row.registered, "ui.devices.registered.no"
            )
            cells = (
                row.name,
                row.driver,
                row.serial,
                row.firmware,
                tr(f"ui.devices.state.{row.state}"),
                tr(registered),
                tr.text(row.verdict),
            )
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))

    # -- registration and the test enrolment (as in the set-up wizard) --------------------------------------
    def register_devices(self) -> None:
        login = self.ui.desk.login
        if login is None:
            return
        station = self.station
        self._busy(Message("ui.setup.devices.busy"))
        job = Job("devices.register", lambda: register_found_devices(station, login), lambda found: found)
        self.ui.background.run(job, self._registered, self._action_failed)

    def _registered(self, found: list[Any]) -> None:
        self._idle()
        new = sum(1 for f in found if f.newly_registered)
        self.tests.say(self.tests.status, Message("ui.devices.registered_now", {"count": new}), "ok")
        self.rescan()

    def test_enrolment(self) -> None:
        login = self.ui.desk.login
        if login is None:
            return
        station = self.station
        self._busy(Message("ui.setup.test.busy"))
        job = Job("devices.trial", lambda: run_trial_enrolment(station, login), lambda receipt: receipt)
        self.ui.background.run(job, self._tested, self._action_failed)

    def _tested(self, receipt: Any) -> None:
        self._idle()
        self.trial_receipt = receipt
        message = Message("ui.setup.done.receipt", {"folio": receipt.folio, "nfiq2": receipt.nfiq2})
        self.tests.say(self.tests.status, message, "ok")

    def _action_failed(self, exc: BaseException) -> None:
        self._idle()
        self.tests.say(self.tests.status, what_to_check(exc), "error")

    def _busy(self, message: Message) -> None:
        self.register.setEnabled(False)
        self.trial.setEnabled(False)
        self.tests.say(self.tests.status, message)

    def _idle(self) -> None:
        for button in (self.register, self.trial):
            button.setEnabled(self.ui.desk.can(Permission.REGISTER_STATION))

    def row(self, device_id: str) -> DeviceRow | None:
        return next((r for r in self.rows if r.device_id == device_id), None)

    # -- leaving --------------------------------------------------------------------------------------------
    def clear(self) -> None:
        self._alive = False
        self.station.devices.events.changed.disconnect(self._listener)
        self.live.clear()
