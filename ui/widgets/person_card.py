"""Who is being served, at the top of the person's screens: name, CURP and NSS as the backend gave them.

The clerk glances at it before signing for a document or a consent, so the wrong person is caught
before anything is recorded. It holds the person's data only while shown; `clear()` empties it.
"""

from __future__ import annotations

from typing import Any

from kiosk.messages import Message
from ui.context import UiContext
from ui.qt import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout


class PersonCard(QFrame):
    def __init__(self, ui: UiContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.i18n = ui.tr
        self.setObjectName("card")
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 10, 20, 10)
        column = QVBoxLayout()
        column.setSpacing(2)
        self.name = QLabel(self)
        self.name.setStyleSheet("font-size: 21px; font-weight: 600;")
        self.i18n.data(self.name)
        self.ids = QLabel(self)
        self.i18n.data(self.ids)
        column.addWidget(self.name)
        column.addWidget(self.ids)
        row.addLayout(column, 1)
        self.flag = QLabel(self)
        self.flag.setObjectName("flag")
        self.flag.setProperty("tone", "warn")
        self.flag.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        self.i18n.bind(self.flag, "text", Message("ui.empty"))
        row.addWidget(self.flag)
        self.clear()

    def show_person(self, person: Any, flag: Message | None = None) -> None:
        self.name.setText(person.name or "")
        ids = [f"CURP {person.curp}"] if person.curp else []
        if person.nss:
            ids.append(f"NSS {person.nss}")
        self.ids.setText("   ·   ".join(ids))
        self.i18n.bind(self.flag, "text", flag or Message("ui.empty"))
        self.flag.setVisible(flag is not None)

    def clear(self) -> None:
        self.name.clear()
        self.ids.clear()
        self.i18n.bind(self.flag, "text", Message("ui.empty"))
        self.flag.hide()
