"""Consent: the privacy notice in the operator's language, and the person's answer to it.

The simplified notice is shown (the full one a touch away); the person accepts or refuses on the
screen, or says so aloud with a member of staff as witness when they cannot read or touch it. For a
minor (known once the document was recorded: `flow.minor`) the mother's, father's or guardian's CURP is
checked as it is typed and their own consent is asked. Whether the answer is complete, what a refusal
means (the visit ends, recorded, and the person is wiped) is the flow's call (`record_consent`).

A refusal, and a guardian who has not consented, are asked twice: the visit ends on them. Consent
itself is never given by a stray Enter: the person touches "Accepts".
"""

from __future__ import annotations

from typing import Any

from kiosk.enrol.flow import Step
from kiosk.errors import KioskError
from kiosk.evented import Event
from kiosk.messages import Message
from kiosk.person.consent import ConsentMethod
from ui.qt import (
    QButtonGroup,
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    Qt,
    QTextBlockFormat,
    QTextBrowser,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from ui.screens.base import Screen
from ui.widgets.person_card import PersonCard


class ConsentScreen(Screen):
    name = "consent"
    heading_code = "ui.consent.heading"

    def __init__(self, ui: Any) -> None:
        super().__init__(ui)
        self.layout_.addWidget(self.label(Message("ui.consent.explained"), "subheading"))
        self.person = PersonCard(ui, self)
        self.layout_.addWidget(self.person)
        self.notice = QTextBrowser(self)
        self.notice.setOpenExternalLinks(False)
        self.i18n.bind(self.notice, "accessible", Message("ui.consent.notice"))
        self.i18n.data(self.notice)  # a notice from resources/notices, in the operator's language
        self.layout_.addWidget(self.notice, 1)
        self.full = False
        self._build_method()
        self._build_guardian()
        self.error = self.label(Message("ui.empty"), "error")
        self.layout_.addWidget(self.error)
        self._build_refusal()
        buttons = QHBoxLayout()
        self.back = self.button(Message("ui.consent.back"), slot=self.go_back)
        self.notice_toggle = self.button(Message("ui.consent.show_full"), slot=self.toggle_notice)
        self.refuse = self.button(Message("ui.consent.refuse"), "danger", self.ask_refusal)
        self.accept = self.button(Message("ui.consent.accept"), "primary", self.give)
        self.accept.setAutoDefault(False)
        buttons.addWidget(self.back)
        buttons.addWidget(self.notice_toggle)
        buttons.addStretch(1)
        buttons.addWidget(self.refuse)
        buttons.addWidget(self.accept)
        self.layout_.addLayout(buttons)
        self.i18n.changed.connect(lambda _language: self._show_notice())
        self.clear()

    def _build_method(self) -> None:
        row = QHBoxLayout()
        row.addWidget(self.label(Message("ui.consent.method")))
        self.methods = QButtonGroup(self)
        self.touch = QRadioButton(self)
        self.i18n.control(self.touch, Message("ui.consent.method_touch"))
        self.verbal = QRadioButton(self)
        self.i18n.control(self.verbal, Message("ui.consent.method_verbal"))
        for button in (self.touch, self.verbal):
            self.methods.addButton(button)
            row.addWidget(button)
            button.toggled.connect(self._method_changed)
        self.witness = QLineEdit(self)
        self.witness.setMaxLength(40)
        self.witness.setMinimumWidth(260)
        self.i18n.bind(self.witness, "accessible", Message("ui.consent.witness"))
        self.i18n.bind(self.witness, "placeholder", Message("ui.consent.witness"))
        row.addWidget(self.witness, 1)
        row.addStretch(1)
        self.layout_.addLayout(row)

    def _build_guardian(self) -> None:
        self.guardian = QFrame(self)
        self.guardian.setObjectName("card")
        grid = QGridLayout(self.guardian)
        grid.setContentsMargins(20, 10, 20, 10)
        grid.addWidget(self.label(Message("ui.consent.minor"), "warning"), 0, 0, 1, 2)
        self.guardian_curp = QLineEdit(self.guardian)
        self.guardian_curp.setMaxLength(24)
        self.i18n.bind(self.guardian_curp, "accessible", Message("ui.consent.guardian_curp"))
        self.i18n.bind(self.guardian_curp, "placeholder", Message("ui.consent.guardian_curp"))
        self.guardian_curp.textChanged.connect(self._guardian_typed)
        grid.addWidget(self.guardian_curp, 1, 0)
        self.guardian_given = QCheckBox(self.guardian)
        self.i18n.control(self.guardian_given, Message("ui.consent.guardian_given"))
        grid.addWidget(self.guardian_given, 1, 1, Qt.AlignmentFlag.AlignLeft)
        self.guardian_problems = self.label(Message("ui.empty"), "error")
        grid.addWidget(self.guardian_problems, 2, 0, 1, 2)
        self.layout_.addWidget(self.guardian)

    def _build_refusal(self) -> None:
        self.refusal = QFrame(self)
        self.refusal.setObjectName("card")
        row = QHBoxLayout(self.refusal)
        row.setContentsMargins(20, 10, 20, 10)
        self.refusal_question = self.label(Message("ui.empty"), "warning")
        row.addWidget(self.refusal_question, 1)
        self.keep_going = self.button(Message("ui.consent.keep_going"), slot=self._cancel_refusal)
        self.confirm_refusal = self.button(Message("ui.consent.confirm_refusal"), "danger")
        self.confirm_refusal.clicked.connect(self._confirm_refusal)
        row.addWidget(self.keep_going)
        row.addWidget(self.confirm_refusal)
        self.layout_.addWidget(self.refusal)
        self._pending_refusal: dict[str, Any] | None = None

    # -- the window's calls ---------------------------------------------------------------------------------
    def bind(self, flow: Any) -> None:
        super().bind(flow)
        flow.events.step.connect(self._step)

    def clear(self) -> None:
        super().clear()
        self.person.clear()
        self.notice.clear()
        self.full = False
        self.touch.setChecked(True)
        self.witness.clear()
        self.guardian_curp.clear()
        self.guardian_given.setChecked(False)
        self.say(self.guardian_problems, None, "error")
        self.guardian.hide()
        self.say(self.error, None, "error")
        self._cancel_refusal()

    def entered(self) -> None:
        flow = self.flow
        if flow is None or flow.person is None:
            return
        minor = flow.minor
        self.person.show_person(flow.person, Message("ui.consent.minor_flag") if minor else None)
        self.guardian.setVisible(minor)
        self.full = False
        self._show_notice()
        self.say(self.error, None, "error")
        self._cancel_refusal()
        (self.guardian_curp if minor else self.notice).setFocus()

    def _step(self, event: Event) -> None:
        if event.previous == Step.CONSENT and event.step != Step.CONSENT:
            self._forget_answer()

    def _forget_answer(self) -> None:
        self.guardian_curp.clear()
        self.guardian_given.setChecked(False)
        self.witness.clear()
        self._cancel_refusal()

    # -- the notice -----------------------------------------------------------------------------------------
    def _show_notice(self) -> None:
        if self.flow is None:
            self.notice.clear()
            return
        try:
            notice = self.flow.notice("full" if self.full else "simplified", self.i18n.language)
        except KioskError as exc:
            self.say(self.error, exc.message, "error")
            return
        self.notice.setMarkdown(notice.text)
        _calm_headings(self.notice.document())
        self.i18n.control(
            self.notice_toggle, Message("ui.consent.show_simplified" if self.full else "ui.consent.show_full")
        )

    def toggle_notice(self) -> None:
        self.full = not self.full
        self._show_notice()

    # -- the answer -----------------------------------------------------------------------------------------
    def _method_changed(self, _checked: bool) -> None:
        verbal = self.verbal.isChecked()
        self.witness.setVisible(verbal)
        if verbal:
            self.witness.setFocus()

    def _guardian_typed(self, text: str) -> None:
        if self.flow is None or not text.strip():
            self._valid(None)
            self.say(self.guardian_problems, None, "error")
            return
        check = self.flow.check_identifier(text)
        problems = list(check.errors[:3])
        if check.valid and check.kind != "curp":
            problems = [Message("ui.consent.guardian_needs_curp")]
        self._valid(not problems)
        self.say(
            self.guardian_problems,
            Message("ui.consent.problems", {"list": problems}) if problems else None,
            "error",
        )

    def _valid(self, valid: bool | None) -> None:
        self.guardian_curp.setProperty("valid", "" if valid is None else ("true" if valid else "false"))
        self.guardian_curp.style().unpolish(self.guardian_curp)
        self.guardian_curp.style().polish(self.guardian_curp)

    def _answer(self, given: bool) -> dict[str, Any]:
        assert self.flow is not None
        verbal = self.verbal.isChecked()
        answer: dict[str, Any] = {
            "given": given,
            "method": ConsentMethod.VERBAL_WITNESSED if verbal else ConsentMethod.TOUCH,
            "language": self.i18n.language,
            "witness_id": (self.witness.text().strip() or None) if verbal else None,
        }
        if self.flow.minor and self.guardian_curp.text().strip():
            answer["guardian_curp"] = self.guardian_curp.text()
            answer["guardian_given"] = self.guardian_given.isChecked()
        return answer

    def give(self) -> None:
        if self.flow is None:
            return
        answer = self._answer(True)
        if answer.get("guardian_given") is False:
            self._ask(answer, Message("ui.consent.guardian_refuses_question"))
            return
        self._record(answer)

    def ask_refusal(self) -> None:
        if self.flow is not None:
            self._ask(self._answer(False), Message("ui.consent.refuse_question"))

    def _ask(self, answer: dict[str, Any], question: Message) -> None:
        self._pending_refusal = answer
        self.i18n.bind(self.refusal_question, "text", question)
        self.refusal.show()
        self.keep_going.setFocus()

    def _cancel_refusal(self) -> None:
        self._pending_refusal = None
        self.i18n.bind(self.refusal_question, "text", Message("ui.empty"))
        self.refusal.hide()

    def _confirm_refusal(self) -> None:
        answer = self._pending_refusal
        self._cancel_refusal()
        if answer is not None:
            self._record(answer)

    def _record(self, answer: dict[str, Any]) -> None:
        if self.flow is None:
            return
        try:
            self.flow.record_consent(**answer)
        except KioskError as exc:
            self.say(self.error, exc.message, "error")

    def go_back(self) -> None:
        if self.flow is None:
            return
        try:
            self.flow.back()
        except KioskError as exc:
            self.say(self.error, exc.message, "error")


HEADING_SIZE = {1: 2, 2: 1}  # Qt's size steps over the text's own: 2 = x-large (x1.5), 1 = large (x1.2)


def _calm_headings(document: QTextDocument) -> None:
    """Markdown headings at reading size, with air above them (Qt's defaults shout at twice the text)."""
    block = document.begin()
    while block.isValid():
        level = block.blockFormat().headingLevel()
        if level:
            cursor = QTextCursor(block)
            spacing = QTextBlockFormat()
            spacing.setTopMargin(14 if level > 1 else 0)
            spacing.setBottomMargin(4)
            cursor.mergeBlockFormat(spacing)
            cursor.select(QTextCursor.SelectionType.BlockUnderCursor)
            size = QTextCharFormat()
            size.setProperty(QTextCharFormat.Property.FontSizeAdjustment, HEADING_SIZE.get(level, 0))
            size.setFontWeight(700)
            cursor.mergeCharFormat(size)
        block = block.next()
