"""The lookup screen: live positional validation, a scanner's Enter, and each answer's flag and way on."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.enrol.flow import Step
from tests.fixtures.enrolment import PERSON, Bench, person_model
from tests.ui.conftest import settle
from ui.qt import Qt
from ui.shell import Shell


def test_a_mistyped_curp_is_marked_where_it_is_wrong(qtbot: QtBot, signed_in: Shell) -> None:
    screen = signed_in.screen("lookup")
    assert signed_in.window.current_screen == "lookup"
    wrong = PERSON.curp[:-1] + ("1" if PERSON.curp[-1] != "1" else "2")
    qtbot.keyClicks(screen.field, wrong)
    assert screen.field.property("valid") == "false"
    assert "18" in screen.problems.text() or "18ª" in screen.problems.text()
    assert "underline" in screen.marked.text()
    qtbot.keyClick(screen.field, Qt.Key.Key_Return)
    settle(qtbot, signed_in)
    assert signed_in.desk.enrolment is not None and signed_in.desk.enrolment.step is Step.LOOKUP
    assert not screen.result_card.isVisible()


def test_a_scanned_curp_finds_the_person_and_shows_the_flag(qtbot: QtBot, signed_in: Shell) -> None:
    screen = signed_in.screen("lookup")
    qtbot.keyClicks(screen.field, PERSON.curp.lower())
    assert screen.field.property("valid") == "true"
    qtbot.keyClick(screen.field, Qt.Key.Key_Return)  # the scanner's Enter
    settle(qtbot, signed_in)
    assert screen.result_card.isVisible() and screen.flag.text() == "SIN REGISTRO BIOMÉTRICO"
    assert screen.person_name.text() == PERSON.name
    qtbot.mouseClick(screen.go_on, Qt.MouseButton.LeftButton)
    assert signed_in.window.current_screen == "identity"


def test_an_enrolled_person_needs_the_supervisor_to_enrol_again(
    qtbot: QtBot, signed_in: Shell, bench: Bench
) -> None:
    bench.client.people[PERSON.curp] = person_model("enrolled")
    screen = signed_in.screen("lookup")
    qtbot.keyClicks(screen.field, PERSON.curp)
    qtbot.mouseClick(screen.search_button, Qt.MouseButton.LeftButton)
    settle(qtbot, signed_in)
    assert (
        screen.flag.text() == "YA REGISTRADA" and screen.reenrol.isVisible() and not screen.go_on.isVisible()
    )
    qtbot.mouseClick(screen.reenrol, Qt.MouseButton.LeftButton)
    assert screen.confirm.isVisible() and screen.confirm.username.isVisible()
    qtbot.keyClicks(screen.confirm.username, "supervisora")
    qtbot.keyClicks(screen.confirm.password, "mala")
    qtbot.mouseClick(screen.confirm.confirm, Qt.MouseButton.LeftButton)
    settle(qtbot, signed_in)
    assert screen.confirm.isVisible() and screen.confirm.error.text()
    qtbot.keyClicks(screen.confirm.password, "correcta")
    qtbot.keyClick(screen.confirm.password, Qt.Key.Key_Return)
    settle(qtbot, signed_in)
    assert signed_in.window.current_screen == "identity"


def test_not_found_offers_only_the_next_person(qtbot: QtBot, signed_in: Shell, bench: Bench) -> None:
    bench.client.people.clear()
    screen = signed_in.screen("lookup")
    first = signed_in.desk.enrolment
    qtbot.keyClicks(screen.field, PERSON.curp)
    qtbot.keyClick(screen.field, Qt.Key.Key_Return)
    settle(qtbot, signed_in)
    assert screen.flag.text() == "NO ENCONTRADA" and not screen.go_on.isVisible()
    qtbot.mouseClick(screen.stop, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: signed_in.desk.enrolment is not first and signed_in.desk.enrolment is not None)
    assert screen.field.text() == "" and not screen.result_card.isVisible()


def test_switching_to_english_rewrites_the_screen(qtbot: QtBot, signed_in: Shell) -> None:
    screen = signed_in.screen("lookup")
    qtbot.mouseClick(signed_in.window.bar.language, Qt.MouseButton.LeftButton)
    assert screen.search_button.text() == "Search" and screen.heading.text() == "Find the person"
    assert signed_in.window.bar.logout.text() == "Sign out"
