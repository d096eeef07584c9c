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
    QGridLayout,
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
            button.setMinimumWidth(0)
            buttons.addWidget(button)
        self.column.addLayout(buttons)
        self.preview = FramePreview(self, minimum=(260, 220))
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
            self.bar.set_value(None)
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
        self.verdicts = self.label()
        self.column.addWidget(self.verdicts)
        self.checks = QTableWidget(0, 5, self)
        self.i18n.bind(self.checks, "accessible", Message("ui.devices.selftest.table"))
        self.checks.verticalHeader().hide()
        self.checks.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.checks.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.checks.horizontalHeader().setStretchLastSection(True)
        self.column.addWidget(self.checks, 1)
        grid = QGridLayout()
        folder_label = self.label(Message("ui.devices.report.folder"))
        self.folder = QLineEdit(self)
        self.i18n.bind(self.folder, "accessible", Message("ui.devices.report.folder"))
        self.folder.setText(str(Path(ui.desk.station.data_dir) / FOLDER))
        folder_label.setBuddy(self.folder)
        grid.addWidget(folder_label, 0, 0)
        grid.addWidget(self.folder, 0, 1, 1, 2)
        self.save = self.button("ui.devices.report.save", self.save_report)
        self.send = self.button("ui.devices.report.send", self.send_report)
        grid.addWidget(self.save, 1, 1)
        grid.addWidget(self.send, 1, 2)
        self.column.addLayout(grid)
        self.status = self.label(Message("ui.empty"), "hint")
        self.column.addWidget(self.status)
        self.i18n.changed.connect(lambda _language: self._fill())
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
        self.say(
            self.status,
            Message("ui.report.passed" if report.passed else "ui.report.failed"),
            "ok" if report.passed else "error",
        )
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
        lines = [tr.text(device_verdict(d)) for d in report.devices]
        lines += [tr(e["code"], **e.get("params", {})) for e in report.open_errors]
        self.verdicts.setText("\n".join(lines))
        rows = [(d, c) for d in report.devices for c in d.checks]
        self.checks.setRowCount(len(rows))
        for r, (device, check) in enumerate(rows):
            value = "" if check.value is None else f"{check.to_json()['value']} {check.unit}".strip()
            advice = tr.text(Message(check.advice, check.params)) if check.advice else ""
            cells = (
                f"{device.info.display_name}: {tr(f'devices.check.{check.name}')}",
                value,
                check.limit,
                tr(f"devices.status.{check.status}"),
                advice,
            )
            for c, text in enumerate(cells):
                self.checks.setItem(r, c, QTableWidgetItem(text))

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
