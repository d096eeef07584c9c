"""The identity document: the clerk checks the person's document and signs for the check.

The kiosk cannot tell a real INE from a forged one; the clerk can. The screen shows who the backend
says this is (name, CURP, NSS), asks which document was checked and its last four characters (enough
to find the document again in a dispute, too little to copy it), and the clerk's attestation. What is
valid is the flow's call (`Enrolment.record_identity`): the screen shows its answer as it is.
"""

from __future__ import annotations

from typing import Any

from kiosk.enrol.flow import Step
from kiosk.errors import KioskError
from kiosk.evented import Event
from kiosk.messages import Message
from kiosk.person.proofing import IdentityDocument
from ui.qt import QButtonGroup, QCheckBox, QFrame, QGridLayout, QHBoxLayout, QLineEdit, QRadioButton, Qt
from ui.screens.base import Screen
from ui.widgets.person_card import PersonCard


class IdentityScreen(Screen):
    name = "identity"
    heading_code = "ui.identity.heading"

    def __init__(self, ui: Any) -> None:
        super().__init__(ui)
        self.layout_.addWidget(self.label(Message("ui.identity.explained"), "subheading"))
        self.person = PersonCard(ui, self)
        self.layout_.addWidget(self.person)
        card = QFrame(self)
        card.setObjectName("card")
        grid = QGridLayout(card)
        grid.setContentsMargins(20, 16, 20, 16)
        grid.setHorizontalSpacing(16)
        grid.addWidget(self.label(Message("ui.identity.document")), 0, 0, 1, 4)
        self.documents = QButtonGroup(self)
        self.document_buttons: dict[IdentityDocument, QRadioButton] = {}
        for column, document in enumerate(IdentityDocument):
            button = QRadioButton(card)
            self.i18n.control(button, Message(f"ui.identity.doc.{document.value}"))
            self.documents.addButton(button)
            self.document_buttons[document] = button
            grid.addWidget(button, 1, column, Qt.AlignmentFlag.AlignLeft)
            button.toggled.connect(self._document_changed)
        self.description = QLineEdit(card)
        self.description.setMaxLength(80)
        self.i18n.bind(self.description, "accessible", Message("ui.identity.description"))
        self.i18n.bind(self.description, "placeholder", Message("ui.identity.description"))
        grid.addWidget(self.description, 2, 0, 1, 4)
        last_four_row = QHBoxLayout()
        last_four_row.addWidget(self.label(Message("ui.identity.last_four")))
        self.last_four = QLineEdit(card)
        self.last_four.setMaxLength(8)
        self.last_four.setFixedWidth(180)
        self.i18n.bind(self.last_four, "accessible", Message("ui.identity.last_four"))
        self.last_four.returnPressed.connect(self.go_on)
        last_four_row.addWidget(self.last_four)
        last_four_row.addStretch(1)
        grid.addLayout(last_four_row, 3, 0, 1, 4)
        self.attest = QCheckBox(card)
        self.i18n.control(self.attest, Message("ui.identity.attest"))
        grid.addWidget(self.attest, 4, 0, 1, 4, Qt.AlignmentFlag.AlignLeft)
        self.layout_.addWidget(card)
        self.error = self.label(Message("ui.empty"), "error")
        self.layout_.addWidget(self.error)
        self.layout_.addStretch(1)
        buttons = QHBoxLayout()
        self.back = self.button(Message("ui.identity.back"), slot=self.go_back)
        self.continue_ = self.button(Message("ui.identity.go_on"), "primary", self.go_on)
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        buttons.addWidget(self.continue_)
        self.layout_.addLayout(buttons)
        self.setTabOrder(self.last_four, self.attest)
        self.setTabOrder(self.attest, self.continue_)
        self.clear()

    # -- the window's calls ---------------------------------------------------------------------------------
    def bind(self, flow: Any) -> None:
        super().bind(flow)
        flow.events.step.connect(self._step)

    def clear(self) -> None:
        super().clear()
        self._forget_form()

    def _forget_form(self) -> None:
        self.person.clear()
        self.document_buttons[IdentityDocument.INE].setChecked(True)
        self.description.clear()
        self.last_four.clear()
        self.attest.setChecked(False)
        self.say(self.error, None, "error")

    def _step(self, event: Event) -> None:
        if event.step == Step.LOOKUP:
            self._forget_form()  # a different person: nothing of this one's document stays
        elif event.step == Step.IDENTITY and event.previous == Step.CONSENT:
            self.attest.setChecked(False)  # a corrected document is attested again

    def entered(self) -> None:
        if self.flow is not None and self.flow.person is not None:
            self.person.show_person(self.flow.person)
        self.say(self.error, None, "error")
        self.last_four.setFocus()

    # -- the form -------------------------------------------------------------------------------------------
    def document(self) -> IdentityDocument:
        for document, button in self.document_buttons.items():
            if button.isChecked():
                return document
        return IdentityDocument.INE

    def _document_changed(self, _checked: bool) -> None:
        other = self.document() is IdentityDocument.OTHER
        self.description.setVisible(other)
        if other:
            self.description.setFocus()

    def go_on(self) -> None:
        if self.flow is None:
            return
        try:
            self.flow.record_identity(
                self.document().value,
                self.last_four.text(),
                attested=self.attest.isChecked(),
                description=self.description.text() if self.document() is IdentityDocument.OTHER else None,
            )
        except KioskError as exc:
            self.say(self.error, exc.message, "error")
            return
        self.say(self.error, None, "error")

    def go_back(self) -> None:
        if self.flow is None:
            return
        try:
            self.flow.back()
        except KioskError as exc:
            self.say(self.error, exc.message, "error")
