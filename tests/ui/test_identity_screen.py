"""The identity screen: who the backend says this is, the document checked, and the clerk's attestation."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.enrol.flow import Enrolment, Step
from kiosk.person.proofing import IdentityDocument
from tests.fixtures.enrolment import PERSON
from tests.ui.screen_checks import unfinished
from ui.qt import Qt
from ui.shell import Shell


def at_identity(shell: Shell) -> Enrolment:
    flow = shell.desk.enrolment
    assert flow is not None
    flow.lookup(PERSON.curp)()
    flow.proceed()
    assert shell.window.current_screen == "identity"
    return flow


def test_the_checked_document_is_recorded_and_consent_follows(qtbot: QtBot, signed_in: Shell) -> None:
    flow = at_identity(signed_in)
    screen = signed_in.screen("identity")
    assert screen.person.name.text() == PERSON.name
    assert PERSON.curp in screen.person.ids.text() and PERSON.nss in screen.person.ids.text()
    assert screen.last_four.hasFocus() and not screen.description.isVisible()
    assert unfinished(signed_in, screen) == []
    qtbot.mouseClick(screen.document_buttons[IdentityDocument.PASSPORT], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(screen.last_four, "g1-23")
    qtbot.mouseClick(screen.attest, Qt.MouseButton.LeftButton)
    qtbot.keyClick(screen.last_four, Qt.Key.Key_Return)
    assert signed_in.window.current_screen == "consent"
    assert flow.proofing is not None and flow.proofing.document is IdentityDocument.PASSPORT
    assert flow.proofing.last_four == "G123" and flow.proofing.attested


def test_a_wrong_last_four_is_said_plainly_and_nothing_moves(qtbot: QtBot, signed_in: Shell) -> None:
    flow = at_identity(signed_in)
    screen = signed_in.screen("identity")
    qtbot.keyClicks(screen.last_four, "A1")
    qtbot.mouseClick(screen.attest, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.continue_, Qt.MouseButton.LeftButton)
    assert "«A1» no son los últimos cuatro caracteres" in screen.error.text()
    assert flow.step is Step.IDENTITY and flow.proofing is None
    qtbot.mouseClick(signed_in.window.bar.language, Qt.MouseButton.LeftButton)
    assert "'A1' is not the last four characters" in screen.error.text()


def test_without_the_attestation_the_enrolment_goes_no_further(qtbot: QtBot, signed_in: Shell) -> None:
    flow = at_identity(signed_in)
    screen = signed_in.screen("identity")
    qtbot.keyClicks(screen.last_four, "AB12")
    qtbot.keyClick(screen.last_four, Qt.Key.Key_Return)
    assert screen.error.text() == "falta confirmar que revisó la identificación de la persona"
    assert flow.step is Step.IDENTITY
    qtbot.mouseClick(screen.attest, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.continue_, Qt.MouseButton.LeftButton)
    assert flow.step is Step.CONSENT


def test_another_document_needs_to_be_named(qtbot: QtBot, signed_in: Shell) -> None:
    flow = at_identity(signed_in)
    screen = signed_in.screen("identity")
    qtbot.mouseClick(screen.document_buttons[IdentityDocument.OTHER], Qt.MouseButton.LeftButton)
    assert screen.description.isVisible() and screen.description.hasFocus()
    qtbot.keyClicks(screen.last_four, "9876")
    qtbot.mouseClick(screen.attest, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.continue_, Qt.MouseButton.LeftButton)
    assert "indique qué identificación" in screen.error.text() and flow.step is Step.IDENTITY
    qtbot.keyClicks(screen.description, "Cartilla militar")
    qtbot.mouseClick(screen.continue_, Qt.MouseButton.LeftButton)
    assert flow.proofing is not None and flow.proofing.description == "Cartilla militar"


def test_a_different_person_goes_back_to_the_search(qtbot: QtBot, signed_in: Shell) -> None:
    flow = at_identity(signed_in)
    screen = signed_in.screen("identity")
    qtbot.keyClicks(screen.last_four, "AB12")
    qtbot.mouseClick(screen.attest, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.back, Qt.MouseButton.LeftButton)
    assert signed_in.window.current_screen == "lookup" and flow.step is Step.LOOKUP
    assert flow.person is None
    assert screen.last_four.text() == "" and not screen.attest.isChecked()  # not carried to the next one
    assert screen.person.name.text() == ""


def test_a_corrected_document_is_attested_again(qtbot: QtBot, signed_in: Shell) -> None:
    flow = at_identity(signed_in)
    screen = signed_in.screen("identity")
    qtbot.keyClicks(screen.last_four, "AB12")
    qtbot.mouseClick(screen.attest, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.continue_, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(signed_in.screen("consent").back, Qt.MouseButton.LeftButton)
    assert signed_in.window.current_screen == "identity" and flow.proofing is None
    assert screen.last_four.text() == "AB12" and not screen.attest.isChecked()
