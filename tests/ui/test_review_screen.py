"""The review screen: every kept print and the face with what was decided about each; retakes; sending."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from devices.positions import Finger
from kiosk.enrol.flow import Enrolment, Step
from tests.fixtures.enrolment import Bench, attempt, face_capture, to_fingers
from tests.ui.conftest import settle
from tests.ui.screen_checks import unfinished
from ui.qt import Qt
from ui.shell import Shell


def fresh_visit(qtbot: QtBot, shell: Shell) -> Enrolment:
    """A new visit (after a policy change: the flow reads the policy when the visit starts)."""
    old = shell.desk.enrolment
    assert old is not None
    old.wipe("stopped")
    qtbot.waitUntil(lambda: shell.desk.enrolment not in (None, old))
    flow = shell.desk.enrolment
    assert flow is not None
    return flow


def at_review(qtbot: QtBot, shell: Shell, bench: Bench) -> Enrolment:
    """Right thumb below the threshold (clerk confirmed), left little bandaged, the face below its checks."""
    bench.set_policy(**{"fingers.exceptions_need_supervisor": False})
    flow = to_fingers(fresh_visit(qtbot, shell))
    flow.record_exception(Finger.LEFT_LITTLE, "UP", "bandaged")
    for _ in range(3):
        flow.offer(attempt(20, value=60))
    flow.accept_below_threshold()
    while flow.current is not None:
        flow.offer(attempt(64, value=200))
    for score in (50, 55, 52):
        flow.offer_face(face_capture(False, score))
    flow.accept_face_below_threshold()
    assert shell.window.current_screen == "review"
    return flow


def test_the_review_shows_each_decision_and_sends(qtbot: QtBot, signed_in: Shell, bench: Bench) -> None:
    flow = at_review(qtbot, signed_in, bench)
    screen = signed_in.screen("review")
    tiles = screen.tiles
    pictured = [f for f, tile in tiles.items() if not tile.picture.pixmap().isNull()]
    assert sorted(pictured) == sorted(set(Finger) - {Finger.LEFT_LITTLE})
    thumb = tiles[Finger.RIGHT_THUMB]
    assert thumb.state.text() == "bajo el umbral · NFIQ 2: 20" and thumb.who.text() == "confirmó: op-clerk"
    assert "#b26a00" in thumb.styleSheet()  # amber
    assert (
        tiles[Finger.RIGHT_INDEX].state.text() == "aceptada · NFIQ 2: 64"
        and tiles[Finger.RIGHT_INDEX].who.text() == ""
    )
    little = tiles[Finger.LEFT_LITTLE]
    assert little.picture.text() == "UP" and little.state.text() == "UP: vendado"
    assert (
        not screen.face.pixmap().isNull() and screen.face_score.text() == "Calidad: 55 / 100"
    )  # the best of three
    assert "inclinación" in screen.face_state.text() and screen.face_who.text() == "confirmó: op-clerk"
    assert screen.confirm.hasFocus() and unfinished(signed_in, screen) == []
    qtbot.mouseClick(signed_in.window.bar.language, Qt.MouseButton.LeftButton)
    assert thumb.state.text() == "below the threshold · NFIQ 2: 20" and little.state.text() == "UP: bandaged"
    qtbot.keyClick(screen.confirm, Qt.Key.Key_Return)  # Enter sends
    assert flow.step in (Step.SUBMIT, Step.RECEIPT)
    assert all(tile.picture.pixmap().isNull() for tile in tiles.values()) and screen.face.pixmap().isNull()
    settle(qtbot, signed_in)
    assert signed_in.window.current_screen == "receipt"


def test_one_finger_goes_back_to_be_taken_again(qtbot: QtBot, signed_in: Shell, bench: Bench) -> None:
    flow = at_review(qtbot, signed_in, bench)
    screen = signed_in.screen("review")
    qtbot.mouseClick(screen.tiles[Finger.RIGHT_THUMB].retake, Qt.MouseButton.LeftButton)
    assert flow.step is Step.FINGERS and flow.current is Finger.RIGHT_THUMB
    assert signed_in.window.current_screen == "fingers"
    assert screen.tiles[Finger.RIGHT_INDEX].picture.pixmap().isNull()  # the copies left with the step
    flow.offer(attempt(71, value=120))
    assert signed_in.window.current_screen == "review"
    assert screen.tiles[Finger.RIGHT_THUMB].state.text() == "aceptada · NFIQ 2: 71"
    assert screen.tiles[Finger.RIGHT_THUMB].who.text() == ""
    qtbot.mouseClick(screen.retake_face_button, Qt.MouseButton.LeftButton)
    assert flow.step is Step.FACE and signed_in.window.current_screen == "face"


def test_a_session_that_ended_is_said_and_nothing_is_sent(
    qtbot: QtBot, signed_in: Shell, bench: Bench
) -> None:
    flow = at_review(qtbot, signed_in, bench)
    screen = signed_in.screen("review")
    flow.operator.session.end("test")
    qtbot.mouseClick(screen.confirm, Qt.MouseButton.LeftButton)
    assert screen.error.text() == "la sesión terminó; inicie sesión de nuevo"
    assert flow.step is Step.REVIEW and bench.station.outbox.counts()["sealed"] == 0
