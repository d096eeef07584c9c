"""The supervisor's day at this station: the figures, NFIQ 2 as pictures, the decisions and who took them.

Everything shown comes from `kiosk.station.day_summary.for_station`, computed off the GUI thread; the
core checks the role (a technician is refused there, and this page then says so instead of showing
anything). No person appears: finger positions, reasons, operator ids, packet ids and codes.
"""

from __future__ import annotations

from typing import Any

from kiosk.errors import KioskError
from kiosk.jobs import Job
from kiosk.messages import Message
from kiosk.policy import FINGER_ORDER
from kiosk.station.day_summary import DaySummary, Decision, for_station
from ui import style
from ui.consoles.nfiq_chart import NfiqChart
from ui.consoles.tables import html_table, local_time
from ui.qt import QFrame, QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout
from ui.screens.base import Screen

TILES = ("started", "sealed", "delivered", "unsealed", "reenrolments", "rejected", "confirmations", "failed")
KIND_TONES = {
    "exception": "bad",
    "below_threshold": "warn",
    "face_below_threshold": "warn",
    "reenrolment": "",
}


def role_of(ui: Any) -> str:
    login = ui.desk.login
    return str(login.role) if login is not None else ""


def failure_message(exc: BaseException) -> Message:
    if isinstance(exc, KioskError):
        return exc.message
    return Message("ui.unexpected", {"error": type(exc).__name__})


class DaySummaryPage(Screen):
    name = "supervisor_day"
    heading_code = "ui.sup.day.heading"

    def __init__(self, ui: Any) -> None:
        super().__init__(ui)
        self.summary: DaySummary | None = None
        top = QHBoxLayout()
        self.day = self.label(data=True)
        self.day.setObjectName("subheading")
        top.addWidget(self.day, 1)
        self.refresh_button = self.button(Message("ui.sup.refresh"), slot=self.refresh)
        top.addWidget(self.refresh_button)
        self.layout_.addLayout(top)
        self.status = self.label(Message("ui.empty"), "hint")
        self.layout_.addWidget(self.status)
        self.tiles: dict[str, QLabel] = {}
        tiles = QHBoxLayout()
        for key in TILES:
            tiles.addWidget(self._tile(key), 1)
        self.layout_.addLayout(tiles)
        self.outbox_line = self.label(Message("ui.empty"), "hint")
        self.layout_.addWidget(self.outbox_line)
        charts = QHBoxLayout()
        self.by_finger = NfiqChart(self.i18n, "ui.sup.chart_by_finger", self._finger_label, self)
        self.by_device = NfiqChart(self.i18n, "ui.sup.chart_by_device", str, self)
        charts.addWidget(self.by_finger, 3)
        charts.addWidget(self.by_device, 1)
        self.layout_.addLayout(charts, 3)
        self.decisions_heading = self.label(Message("ui.sup.day.decisions"), "subheading")
        self.layout_.addWidget(self.decisions_heading)
        self.decisions = QTextBrowser(self)
        self.decisions.setAccessibleName(self.i18n("ui.sup.day.decisions"))
        self.layout_.addWidget(self.decisions, 2)
        self.i18n.changed.connect(lambda _language: self._render())

    def _tile(self, key: str) -> QFrame:
        """One figure of the day: a big number over its caption."""
        card = QFrame(self)
        card.setObjectName("card")
        column = QVBoxLayout(card)
        column.setContentsMargins(12, 6, 12, 6)
        column.setSpacing(0)
        number = QLabel(card)
        number.setStyleSheet(f"font-size: 28px; font-weight: 700; color: {style.ACCENT_DARK};")
        self.i18n.data(number)
        caption = QLabel(card)
        caption.setStyleSheet(f"font-size: 13px; color: {style.MUTED};")
        caption.setWordWrap(True)
        self.i18n.bind(caption, "text", Message(f"ui.sup.tile.{key}"))
        column.addWidget(number)
        column.addWidget(caption)
        self.tiles[key] = number
        return card

    def figures(self) -> dict[str, int]:
        """What the tiles show (for tests and the autopilot's summary)."""
        return {key: int(label.text() or 0) for key, label in self.tiles.items()}

    def _finger_label(self, slug: str) -> str:
        return self.i18n(f"ui.sup.finger.{slug.replace('-', '_')}")

    def entered(self) -> None:
        self.refresh()

    def clear(self) -> None:
        super().clear()
        self.summary = None
        self._render()

    # -- loading --------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        station, role = self.ui.desk.station, role_of(self.ui)
        self.say(self.status, Message("ui.sup.loading"), "hint")
        self.status.show()
        self.refresh_button.setEnabled(False)
        job: Job[DaySummary, DaySummary] = Job("day_summary", lambda: for_station(station, role), lambda s: s)
        self.ui.background.run(job, self._loaded, self._failed)

    def _loaded(self, summary: DaySummary) -> None:
        self.summary = summary
        self.refresh_button.setEnabled(True)
        self.say(self.status, None)
        self.status.hide()
        self._render()

    def _failed(self, exc: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.summary = None
        self.say(self.status, failure_message(exc), "error")
        self.status.show()
        self._render()

    # -- showing --------------------------------------------------------------------------------------------
    def _render(self) -> None:
        s = self.summary
        if s is None:
            self.day.setText("")
            for label in self.tiles.values():
                label.setText("")
            self.i18n.bind(self.outbox_line, "text", Message("ui.empty"))
            self.by_finger.show_scores({})
            self.by_device.show_scores({})
            self.decisions.setHtml("")
            return
        self.day.setText(s.day.isoformat())
        figures = {
            "started": s.started,
            "sealed": s.sealed,
            "delivered": s.delivered,
            "unsealed": s.unsealed,
            "reenrolments": s.reenrolments,
            "rejected": len(s.rejections),
            "confirmations": s.confirmations,
            "failed": s.failed_confirmations,
        }
        for key, label in self.tiles.items():
            label.setText(str(figures[key]))
        self._outbox()
        self.by_finger.show_scores(s.by_finger, FINGER_ORDER, s.threshold)
        self.by_device.show_scores(s.by_device, (), s.threshold)
        self.decisions.setHtml(self._decisions_html(s) + self._rejections_html(s))

    def _outbox(self) -> None:
        view = self.summary.outbox if self.summary else None
        if view is None:
            return
        problems = view.problems()
        if problems:
            self.say(self.outbox_line, problems[0], "error")
            return
        counts = view.counts
        self.say(
            self.outbox_line,
            Message(
                "ui.sup.day.outbox_ok",
                {"waiting": counts["sealed"] + counts["sending"], "rejected": counts["rejected"]},
            ),
            "ok",
        )

    def _decision_row(self, d: Decision) -> list[str]:
        reason = ""
        if d.kind == "exception" and d.reason:
            reason = f"{d.code} · {self.i18n(f'ui.exception.reason.{d.reason}')}"
        elif d.kind == "reenrolment" and d.reason:
            reason = self.i18n(f"enrol.reenrol_reason.{d.reason}")
        elif d.score is not None:
            reason = self.i18n("ui.sup.day.score", score=f"{d.score:g}") + (
                f" · {d.reason}" if d.reason else ""
            )
        return [
            local_time(d.ts),
            self.i18n(f"ui.sup.kind.{d.kind}"),
            self._finger_label(d.finger) if d.finger else "—",
            reason,
            d.operator,
            d.confirmed_by + (" ★" if d.by_supervisor else ""),
        ]

    def _decisions_html(self, s: DaySummary) -> str:
        headers = [
            self.i18n(f"ui.sup.col.{c}")
            for c in ("time", "decision", "finger", "reason", "operator", "confirmed_by")
        ]
        rows = [self._decision_row(d) for d in s.decisions]
        tones = [KIND_TONES.get(d.kind, "") for d in s.decisions]
        return html_table(headers, rows, self.i18n("ui.sup.day.no_decisions"), tones)

    def _rejections_html(self, s: DaySummary) -> str:
        if not s.rejections:
            return ""
        headers = [self.i18n(f"ui.sup.col.{c}") for c in ("time", "packet", "code")]
        rows = [[local_time(r.ts), r.packet_id, r.code] for r in s.rejections]
        title = self.i18n("ui.sup.day.rejections")
        return f"<h3>{title}</h3>" + html_table(headers, rows, "", ["bad"] * len(rows))
