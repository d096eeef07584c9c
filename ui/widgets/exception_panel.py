"""Recording a finger that cannot be captured: which finger, the ANSI/NIST-ITL code with its reason, a note.

The choices are the core's table (`kiosk.enrol.fingers.EXCEPTION_REASONS`: XX missing, UP unable to
print, and the reasons each admits), shown as big radio buttons grouped by code; the panel only collects
them. Whether the choice is valid (a note for "other"), who must confirm it and what is recorded are the
flow's: the screen hands the choice to the flow through the confirmation panel. Temporary reasons
(bandaged, injured: `TEMPORARY_REASONS`) say at once that the person will have to come back.
"""

from __future__ import annotations

from typing import Any

from devices.positions import Finger
from kiosk.enrol.fingers import EXCEPTION_REASONS, MAX_NOTE, TEMPORARY_REASONS, FingerException
from kiosk.errors import KioskError
from kiosk.messages import Message
from ui.context import UiContext
from ui.qt import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

PER_ROW = 3


class ExceptionPanel(QFrame):
    chosen = Signal(object, str, str, object)  # finger, code, reason, note (None when empty)
    cancelled = Signal()

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.i18n = ui.tr
        self.setObjectName("card")
        column = QVBoxLayout(self)
        column.setContentsMargins(20, 12, 20, 12)
        column.setSpacing(6)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.addWidget(self._label(Message("ui.exception.finger")), 0, 0)
        self.finger = QComboBox(self)
        self.i18n.bind(self.finger, "accessible", Message("ui.exception.finger"))
        grid.addWidget(self.finger, 0, 1, 1, PER_ROW)
        self.reasons = QButtonGroup(self)
        self.reasons.setExclusive(True)
        self.radios: dict[str, QRadioButton] = {}
        row = 1
        for code, reasons in EXCEPTION_REASONS.items():
            kind = self._label(Message(f"ui.exception.code.{code}"), "hint")
            kind.setMaximumWidth(180)
            grid.addWidget(kind, row, 0, (len(reasons) + PER_ROW - 1) // PER_ROW, 1)
            for index, reason in enumerate(reasons):
                radio = QRadioButton(self)
                self.i18n.control(radio, Message(f"ui.exception.reason.{reason}"))
                radio.setProperty("code", code)
                radio.setProperty("reason", reason)
                self.reasons.addButton(radio)
                self.radios[reason] = radio
                grid.addWidget(radio, row + index // PER_ROW, 1 + index % PER_ROW)
            row += (len(reasons) + PER_ROW - 1) // PER_ROW
        column.addLayout(grid)
        self.reasons.buttonToggled.connect(lambda _b, _on: self._reason_changed())
        self.note = QLineEdit(self)
        self.note.setMaxLength(MAX_NOTE)
        self.i18n.bind(self.note, "accessible", Message("ui.exception.note"))
        self.i18n.bind(self.note, "placeholder", Message("ui.exception.note"))
        self.note.returnPressed.connect(self.go_on)
        column.addWidget(self.note)
        buttons = QHBoxLayout()
        self.hint = self._label(Message("ui.empty"), "warning")
        buttons.addWidget(self.hint, 1)
        self.cancel = self._button(Message("ui.exception.cancel"), "", self._cancel)
        self.proceed = self._button(Message("ui.exception.go_on"), "primary", self.go_on)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.proceed)
        column.addLayout(buttons)
        self.hide()

    def _label(self, message: Message, role: str = "") -> QLabel:
        label = QLabel(self)
        label.setWordWrap(True)
        if role:
            label.setObjectName(role)
        self.i18n.bind(label, "text", message)
        return label

    def _button(self, message: Message, role: str, slot: Any) -> QPushButton:
        button = QPushButton(self)
        if role:
            button.setObjectName(role)
        self.i18n.control(button, message)
        button.clicked.connect(slot)
        return button

    # -- what the screen calls ------------------------------------------------------------------------------
    def open_for(self, fingers: list[Finger], finger: Finger) -> None:
        """Ask about `finger`; the others in `fingers` (those still to do) may be picked instead."""
        self.finger.clear()
        for each in fingers:
            self.finger.addItem(self.i18n(f"finger.{each.name.lower()}"), each)
        self.finger.setCurrentIndex(max(0, self.finger.findData(finger)))
        self.reasons.setExclusive(False)
        for radio in self.radios.values():
            radio.setChecked(False)
        self.reasons.setExclusive(True)
        self.note.clear()
        self.say(None)
        self.show()
        self.finger.setFocus()

    def close_panel(self) -> None:
        self.note.clear()
        self.hide()

    def say(self, message: Message | None, role: str = "warning") -> None:
        self.hint.setObjectName(role)
        self.hint.style().unpolish(self.hint)
        self.hint.style().polish(self.hint)
        self.i18n.bind(self.hint, "text", message or Message("ui.empty"))

    def rename_fingers(self) -> None:
        """The finger names in the operator's language (after a language switch)."""
        for index in range(self.finger.count()):
            finger = self.finger.itemData(index)
            self.finger.setItemText(index, self.i18n(f"finger.{finger.name.lower()}"))

    # -- choosing -------------------------------------------------------------------------------------------
    def selection(self) -> tuple[Finger | None, str | None, str | None]:
        radio = self.reasons.checkedButton()
        finger = self.finger.currentData()
        if radio is None:
            return finger, None, None
        return finger, str(radio.property("code")), str(radio.property("reason"))

    def _reason_changed(self) -> None:
        _finger, _code, reason = self.selection()
        self.say(Message("ui.exception.temporary") if reason in TEMPORARY_REASONS else None)

    def go_on(self) -> None:
        finger, code, reason = self.selection()
        if finger is None:
            return
        if code is None or reason is None:
            self.say(Message("ui.exception.pick_reason"), "error")
            return
        try:  # the core's own check (a note for "other", its length) before anybody is asked to confirm
            exception = FingerException(code, reason, self.note.text())
        except KioskError as exc:
            self.say(exc.message, "error")
            self.note.setFocus()
            return
        self.chosen.emit(finger, code, reason, exception.note)

    def _cancel(self) -> None:
        self.close_panel()
        self.cancelled.emit()

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.go_on()
            return
        if event.key() == Qt.Key.Key_Escape:
            self._cancel()
            return
        super().keyPressEvent(event)
