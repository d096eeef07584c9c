"""One finger in the review: its kept print, its state and NFIQ 2, who confirmed what, and "retake".

Colours carry the state (green accepted, amber below the threshold, red exception), as everywhere in
the station. The print is a small pixmap held only while the review shows; `clear()` drops it.
"""

from __future__ import annotations

from typing import Any

from devices.positions import Finger
from kiosk.enrol.fingers import FingerSlot
from kiosk.messages import Message
from ui.context import UiContext
from ui.qt import QFrame, QLabel, QPushButton, QSize, Qt, QVBoxLayout
from ui.style import STATE_COLOURS, restyle
from ui.widgets.thumbnails import grey_pixmap

THUMB = QSize(104, 120)


class FingerTile(QFrame):
    def __init__(self, ui: UiContext, finger: Finger, parent: Any = None) -> None:
        super().__init__(parent)
        self.i18n = ui.tr
        self.finger = finger
        self.setObjectName("card")
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 6, 8, 6)
        column.setSpacing(2)
        self.title = QLabel(self)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        restyle(self.title, "font-weight: 600; font-size: 14px; border: none;")
        self.i18n.bind(self.title, "text", Message(f"ui.review.short.{finger.name.lower()}"))
        column.addWidget(self.title)
        self.picture = QLabel(self)
        self.picture.setFixedSize(THUMB)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.i18n.data(self.picture)
        column.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        self.state = QLabel(self)
        self.state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state.setWordWrap(True)
        column.addWidget(self.state)
        self.who = QLabel(self)
        self.who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who.setWordWrap(True)
        restyle(self.who, "font-size: 14px; border: none;")
        column.addWidget(self.who)
        self.retake = QPushButton(self)
        restyle(self.retake, "min-width: 80px; min-height: 44px; padding: 2px 8px; font-size: 15px;")
        finger_name = Message(f"finger.{finger.name.lower()}")
        self.i18n.bind(self.retake, "text", Message("ui.review.retake"))
        self.i18n.bind(self.retake, "accessible", Message("ui.review.retake_named", {"finger": finger_name}))
        column.addWidget(self.retake)
        self.clear()

    def show_slot(self, slot: FingerSlot) -> None:
        state = slot.state
        colour = STATE_COLOURS.get(state, STATE_COLOURS["pending"])
        restyle(self, f"QFrame#card {{ border: 3px solid {colour}; }}")
        restyle(self.state, f"color: {colour}; font-weight: 600; font-size: 15px; border: none;")
        if slot.exception is not None:
            self.picture.clear()
            self.picture.setText(slot.exception.code)
            restyle(self.picture, f"font-size: 40px; font-weight: 700; color: {colour};")
            reason = Message(f"ui.review.reason.{slot.exception.reason}")
            self.i18n.bind(
                self.state,
                "text",
                Message("ui.review.exception", {"code": slot.exception.code, "reason": reason}),
            )
            self._who(slot.exception.supervisor_id)
            return
        restyle(self.picture, "background: #222; border-radius: 4px;")
        if slot.best is not None:
            self.picture.setPixmap(grey_pixmap(slot.best.image, THUMB))
        score = slot.best.nfiq2 if slot.best is not None else "-"
        self.i18n.bind(
            self.state,
            "text",
            Message(
                "ui.review.state_score",
                {"state": Message(f"ui.review.state.{state}"), "score": score},
            ),
        )
        self._who(slot.confirmed_by if slot.accepted_below_threshold else None)

    def _who(self, who: str | None) -> None:
        self.i18n.bind(
            self.who, "text", Message("ui.review.confirmed_by", {"who": who}) if who else Message("ui.empty")
        )

    def clear(self) -> None:
        """Drops the print and the words; the colours stay (`show_slot` sets them again, and setting a
        style sheet costs a re-polish)."""
        self.picture.clear()
        self.i18n.bind(self.state, "text", Message("ui.empty"))
        self._who(None)
