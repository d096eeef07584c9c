"""The devices page's two panels: the live test (frames and their live measure, kept nowhere) and the
self-tests with the diagnostic report (saved as JSON and PDF, sent to the backend).

Both only ask the core (`kiosk.station.device_console.DeviceConsole`, `kiosk.station.diagnostics`) and
show what it answers; one device job at a time is the core's rule, and its refusal is shown as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devices.diagnostics import DiagnosticsReport
from kiosk.errors import KioskError
from kiosk.messages import Message
from kiosk.roles import Permission
from kiosk.station.device_console import DeviceConsole, LiveFrame, LiveSummary, device_verdict
from kiosk.station.diagnostics import FOLDER, export_json, station_report, upload_job
from ui.bridge import Latest
from ui.consoles.report_pdf import write_report_pdf
from ui.qt import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)
from ui.widgets.preview import FramePreview, QualityBar


class _Panel(QFrame):
    def __init__(self, ui: Any, console: DeviceConsole, page: Any, title: str) -> None:
        super().__init__(page)
        self.ui, self.i18n, self.console, self.page = ui, ui.tr, console, page
        self.setObjectName("card")
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(16, 12, 16, 12)
        self.column.setSpacing(8)
        heading = self.label(Message(title), "subheading")
        self.column.addWidget(heading)

    def label(self, message: Message | None = None, role: str = "") -> QLabel:
        label = QLabel(self)
        label.setWordWrap(True)
        if role:
            label.setObjectName(role)
        if message is not None:
            self.i18n.bind(label, "text", message)
        else:
            self.i18n.data(label)
        return label

    def button(self, code: str, slot: Any, role: str = "") -> QPushButton:
        button = QPushButton(self)
        if role:
            button.setObjectName(role)
        self.i18n.control(button, Message(code))
        button.clicked.connect(slot)
        return button

    def say(self, label: QLabel, message: Message | None, role: str = "hint") -> None:
        label.setObjectName(role)
        label.style().unpolish(label)
        label.style().polish(label)
        self.i18n.bind(label, "text", message or Message("ui.empty"))


class LivePanel(_Panel):
    def __init__(self, ui: Any, console: DeviceConsole, page: Any) -> None:
        super().__init__(ui, console, page, "ui.devices.live.title")
        buttons = QHBoxLayout()
        self.reader = self.button("ui.devices.live.reader", lambda: self.start("fingerprint"))
        self.camera = self.button("ui.devices.live.camera", lambda: self.start("camera"))
        self.stop = self.button("ui.devices.live.stop", console.stop_live)
        for button in (self.reader, self.camera, self.stop):
            button.setStyleSheet("min-width: 60px;")
            buttons.addWidget(button)
        self.column.addLayout(buttons)
        self.preview = FramePreview(self, minimum=(260, 180))
        self.i18n.bind(self.preview, "text", Message("ui.devices.live.idle"))
        self.i18n.bind(self.preview, "accessible", Message("ui.devices.live.preview"))
        self.column.addWidget(self.preview, 1)
        self.bar = QualityBar(self)
        self.column.addWidget(self.bar)
        self.measure = self.label()
        self.column.addWidget(self.measure)
        self.status = self.label(Message("ui.empty"), "hint")
        self.column.addWidget(self.status)
        self.latest = Latest(self._frame)
        self.kind: str | None = None
        self.frames = 0
        self._idle_buttons()

    def start(self, kind: str) -> None:
        try:
            job = self.console.live_job(kind, self.latest.put)
        except KioskError as exc:
            self.say(self.status, exc.message, "error")
            return
        self.kind, self.frames = kind, 0
        self.say(self.status, Message(f"ui.devices.live.running_{kind}"))
        self.reader.setEnabled(False)
        self.camera.setEnabled(False)
        self.stop.setEnabled(True)
        self.ui.background.run(job, self._ended, self._failed)

    def _frame(self, frame: LiveFrame) -> None:
        if self.kind is None:
            return
        self.frames += 1
        self.preview.show_frame(frame.image)
        tr = self.i18n
        if frame.kind == "fingerprint":
            self.bar.show()
            threshold = int(self.ui.desk.station.policy.fingers.min_nfiq2)
            self.bar.set_value(frame.estimate, threshold)
            if frame.estimate is None:
                self.measure.setText(tr("ui.devices.live.no_finger"))
            else:
                advice = "; ".join(tr.text(a) for a in frame.advice[:1])
                self.measure.setText(
                    tr("ui.devices.live.estimate", value=round(frame.estimate))
                    + (f" · {advice}" if advice else "")
                )
        else:
            self.bar.hide()  # a camera has no NFIQ 2: its measures are in the line below
            self.measure.setText(
                tr("ui.devices.live.camera_measure", focus=frame.sharpness, brightness=frame.brightness)
            )

    def _ended(self, summary: LiveSummary) -> None:
        self._reset()
        if summary.error is not None:
            self.say(self.status, summary.error, "error")
        else:
            self.say(self.status, Message("ui.devices.live.ended", {"frames": summary.frames}))

    def _failed(self, exc: BaseException) -> None:
        self._reset()
        message = (
            exc.message
            if isinstance(exc, KioskError)
            else Message("ui.unexpected", {"error": type(exc).__name__})
        )
        self.say(self.status, message, "error")

    def _reset(self) -> None:
        self.kind = None
        self.preview.clear()  # nothing of the live test stays on screen or in memory
        self.bar.set_value(None)
        self.bar.show()
        self.measure.setText("")
        self._idle_buttons()

    def _idle_buttons(self) -> None:
        self.reader.setEnabled(True)
        self.camera.setEnabled(True)
        self.stop.setEnabled(False)

    def clear(self) -> None:
        self.console.stop_live()
        self.kind = None
        self.preview.clear()


class TestsPanel(_Panel):
    def __init__(self, ui: Any, console: DeviceConsole, page: Any) -> None:
        super().__init__(ui, console, page, "ui.devices.selftest.title")
        self.report: DiagnosticsReport | None = None
        self.data: dict[str, Any] | None = None
        self.saved: list[Path] = []
        self.run = self.button("ui.devices.selftest.go", self.start, "primary")
        self.run.setEnabled(ui.desk.can(Permission.RUN_DIAGNOSTICS))
        self.column.addWidget(self.run)
        self.verdicts: list[str] = []  # one line per device, also in its heading row of the table
        self.checks = QTableWidget(0, 5, self)
        self.i18n.bind(self.checks, "accessible", Message("ui.devices.selftest.table"))
        self.checks.verticalHeader().hide()
        self.checks.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.checks.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((175, 95, 70, 80)):  # the advice takes what is left
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.checks.setMinimumHeight(150)
        self.checks.verticalHeader().setDefaultSectionSize(26)
        self.column.addWidget(self.checks, 1)
        folder_label = self.label(Message("ui.devices.report.folder"))
        self.folder = QLineEdit(self)
        self.i18n.bind(self.folder, "accessible", Message("ui.devices.report.folder"))
        self.folder.setText(str(Path(ui.desk.station.data_dir) / FOLDER))
        folder_label.setBuddy(self.folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(folder_label)
        folder_row.addWidget(self.folder, 1)
        self.column.addLayout(folder_row)
        buttons = QHBoxLayout()
        self.save = self.button("ui.devices.report.save", self.save_report)
        self.send = self.button("ui.devices.report.send", self.send_report)
        buttons.addWidget(self.save)
        buttons.addWidget(self.send)
        self.column.addLayout(buttons)
        self.status = self.label(Message("ui.empty"), "hint")
        self.column.addWidget(self.status)
        self.i18n.changed.connect(lambda _language: self._fill())
        self._fill()
        self._report_buttons()

    # -- self-tests -----------------------------------------------------------------------------------------
    def start(self) -> None:
        try:
            job = self.console.selftest_job()
        except KioskError as exc:
            self.say(self.status, exc.message, "error")
            return
        self.run.setEnabled(False)
        self.say(self.status, Message("ui.devices.selftest.running"))
        self.ui.background.run(job, self._tested, self._failed)

    def _tested(self, report: DiagnosticsReport) -> None:
        self.run.setEnabled(True)
        self.report, self.data, self.saved = report, None, []
        failing = [device_verdict(d) for d in report.devices if not d.passed]
        failing += [Message(e["code"], e.get("params", {})) for e in report.open_errors]
        if failing:  # the first failure in full, with what to do (the table's cells are short)
            self.say(self.status, failing[0], "error")
        else:
            self.say(self.status, Message("ui.report.passed"), "ok")
        self._fill()
        self._report_buttons()

    def _failed(self, exc: BaseException) -> None:
        self.run.setEnabled(True)
        message = (
            exc.message
            if isinstance(exc, KioskError)
            else Message("ui.unexpected", {"error": type(exc).__name__})
        )
        self.say(self.status, message, "error")

    def _fill(self) -> None:
        tr = self.i18n
        self.checks.setHorizontalHeaderLabels(
            [tr(f"ui.report.column.{c}") for c in ("check", "value", "limit", "status", "advice")]
        )
        report = self.report
        if report is None:
            return
        self.verdicts = [tr.text(device_verdict(d)) for d in report.devices]
        self.verdicts += [tr(e["code"], **e.get("params", {})) for e in report.open_errors]
        rows: list[tuple[Any, Any]] = []
        for device in report.devices:
            rows.append((device, None))  # a heading row with the device's name
            rows += [(device, check) for check in device.checks]
        self.checks.setRowCount(len(rows))
        for r, (device, check) in enumerate(rows):
            if check is None:
                kind = "reader" if str(device.info.kind) == "fingerprint" else "camera"
                status = "pass" if device.passed else "fail"
                verdict = "" if device.passed else tr.text(device_verdict(device))
                texts = (
                    tr(f"ui.devices.live.{kind}"),
                    device.info.serial,
                    "",
                    tr(f"devices.status.{status}"),
                )
                for c, text in enumerate((*texts, verdict)):
                    heading = QTableWidgetItem(text)
                    font = heading.font()
                    font.setBold(True)
                    heading.setFont(font)
                    if c == 4:
                        heading.setToolTip(text)
                    self.checks.setItem(r, c, heading)
                continue
            value = "" if check.value is None else f"{check.to_json()['value']} {check.unit}".strip()
            advice = tr.text(Message(check.advice, check.params)) if check.advice else ""
            cells = (
                tr(f"devices.check.{check.name}"),
                value,
                check.limit,
                tr(f"devices.status.{check.status}"),
                advice,
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.checks.setItem(r, c, item)

    # -- the report -----------------------------------------------------------------------------------------
    def _report_data(self) -> dict[str, Any]:
        assert self.report is not None
        if self.data is None:
            self.data = station_report(self.ui.desk.station, self.report, self.page.rows)
        return self.data

    def save_report(self) -> None:
        if self.report is None:
            return
        data = self._report_data()
        try:
            saved = export_json(data, Path(self.folder.text().strip()).expanduser())
            pdf = write_report_pdf(data, saved.with_suffix(".pdf"), self.i18n.language)
        except KioskError as exc:
            self.say(self.status, exc.message, "error")
            return
        except OSError as exc:
            self.say(
                self.status,
                Message(
                    "devices.cli.cannot_write",
                    {"path": self.folder.text(), "reason": exc.strerror or str(exc)},
                ),
                "error",
            )
            return
        self.saved = [saved, pdf]
        self.say(self.status, Message("ui.devices.report.saved", {"json": saved.name, "pdf": pdf.name}), "ok")

    def send_report(self) -> None:
        login = self.ui.desk.login
        if self.report is None or login is None:
            return
        try:
            job = upload_job(self.ui.desk.station, login, self._report_data())
        except KioskError as exc:
            self.say(self.status, exc.message, "error")
            return
        self.send.setEnabled(False)
        self.say(self.status, Message("ui.devices.report.sending"))
        self.ui.background.run(job, self._sent, self._not_sent)

    def _sent(self, stored: Any) -> None:
        self.send.setEnabled(True)
        self.sent_id = stored.report_id
        self.say(self.status, Message("ui.devices.report.sent", {"id": stored.report_id}), "ok")

    def _not_sent(self, exc: BaseException) -> None:
        self.send.setEnabled(True)
        message = (
            exc.message
            if isinstance(exc, KioskError)
            else Message("ui.unexpected", {"error": type(exc).__name__})
        )
        self.say(self.status, message, "error")

    def _report_buttons(self) -> None:
        ready = self.report is not None
        self.save.setEnabled(ready)
        self.send.setEnabled(ready)
