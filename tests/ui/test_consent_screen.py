"""The consent screen: the notice in the operator's language, the answer and how it was given, a refusal
that ends the visit, and a minor who needs a guardian."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from kiosk.api import models
from kiosk.enrol.flow import Enrolment, Step
from kiosk.person.consent import ConsentMethod
from kiosk.synthetic_people import make_curp
from tests.fixtures.enrolment import PERSON, Bench, audit_events
from tests.ui.screen_checks import unfinished
from ui.qt import Qt
from ui.shell import Shell

MINOR = make_curp("ANA", "LOPEZ", "PEREZ", dt.date(2015, 3, 4), "M", "DF", "A")


def at_consent(shell: Shell, curp: str = PERSON.curp) -> Enrolment:
    flow = shell.desk.enrolment
    assert flow is not None
    flow.lookup(curp)()
    flow.proceed()
    flow.record_identity("ine", "AB12", attested=True)
    assert shell.window.current_screen == "consent"
    return flow


def test_the_notice_is_shown_in_the_operator_s_language_and_consent_is_recorded(
    qtbot: QtBot, signed_in: Shell
) -> None:
    flow = at_consent(signed_in)
    screen = signed_in.screen("consent")
    assert "Aviso de privacidad simplificado" in screen.notice.toPlainText()
    assert not screen.guardian.isVisible() and not screen.person.flag.isVisible()
    qtbot.mouseClick(screen.notice_toggle, Qt.MouseButton.LeftButton)
    assert (
        "integral" in screen.notice.toPlainText().lower()
        and screen.notice_toggle.text() != "Ver el aviso integral"
    )
    qtbot.mouseClick(signed_in.window.bar.language, Qt.MouseButton.LeftButton)
    assert "full privacy notice" in screen.notice.toPlainText().lower()
    qtbot.mouseClick(screen.notice_toggle, Qt.MouseButton.LeftButton)
    assert "Simplified privacy notice" in screen.notice.toPlainText()
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    assert flow.step is Step.FINGERS and signed_in.window.current_screen == "fingers"
    assert flow.consent is not None and flow.consent.record is not None
    assert flow.consent.record.language == "en" and flow.consent.record.method is ConsentMethod.TOUCH
    assert flow.consent.record.notice_id == flow.notice("simplified", "en").id


def test_spoken_consent_needs_a_witness(qtbot: QtBot, signed_in: Shell) -> None:
    flow = at_consent(signed_in)
    screen = signed_in.screen("consent")
    assert not screen.witness.isVisible()
    qtbot.mouseClick(screen.verbal, Qt.MouseButton.LeftButton)
    assert screen.witness.isVisible() and screen.witness.hasFocus()
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    assert screen.error.text() == "el consentimiento verbal requiere un testigo del personal"
    assert flow.step is Step.CONSENT
    qtbot.keyClicks(screen.witness, "EMP-0412")
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    assert flow.consent is not None and flow.consent.record is not None
    assert flow.consent.record.witness_id == "EMP-0412"
    assert flow.consent.record.method is ConsentMethod.VERBAL_WITNESSED


def test_a_refusal_is_asked_twice_then_ends_the_visit(qtbot: QtBot, signed_in: Shell, bench: Bench) -> None:
    flow = at_consent(signed_in)
    screen = signed_in.screen("consent")
    qtbot.mouseClick(screen.refuse, Qt.MouseButton.LeftButton)
    assert screen.refusal.isVisible() and "NO acepta" in screen.refusal_question.text()
    qtbot.mouseClick(screen.keep_going, Qt.MouseButton.LeftButton)
    assert not screen.refusal.isVisible() and flow.step is Step.CONSENT
    qtbot.mouseClick(screen.refuse, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.confirm_refusal, Qt.MouseButton.LeftButton)
    assert flow.step is Step.ENDED and flow.end_reason == "consent_refused"
    qtbot.waitUntil(lambda: signed_in.desk.enrolment not in (None, flow))
    assert signed_in.window.current_screen == "lookup"
    assert "consent_refused" in audit_events(bench) and "capture_attempt" not in audit_events(bench)
    assert screen.person.name.text() == "" and screen.notice.toPlainText() == ""


def test_a_minor_needs_the_guardian_s_curp_and_consent(qtbot: QtBot, signed_in: Shell, bench: Bench) -> None:
    bench.client.people[MINOR] = models.Person(
        curp=MINOR, nss=None, name="ANA LOPEZ PEREZ", birth_date="2015-03-04", biometric_status="none"
    )
    flow = at_consent(signed_in, MINOR)
    screen = signed_in.screen("consent")
    assert flow.minor and screen.guardian.isVisible() and screen.person.flag.text() == "MENOR DE EDAD"
    assert screen.guardian_curp.hasFocus() and unfinished(signed_in, screen) == []
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    assert "se necesitan la CURP y el consentimiento" in screen.error.text() and flow.step is Step.CONSENT
    wrong = PERSON.curp[:-1] + ("1" if PERSON.curp[-1] != "1" else "2")
    qtbot.keyClicks(screen.guardian_curp, wrong)
    assert screen.guardian_curp.property("valid") == "false" and "18" in screen.guardian_problems.text()
    screen.guardian_curp.clear()
    qtbot.keyClicks(screen.guardian_curp, PERSON.curp.lower())
    assert screen.guardian_curp.property("valid") == "true" and screen.guardian_problems.text() == ""
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)  # the guardian has not consented yet
    assert screen.refusal.isVisible() and "cuenta como negativa" in screen.refusal_question.text()
    qtbot.mouseClick(screen.keep_going, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.guardian_given, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.accept, Qt.MouseButton.LeftButton)
    assert flow.step is Step.FINGERS
    record = flow.consent.record if flow.consent else None
    assert record is not None and record.guardian is not None
    assert record.guardian.curp == PERSON.curp and record.guardian.given
    assert screen.guardian_curp.text() == ""  # the guardian's CURP leaves the screen with the step
