"""The outbox page: every packet with its state, age and code; retry, export and import; the freeze.

The page reads `kiosk.outbox.overview.for_station` and acts through `kiosk.outbox.handling.OutboxHands`,
both off the GUI thread: the core checks the role (`outbox_status` to look, `manage_outbox` to retry,
`outbox_export` to export and import) and audits every action. A freeze or a damaged outbox is a red
banner that says what stops and how to clear it. An export that fails (a full or read-only stick) says
so, and that nothing was lost.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.jobs import Job
from kiosk.messages import Message
from kiosk.outbox.handling import OutboxHands
from kiosk.outbox.overview import OutboxView, for_station
from kiosk.roles import Permission
from ui.consoles.day_page import failure_message, role_of
from ui.consoles.tables import age_text, html_table
from ui.qt import QComboBox, QFileDialog, QFrame, QHBoxLayout, QLabel, QLineEdit, QTextBrowser, QVBoxLayout
from ui.screens.base import Screen

STATE_TONES = {"delivered": "ok", "purged": "", "rejected": "bad", "sealed": "warn", "sending": "warn"}


class OutboxPage(Screen):
    name = "outbox"
    heading_code = "ui.sup.outbox.heading"

    def __init__(self, ui: Any) -> None:
        super().__init__(ui)
        self.view: OutboxView | None = None
        self._build_banner()
        top = QHBoxLayout()
        self.counts = self.label(Message("ui.empty"), "subheading")
        top.addWidget(self.counts, 1)
        self.refresh_button = self.button(Message("ui.sup.refresh"), slot=self.refresh)
        top.addWidget(self.refresh_button)
        self.layout_.addLayout(top)
        self.retention = self.label(Message("ui.empty"), "hint")
        self.layout_.addWidget(self.retention)
        self.packets = QTextBrowser(self)
        self.i18n.bind(self.packets, "accessible", Message("ui.sup.outbox.packets"))
        self.layout_.addWidget(self.packets, 1)
        self._build_actions()
        self.result = self.label(Message("ui.empty"), "hint")
        self.layout_.addWidget(self.result)
        self.i18n.changed.connect(lambda _language: self._render())

    def _build_banner(self) -> None:
        self.banner = QFrame(self)
        self.banner.setObjectName("banner")
        column = QVBoxLayout(self.banner)
        column.setContentsMargins(16, 10, 16, 10)
        self.banner_text = QLabel(self.banner)
        self.banner_text.setWordWrap(True)
        self.i18n.bind(self.banner_text, "text", Message("ui.empty"))
        column.addWidget(self.banner_text)
        self.banner.hide()
        self.layout_.addWidget(self.banner)

    def _build_actions(self) -> None:
        retry_row = QHBoxLayout()
        self.retry_choice = QComboBox(self)
        self.i18n.bind(self.retry_choice, "accessible", Message("ui.sup.outbox.retry_choice"))
        self.i18n.bind(self.retry_choice, "placeholder", Message("ui.sup.outbox.nothing_to_retry"))
        retry_row.addWidget(self.retry_choice, 1)
        self.retry_button = self.button(Message("ui.sup.outbox.retry"), slot=self.retry)
        retry_row.addWidget(self.retry_button)
        self.layout_.addLayout(retry_row)
        media_row = QHBoxLayout()
        self.folder = QLineEdit(self)
        self.i18n.bind(self.folder, "placeholder", Message("ui.sup.outbox.folder_hint"))
        self.i18n.bind(self.folder, "accessible", Message("ui.sup.outbox.folder"))
        media_row.addWidget(self.folder, 1)
        self.choose_button = self.button(Message("ui.sup.outbox.choose"), slot=self.choose)
        media_row.addWidget(self.choose_button)
        self.export_button = self.button(Message("ui.sup.outbox.export"), "primary", self.export)
        media_row.addWidget(self.export_button)
        self.import_button = self.button(Message("ui.sup.outbox.import"), slot=self.import_)
        media_row.addWidget(self.import_button)
        self.layout_.addLayout(media_row)

    def entered(self) -> None:
        self.refresh()

    def clear(self) -> None:
        super().clear()
        self.view = None
        self.folder.clear()
        self.say(self.result, None)
        self._render()

    # -- loading --------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        station, role = self.ui.desk.station, role_of(self.ui)
        job: Job[OutboxView, OutboxView] = Job("outbox_view", lambda: for_station(station, role), lambda v: v)
        self.ui.background.run(job, self._loaded, self._failed)

    def _loaded(self, view: OutboxView) -> None:
        self.view = view
        self._render()

    def _failed(self, exc: BaseException) -> None:
        self.view = None
        self.say(self.result, failure_message(exc), "error")
        self._render()

    def _hands(self) -> OutboxHands:
        station, login = self.ui.desk.station, self.ui.desk.login
        if login is None:
            from kiosk.errors import KioskError

            raise KioskError("operators.session_ended")
        return OutboxHands(station.outbox, station.audit, login.session, station.station_id, station.keys)

    # -- acting ---------------------------------------------------------------------------------------------
    def _act(self, name: str, work: Any, done: Message | Any) -> None:
        self.say(self.result, Message("ui.sup.working"), "hint")
        self._enable(False)

        def finished(value: Any) -> None:
            self.say(self.result, done(value) if callable(done) else done, "ok")
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.say(self.result, failure_message(exc), "error")
            self.refresh()

        self.ui.background.run(Job(name, work, lambda v: v), finished, failed)

    def retry(self) -> None:
        packet_id = self.retry_choice.currentData()
        if packet_id:
            hands = self._hands()
            self._act(
                "outbox_retry",
                lambda: hands.retry(packet_id),
                Message("ui.sup.outbox.retried", {"packet": packet_id}),
            )

    def choose(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.i18n("ui.sup.outbox.choose"))
        if chosen:
            self.folder.setText(chosen)

    def _folder(self) -> Path | None:
        text = self.folder.text().strip()
        if not text:
            self.say(self.result, Message("ui.sup.outbox.folder_needed"), "error")
            return None
        return Path(text)

    def export(self) -> None:
        folder = self._folder()
        if folder is not None:
            hands = self._hands()
            self._act(
                "outbox_export",
                lambda: hands.export(folder),
                lambda doc: Message(
                    "ui.sup.outbox.exported", {"count": len(doc["packets"]), "path": str(folder)}
                ),
            )

    def import_(self) -> None:
        folder = self._folder()
        if folder is not None:
            hands = self._hands()
            self._act(
                "outbox_import",
                lambda: hands.import_from(folder),
                lambda r: Message(
                    "ui.sup.outbox.imported",
                    {"count": r["imported"], "already": r["already_here"], "station": r["station_id"]},
                ),
            )

    def _enable(self, on: bool) -> None:
        may = on and self.ui.desk.can(Permission.OUTBOX_EXPORT)
        for button in (self.export_button, self.import_button, self.choose_button):
            button.setEnabled(may)
        self.folder.setEnabled(may)
        retryable = bool(self.view and any(r.retryable for r in self.view.rows))
        may_retry = on and retryable and self.ui.desk.can(Permission.MANAGE_OUTBOX)
        self.retry_button.setEnabled(may_retry)
        self.retry_choice.setEnabled(may_retry)

    # -- showing --------------------------------------------------------------------------------------------
    def _render(self) -> None:
        view = self.view
        self._enable(True)
        if view is None:
            self.banner.hide()
            self.i18n.bind(self.counts, "text", Message("ui.empty"))
            self.packets.setHtml("")
            return
        problems = view.problems()
        self.banner.setVisible(bool(problems))
        self.i18n.bind(
            self.banner_text,
            "text",
            lambda: Message("ui.sup.lines", {"text": "\n".join(self.i18n.text(p) for p in problems)}),
        )
        oldest = age_text(view.oldest_pending_age_s) if view.oldest_pending_age_s is not None else "—"
        self.i18n.bind(
            self.counts, "text", Message("ui.sup.outbox.counts", {**view.counts, "oldest": oldest})
        )
        days = round(view.rejected_retention_s / 86400, 1)
        self.i18n.bind(self.retention, "text", Message("ui.sup.outbox.retention", {"days": f"{days:g}"}))
        headers = [
            self.i18n(f"ui.sup.col.{c}") for c in ("state", "packet", "age", "attempts", "code", "folio")
        ]
        rows = [
            [
                self.i18n(f"ui.sup.state.{r.state}")
                + (" · " + self.i18n("ui.sup.outbox.exported_mark") if r.exported else ""),
                r.packet_id,
                age_text(r.age_s),
                r.attempts,
                r.code or "—",
                r.folio or "—",
            ]
            for r in view.rows
        ]
        tones = [STATE_TONES.get(r.state, "") for r in view.rows]
        self.packets.setHtml(
            html_table(headers, rows, self.i18n("ui.sup.outbox.empty"), tones, nowrap=(1, 2, 5))
        )
        current = self.retry_choice.currentData()
        self.retry_choice.clear()
        for r in view.rows:
            if r.retryable:
                self.retry_choice.addItem(f"{r.packet_id} · {r.code}", r.packet_id)
        if self.retry_choice.count():  # the one asked about before, else the newest
            self.retry_choice.setCurrentIndex(max(0, self.retry_choice.findData(current)))
        self._enable(True)
