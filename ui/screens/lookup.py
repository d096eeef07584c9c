"""Finding the person: CURP or NSS checked as it is typed (or scanned), then the backend's answer.

As the clerk types, every problem is listed with its position and the wrong characters are marked in
red; a barcode scanner "types" the whole identifier and presses Enter, which searches at once. The
answer shows as a big flag: green "no biometric record" (go on), amber "already enrolled" (a reason and,
as the policy says, a supervisor), red "not found" (the referral; nothing is captured), amber offline.
"""

from __future__ import annotations

import html
from typing import Any

from kiosk.enrol.confirm import Decision
from kiosk.enrol.flow import Enrolment
from kiosk.enrol.lookup import LookupResult, Outcome
from kiosk.errors import KioskError
from kiosk.evented import Event
from kiosk.identity import IdCheck
from kiosk.identity.result import positions
from kiosk.messages import Message
from ui.qt import QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, Qt
from ui.screens.base import Screen
from ui.widgets.confirm import ConfirmPanel

FLAG_TONES = {
    Outcome.NO_RECORD: "ok",
    Outcome.ENROLLED: "warn",
    Outcome.NOT_FOUND: "bad",
    Outcome.OFFLINE: "warn",
    Outcome.REFUSED: "bad",
    Outcome.INVALID: "bad",
}
FLAG_CODES = {
    Outcome.NO_RECORD: "ui.lookup.flag_no_record",
    Outcome.ENROLLED: "ui.lookup.flag_enrolled",
    Outcome.NOT_FOUND: "ui.lookup.flag_not_found",
    Outcome.OFFLINE: "ui.lookup.flag_offline",
    Outcome.REFUSED: "ui.lookup.flag_refused",
    Outcome.INVALID: "ui.lookup.flag_invalid",
}


class LookupScreen(Screen):
    name = "lookup"
    heading_code = "ui.lookup.heading"

    def __init__(self, ui: Any) -> None:
        super().__init__(ui)
        self.layout_.addWidget(self.label(Message("ui.lookup.explained"), "subheading"))
        row = QHBoxLayout()
        self.field = QLineEdit(self)
        self.field.setMaxLength(40)
        self.i18n.bind(self.field, "accessible", Message("ui.lookup.field"))
        self.i18n.bind(self.field, "placeholder", Message("ui.lookup.field"))
        self.field.textChanged.connect(self._typed)
        self.field.returnPressed.connect(self.search)
        row.addWidget(self.field, 1)
        self.search_button = self.button(Message("ui.lookup.search"), "primary", self.search)
        row.addWidget(self.search_button)
        self.layout_.addLayout(row)
        self.marked = self.label(data=True)  # the identifier with its wrong characters in red
        self.marked.setTextFormat(Qt.TextFormat.RichText)
        self.layout_.addWidget(self.marked)
        self.problems = self.label(Message("ui.empty"), "error")
        self.layout_.addWidget(self.problems)
        self.previous = self.label(Message("ui.empty"), "hint")
        self.layout_.addWidget(self.previous)
        self._build_result()
        self.confirm = ConfirmPanel(ui, self)
        self.layout_.addWidget(self.confirm)
        self.layout_.addStretch(1)
        self.clear()

    def _build_result(self) -> None:
        self.result_card = QFrame(self)
        self.result_card.setObjectName("card")
        grid = QGridLayout(self.result_card)
        grid.setContentsMargins(20, 16, 20, 16)
        self.flag = QLabel(self.result_card)
        self.flag.setObjectName("flag")
        grid.addWidget(self.flag, 0, 0, 1, 3)
        self.person_name = self.label(data=True)
        self.person_name.setObjectName("subheading")
        self.person_ids = self.label(data=True)
        grid.addWidget(self.person_name, 1, 0, 1, 3)
        grid.addWidget(self.person_ids, 2, 0, 1, 3)
        self.answer = self.label(Message("ui.empty"))
        grid.addWidget(self.answer, 3, 0, 1, 3)
        self.reason_label = self.label(Message("ui.lookup.reenrol_reason"))
        self.reason = QComboBox(self.result_card)
        self.i18n.bind(self.reason, "accessible", Message("ui.lookup.reenrol_reason"))
        self.note = QLineEdit(self.result_card)
        self.note.setMaxLength(200)
        self.i18n.bind(self.note, "accessible", Message("ui.lookup.reenrol_note"))
        self.i18n.bind(self.note, "placeholder", Message("ui.lookup.reenrol_note"))
        grid.addWidget(self.reason_label, 4, 0)
        grid.addWidget(self.reason, 4, 1)
        grid.addWidget(self.note, 4, 2)
        buttons = QHBoxLayout()
        self.stop = self.button(Message("ui.lookup.stop"), slot=self.stop_visit)
        self.reenrol = self.button(Message("ui.lookup.reenrol"), "primary", self.ask_reenrol)
        self.go_on = self.button(Message("ui.lookup.go_on"), "primary", self.proceed)
        buttons.addStretch(1)
        for button in (self.stop, self.reenrol, self.go_on):
            buttons.addWidget(button)
        grid.addLayout(buttons, 5, 0, 1, 3)
        self.layout_.addWidget(self.result_card)
        self.i18n.changed.connect(lambda _language: self._fill_reasons())

    # -- binding --------------------------------------------------------------------------------------------
    def bind(self, flow: Enrolment) -> None:
        super().bind(flow)
        flow.events.lookup.connect(self._looked_up)
        self._fill_reasons()

    def clear(self) -> None:
        super().clear()
        self.field.clear()
        self.marked.clear()
        self.person_name.clear()
        self.person_ids.clear()
        self.say(self.problems, None, "error")
        self.result_card.hide()
        self.confirm.close_panel()
        self.note.clear()
        self.reason.clear()

    def entered(self) -> None:
        self.field.setFocus()

    def previous_ended(self, message: Message | None) -> None:
        """What happened to the previous person (a refusal, a stop), for the clerk's peace of mind."""
        self.say(self.previous, message, "hint")

    # -- typing and searching -------------------------------------------------------------------------------
    def _typed(self, text: str) -> None:
        if self.flow is None:
            return
        self.result_card.hide()
        if not text.strip():
            self.marked.clear()
            self.say(self.problems, None, "error")
            self._valid(None)
            return
        check = self.flow.check_identifier(text)
        self._show_check(check)

    def _show_check(self, check: IdCheck) -> None:
        bad = set(positions(check.errors))
        shown = "".join(
            f'<span style="color:#b3261e;text-decoration:underline">{html.escape(c)}</span>'
            if i + 1 in bad
            else html.escape(c)
            for i, c in enumerate(check.normalized)
        )
        kind = self.i18n(f"identity.kind.{check.kind}")
        self.marked.setText(f'<span style="font-size:22px;font-family:monospace">{shown}</span>  ·  {kind}')
        problems = check.errors[:4]
        self.say(
            self.problems, Message("ui.lookup.problems", {"list": problems}) if problems else None, "error"
        )
        self._valid(check.valid)

    def _valid(self, valid: bool | None) -> None:
        self.field.setProperty("valid", "" if valid is None else ("true" if valid else "false"))
        self.field.style().unpolish(self.field)
        self.field.style().polish(self.field)

    def search(self) -> None:
        if self.flow is None:
            return
        self.search_button.setEnabled(False)
        self.ui.background.run(self.flow.lookup(self.field.text()), self._answered, self._failed)

    def _answered(self, result: LookupResult) -> None:
        self.search_button.setEnabled(True)
        if result.outcome is Outcome.INVALID:
            self._show_check(result.check)

    def _failed(self, exc: BaseException) -> None:
        self.search_button.setEnabled(True)
        message = (
            exc.message
            if isinstance(exc, KioskError)
            else Message("ui.unexpected", {"error": type(exc).__name__})
        )
        self.say(self.problems, message, "error")

    def _looked_up(self, event: Event) -> None:
        result: LookupResult = event.result
        if result.outcome is Outcome.INVALID:
            return
        self.result_card.show()
        self.flag.setProperty("tone", FLAG_TONES[result.outcome])
        self.flag.style().unpolish(self.flag)
        self.flag.style().polish(self.flag)
        self.i18n.bind(self.flag, "text", Message(FLAG_CODES[result.outcome]))
        self.i18n.bind(self.answer, "text", result.message)
        person = result.person
        self.person_name.setText(person.name if person and person.name else "")
        if person is not None:
            self.person_ids.setText(
                f"CURP {person.curp}" + (f"   ·   NSS {person.nss}" if person.nss else "")
            )
        else:
            self.person_ids.clear()
        enrolled = result.outcome is Outcome.ENROLLED
        for widget in (self.reason_label, self.reason, self.note, self.reenrol):
            widget.setVisible(enrolled)
        self.go_on.setVisible(result.may_enrol)
        (self.go_on if result.may_enrol else self.reenrol if enrolled else self.stop).setFocus()

    def _fill_reasons(self) -> None:
        if self.flow is None:
            return
        current = self.reason.currentData()
        self.reason.clear()
        for code in self.flow.reenrolment_reasons():
            self.reason.addItem(self.i18n(f"enrol.reenrol_reason.{code}"), code)
        if current is not None:
            self.reason.setCurrentIndex(max(0, self.reason.findData(current)))

    # -- deciding -------------------------------------------------------------------------------------------
    def proceed(self) -> None:
        if self.flow is not None:
            self.flow.proceed()

    def stop_visit(self) -> None:
        if self.flow is not None:
            self.flow.wipe("stopped")

    def ask_reenrol(self) -> None:
        flow = self.flow
        if flow is None:
            return
        reason, note = str(self.reason.currentData()), self.note.text()
        if reason == "other" and not note.strip():
            self.say(self.problems, Message("enrol.reenrol_needs_note"), "error")
            return
        question = Message(
            "ui.lookup.reenrol_question", {"reason": Message(f"enrol.reenrol_reason.{reason}")}
        )

        def confirmed(confirmation: Any) -> None:
            try:
                flow.reenrol(reason, note, confirmation)
            except KioskError as exc:
                self.say(self.problems, exc.message, "error")

        self.confirm.ask(flow, Decision.REENROLMENT, flow.reenrol_subject(reason), question, confirmed)
