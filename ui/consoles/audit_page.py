"""The audit page: the chain verified each time the page opens, then the entries, filtered and masked.

The verdict comes first and in colour: intact (green) or tampered (red), with every finding and where
it is (file, line, seq). A supervisor then reads the entries, filtered by day, actor and event; a
technician sees the verdict only (`kiosk.audit.browse` decides, from the roles table). Verification
reads the whole log and checks signatures, so it runs off the GUI thread.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.audit.browse import AuditBrowser, Filter, open_browser
from kiosk.audit.station import verifier_for
from kiosk.jobs import Job
from kiosk.messages import Message
from ui.consoles.day_page import failure_message, role_of
from ui.consoles.tables import html_table, local_time
from ui.qt import QComboBox, QHBoxLayout, QTextBrowser
from ui.screens.base import Screen

SHOWN_FIELDS = 6  # fields of an entry shown in its row (the rest are summarised as "…")


def local_tz() -> dt.tzinfo:
    return dt.datetime.now().astimezone().tzinfo or dt.UTC


class AuditPage(Screen):
    name = "audit"
    heading_code = "ui.sup.audit.heading"

    def __init__(self, ui: Any) -> None:
        super().__init__(ui)
        self.browser: AuditBrowser | None = None
        top = QHBoxLayout()
        self.verdict = self.label(Message("ui.empty"), "hint")
        top.addWidget(self.verdict, 1)
        self.refresh_button = self.button(Message("ui.sup.audit.verify_again"), slot=self.refresh)
        top.addWidget(self.refresh_button)
        self.layout_.addLayout(top)
        self.findings = self.label(Message("ui.empty"), "error")
        self.layout_.addWidget(self.findings)
        filters = QHBoxLayout()
        self._captions: list[Any] = []
        self.day_filter = self._combo("ui.sup.audit.filter_day", filters)
        self.actor_filter = self._combo("ui.sup.audit.filter_actor", filters)
        self.event_filter = self._combo("ui.sup.audit.filter_event", filters)
        self.layout_.addLayout(filters)
        self.hidden_note = self.label(Message("ui.sup.audit.entries_hidden"), "hint")
        self.layout_.addWidget(self.hidden_note)
        self.entries = QTextBrowser(self)
        self.i18n.bind(self.entries, "accessible", Message("ui.sup.audit.entries"))
        self.layout_.addWidget(self.entries, 1)
        self.i18n.changed.connect(lambda _language: self._render(refill=True))

    def _combo(self, code: str, row: QHBoxLayout) -> QComboBox:
        combo = QComboBox(self)
        self.i18n.bind(combo, "accessible", Message(code))
        self.i18n.bind(combo, "tooltip", Message(code))
        combo.currentIndexChanged.connect(lambda _i: self._render_entries())
        caption = self.label(Message(code), "hint")
        caption.setWordWrap(False)
        row.addWidget(caption)
        row.addWidget(combo, 1)
        self._captions.append(caption)
        return combo

    def entered(self) -> None:
        self.refresh()

    def clear(self) -> None:
        super().clear()
        self.browser = None
        self._render(refill=True)

    # -- verifying ------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        station, role, tz = self.ui.desk.station, role_of(self.ui), local_tz()
        verify = verifier_for(station.keys.public)
        self.say(self.verdict, Message("ui.sup.audit.verifying"), "hint")
        self.refresh_button.setEnabled(False)

        def work() -> AuditBrowser:
            return open_browser(station.audit.directory, role, verify, tz)

        self.ui.background.run(Job("audit_verify", work, lambda b: b), self._loaded, self._failed)

    def _loaded(self, browser: AuditBrowser) -> None:
        self.browser = browser
        self.refresh_button.setEnabled(True)
        self._render(refill=True)

    def _failed(self, exc: BaseException) -> None:
        self.browser = None
        self.refresh_button.setEnabled(True)
        self.say(self.verdict, failure_message(exc), "error")
        self._render(refill=True)

    # -- showing --------------------------------------------------------------------------------------------
    def _render(self, refill: bool = False) -> None:
        b = self.browser
        self.hidden_note.setVisible(b is not None and not b.may_read)
        for widget in (self.day_filter, self.actor_filter, self.event_filter, *self._captions):
            widget.setVisible(b is not None and b.may_read)
        if b is None:
            self.say(self.findings, None, "error")
            self.findings.hide()
            self.entries.setHtml("")
            return
        r = b.report
        params = {
            "entries": r.entries,
            "last_seq": r.last_seq,
            "checkpoints": r.checkpoints,
            "last_checkpoint_seq": r.last_checkpoint_seq,
            "unprotected": r.unprotected,
            "issues": len(r.issues),
            "directory": r.directory,
        }
        self.say(
            self.verdict,
            Message("audit.verify.ok" if r.ok else "audit.verify.broken", params),
            "ok" if r.ok else "error",
        )
        issues = list(r.issues)
        self.findings.setVisible(bool(issues))
        self.say(
            self.findings,
            Message("ui.sup.lines", {"text": "\n".join(self.i18n.text(i.message()) for i in issues)})
            if issues
            else None,
            "error",
        )
        if refill:
            self._refill(b)
        self._render_entries()

    def _refill(self, b: AuditBrowser) -> None:
        """The filters' choices from the entries: every day, actor and event found (and "all")."""
        choices = (
            (self.day_filter, [(d.isoformat(), d) for d in b.days()], "ui.sup.audit.all_days"),
            (self.actor_filter, [(a, a) for a in b.actors()], "ui.sup.audit.all_actors"),
            (self.event_filter, [(e, e) for e in b.event_names()], "ui.sup.audit.all_events"),
        )
        for combo, items, everything in choices:
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.i18n(everything), None)
            for text, value in items:
                combo.addItem(text, value)
            index = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    def select(self, day: dt.date | None = None, actor: str | None = None, event: str | None = None) -> None:
        """Pick the filters (what a person does with the three lists)."""
        for combo, value in ((self.day_filter, day), (self.actor_filter, actor), (self.event_filter, event)):
            combo.setCurrentIndex(max(combo.findData(value), 0) if value is not None else 0)

    def shown(self) -> Filter:
        return Filter(
            self.day_filter.currentData(), self.actor_filter.currentData(), self.event_filter.currentData()
        )

    def _render_entries(self) -> None:
        b = self.browser
        if b is None or not b.may_read:
            self.entries.setHtml("")
            return
        picked = b.select(self.shown())
        headers = [self.i18n(f"ui.sup.col.{c}") for c in ("seq", "time", "actor", "role", "event", "details")]
        rows = [
            [
                e.seq,
                local_time(e.ts, with_date=True),
                e.actor or "—",
                e.role or "—",
                e.event,
                _details(e.fields),
            ]
            for e in picked
        ]
        flagged = {i.seq for i in b.report.issues if i.seq is not None}  # the findings' rows in red
        tones = ["bad" if e.seq in flagged else "" for e in picked]
        empty = self.i18n("ui.sup.audit.no_entries")
        self.entries.setHtml(html_table(headers, rows, empty, tones, (0, 1, 2)))


def _details(fields: dict[str, Any]) -> str:
    items = [(k, v) for k, v in fields.items() if k != "session"]
    shown = ", ".join(f"{k}={v}" for k, v in items[:SHOWN_FIELDS])
    return shown + (" …" if len(items) > SHOWN_FIELDS else "")
