"""The bar on every screen: who works, on which station, is the backend there, how much waits, are the
devices ready, which policy is in force; and the red freeze banner when no new person may be served.

It reads `Desk.status()` (the core's facts) every couple of seconds and whenever the desk says something
changed; it decides nothing.
"""

from __future__ import annotations

from typing import Any

from kiosk.messages import Message
from kiosk.station.consoles import offers_console
from ui.i18n import Translator
from ui.qt import QFrame, QHBoxLayout, QLabel, QPushButton, QTimer, QVBoxLayout, QWidget


class StationBar(QWidget):
    def __init__(self, tr: Translator, status: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.i18n = tr
        self._status = status  # callable giving the desk's status dict
        self.facts: dict[str, Any] = {}
        self.on_delivered_later: Any = None  # called with how many waiting packets went out since
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        bar = QFrame(self)
        bar.setObjectName("stationbar")
        lines = QVBoxLayout()
        lines.setSpacing(2)
        first, second = QHBoxLayout(), QHBoxLayout()
        for line in (first, second):
            line.setSpacing(22)
            lines.addLayout(line)
        row = QHBoxLayout(bar)
        row.setContentsMargins(16, 4, 12, 4)
        row.addLayout(lines, 1)
        self.operator = self._fact(first, "ui.bar.operator")
        self.station = self._fact(first, "ui.bar.station")
        self.backend = self._fact(second, "ui.bar.backend")
        self.outbox = self._fact(second, "ui.bar.outbox")
        self.devices = self._fact(second, "ui.bar.devices")
        self.policy = self._fact(second, "ui.bar.policy")
        first.addStretch(1)
        second.addStretch(1)
        self.language = QPushButton(bar)
        self.i18n.control(self.language, Message("ui.bar.switch_language"))
        row.addWidget(self.language)
        self.console = QPushButton(bar)  # a supervisor opens the console from here
        self.i18n.control(self.console, Message("ui.bar.console"))
        row.addWidget(self.console)
        self.console.hide()
        self.logout = QPushButton(bar)
        self.i18n.control(self.logout, Message("ui.bar.logout"))
        row.addWidget(self.logout)
        outer.addWidget(bar)
        self.banner = QFrame(self)
        self.banner.setObjectName("banner")
        banner_row = QHBoxLayout(self.banner)
        banner_row.setContentsMargins(16, 8, 16, 8)
        self.frozen = QLabel(self.banner)
        self.frozen.setWordWrap(True)
        self.i18n.data(self.frozen)  # the core's message, rendered in `refresh`
        banner_row.addWidget(self.frozen)
        outer.addWidget(self.banner)
        self.banner.hide()
        self.timer = QTimer(self)
        self.timer.setInterval(2000)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        tr.changed.connect(lambda _language: self.refresh())
        self.refresh()

    def _fact(self, row: QHBoxLayout, code: str) -> QLabel:
        label = QLabel(self)
        label.setProperty("code", code)
        self.i18n.data(label)
        row.addWidget(label)
        return label

    def refresh(self) -> None:
        try:
            facts = self._status()
        except Exception:  # a status that cannot be read must not take the window down
            return
        before = self.facts.get("pending")
        self.facts = facts
        if before is not None and facts["pending"] < before and self.on_delivered_later is not None:
            self.on_delivered_later(before - facts["pending"])
        tr = self.i18n
        operator = facts.get("operator")
        self.console.setVisible(operator is not None and offers_console(operator["role"]))
        if operator is None:
            who = tr("ui.bar.nobody")
        else:
            role = tr(f"ui.role.{operator['role']}")
            who = f"{operator['name']} · {role}" + (
                f" · {tr('ui.bar.offline_login')}" if operator["offline"] else ""
            )
        self.operator.setText(who)
        self.operator.setAccessibleName(tr("ui.bar.operator") + ": " + who)
        self.station.setText(tr("ui.bar.station_value", name=facts["name"], id=facts["station_id"]))
        self.backend.setText(tr("ui.bar.online" if facts["online"] else "ui.bar.offline"))
        self.backend.setProperty("tone", "ok" if facts["online"] else "bad")
        self.outbox.setText(tr("ui.bar.outbox_value", pending=facts["pending"], rejected=facts["rejected"]))
        devices_ok = facts["reader_ready"] and facts["camera_ready"]
        self.devices.setText(
            tr(
                "ui.bar.devices_value",
                reader=tr("ui.bar.ready" if facts["reader_ready"] else "ui.bar.not_ready"),
                camera=tr("ui.bar.ready" if facts["camera_ready"] else "ui.bar.not_ready"),
            )
        )
        self.devices.setProperty("tone", "ok" if devices_ok else "bad")
        self.policy.setText(tr("ui.bar.policy_value", version=facts["policy_version"]))
        frozen = facts.get("frozen_message")
        if frozen is not None:
            self.frozen.setText(tr("ui.bar.frozen", why=frozen))
            self.banner.show()
        else:
            self.banner.hide()
