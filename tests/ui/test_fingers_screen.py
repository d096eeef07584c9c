"""The fingerprints screen over the real flow and the simulated reader: live frames, verdicts, decisions,
exceptions, an unplugged reader, and a wipe that leaves nothing behind."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from devices.positions import Finger
from kiosk.enrol.fingers import Verdict
from kiosk.enrol.flow import Step
from kiosk.messages import Message
from tests.fixtures.enrolment import PERSON, Bench, attempt
from tests.ui.capture_helpers import at_fingers, shot
from ui.qt import Qt
from ui.shell import Shell
from ui.widgets.hands import FingerMark


def test_a_steady_finger_is_captured_scored_and_the_next_one_is_asked_for(
    qtbot: QtBot, signed_in: Shell, bench: Bench
) -> None:
    flow = at_fingers(qtbot, signed_in)
    screen = signed_in.screen("fingers")
    reader = bench.station.devices.reader
    assert reader is not None
    qtbot.waitUntil(lambda: screen.live.running)
    assert screen.live.run.key is Finger.RIGHT_THUMB and not screen.live.run.facts["require_lift"]
    shot(signed_in, "fingers-waiting")
    reader.simulation.place(PERSON.finger_seed, Finger.RIGHT_THUMB)
    qtbot.waitUntil(lambda: flow.slot(Finger.RIGHT_THUMB).accepted, timeout=20_000)
    thumb = flow.slot(Finger.RIGHT_THUMB)
    assert thumb.best is not None and thumb.best.nfiq2 >= flow.rules.min_nfiq2
    assert screen.preview.painted > 0 and screen.preview.has_frame
    mark = screen.hands.marks[Finger.RIGHT_THUMB]
    assert mark.state == "accepted" and mark.text == str(thumb.best.nfiq2)
    qtbot.waitUntil(lambda: screen.hands.marks[Finger.RIGHT_INDEX].state == "live")
    assert str(thumb.best.nfiq2) in screen.status.text() and "pulgar derecho" in screen.status.text()
    # the next finger's capture starts by itself and first waits for the thumb to leave the glass
    qtbot.waitUntil(lambda: screen.live.running and screen.live.run.key is Finger.RIGHT_INDEX)
    assert screen.live.run.facts["require_lift"]
    qtbot.waitUntil(lambda: screen.guidance.text() == "Levante el dedo del lector")
    assert "índice derecho" in screen.now.text()
    shot(signed_in, "fingers-accepted-lift")
    reader.simulation.lift()
    qtbot.waitUntil(lambda: screen.guidance.text() == "Coloque el índice derecho sobre el lector")


def test_a_poor_print_is_retried_with_its_guidance(qtbot: QtBot, signed_in: Shell) -> None:
    flow = at_fingers(qtbot, signed_in)
    screen = signed_in.screen("fingers")
    poor = attempt(22)
    poor.guidance = [Message("quality.finger.too_dry")]
    assert flow.offer(poor) is Verdict.RETRY
    assert "Intento 1 de 3" in screen.status.text() and "calidad 22" in screen.status.text()
    assert "muy seco" in screen.status.text()
    qtbot.waitUntil(lambda: "intento 2 de 3" in screen.now.text())
    assert screen.hands.marks[Finger.RIGHT_THUMB].state == "live"
    assert screen.live.running  # still capturing the same finger
    shot(signed_in, "fingers-retry")


def test_a_print_of_another_finger_is_named(qtbot: QtBot, signed_in: Shell, bench: Bench) -> None:
    """The real path: the thumb is captured, then put down again when the index is asked for."""
    bench.set_policy(**{"fingers.order": ["right-thumb", "right-index"]})
    signed_in.desk.enrolment.wipe("stopped")  # type: ignore[union-attr]  # a visit under the new policy
    qtbot.waitUntil(lambda: signed_in.desk.enrolment is not None and not signed_in.desk.enrolment.ended)
    flow = at_fingers(qtbot, signed_in)
    screen = signed_in.screen("fingers")
    reader = bench.station.devices.reader
    assert reader is not None
    reader.simulation.place(PERSON.finger_seed, Finger.RIGHT_THUMB)
    qtbot.waitUntil(lambda: flow.slot(Finger.RIGHT_THUMB).accepted, timeout=20_000)
    reader.simulation.lift()
    qtbot.waitUntil(lambda: screen.live.running and screen.live.run.key is Finger.RIGHT_INDEX)
    qtbot.waitUntil(lambda: screen.live.run.saw_empty)  # the reader saw the glass empty
    reader.simulation.place(PERSON.finger_seed, Finger.RIGHT_THUMB)  # the thumb again
    index = flow.slot(Finger.RIGHT_INDEX)
    qtbot.waitUntil(lambda: index.last is Verdict.DUPLICATE, timeout=20_000)
    assert "mismo dedo que el pulgar derecho" in screen.status.text()
    assert index.best is None and screen.hands.marks[Finger.RIGHT_INDEX].state == "live"
    shot(signed_in, "fingers-duplicate")
    reader.simulation.lift()


def test_below_the_threshold_the_best_print_is_accepted_with_the_operators_confirmation(
    qtbot: QtBot, signed_in: Shell
) -> None:
    flow = at_fingers(qtbot, signed_in)
    screen = signed_in.screen("fingers")
    for score in (21, 33, 27):
        flow.offer(attempt(score))
    slot = flow.slot(Finger.RIGHT_THUMB)
    assert slot.last is Verdict.NEEDS_CONFIRMATION
    assert screen.confirm.isVisible() and not screen.hands.isVisible()
    assert "calidad 33" in screen.confirm.question.text() and not screen.confirm.username.isVisible()
    assert screen.preview.has_frame  # the print that would be accepted
    qtbot.waitUntil(lambda: not screen.live.running)  # nothing is captured while the clerk decides
    shot(signed_in, "fingers-below-threshold")
    qtbot.mouseClick(screen.confirm.cancel, Qt.MouseButton.LeftButton)  # not yet: the decision waits
    assert screen.accept_button.isVisible() and screen.hands.isVisible() and not screen.live.running
    qtbot.mouseClick(screen.accept_button, Qt.MouseButton.LeftButton)
    assert screen.confirm.isVisible() and not screen.accept_button.isVisible()
    assert screen.confirm.confirm.hasFocus()
    qtbot.keyClick(screen.confirm.confirm, Qt.Key.Key_Return)  # Enter confirms
    assert slot.accepted_below_threshold and flow.current is Finger.RIGHT_INDEX
    qtbot.waitUntil(lambda: screen.hands.marks[Finger.RIGHT_INDEX].state == "live")
    assert screen.hands.marks[Finger.RIGHT_THUMB].state == "below_threshold"
    assert screen.hands.marks[Finger.RIGHT_THUMB].text == "33" and screen.hands.isVisible()
    qtbot.waitUntil(lambda: screen.live.running and screen.live.run.key is Finger.RIGHT_INDEX)


def test_an_exception_ahead_of_time_needs_the_supervisor(qtbot: QtBot, signed_in: Shell) -> None:
    flow = at_fingers(qtbot, signed_in)
    screen = signed_in.screen("fingers")
    qtbot.mouseClick(
        screen.hands, Qt.MouseButton.LeftButton, pos=screen.hands.centre_of(Finger.LEFT_RING).toPoint()
    )
    panel = screen.exceptions
    assert panel.isVisible() and panel.finger.currentData() is Finger.LEFT_RING
    qtbot.waitUntil(lambda: screen.live.running)  # another finger: the thumb's capture goes on
    qtbot.mouseClick(panel.proceed, Qt.MouseButton.LeftButton)
    assert panel.hint.text() == "Elija el motivo"
    qtbot.mouseClick(panel.radios["amputated"], Qt.MouseButton.LeftButton)
    shot(signed_in, "fingers-exception-panel")
    qtbot.mouseClick(panel.proceed, Qt.MouseButton.LeftButton)
    confirm = screen.confirm
    assert confirm.isVisible() and confirm.username.isVisible() and not panel.isVisible()
    assert "anular izquierdo" in confirm.question.text() and "XX" in confirm.question.text()
    qtbot.keyClicks(confirm.username, "supervisora")
    qtbot.keyClicks(confirm.password, "mala")
    qtbot.keyClick(confirm.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(confirm.error.text()))
    assert flow.slot(Finger.LEFT_RING).exception is None
    shot(signed_in, "fingers-exception-supervisor-refused")
    qtbot.keyClicks(confirm.password, "correcta")
    qtbot.keyClick(confirm.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: flow.slot(Finger.LEFT_RING).exception is not None)
    exception = flow.slot(Finger.LEFT_RING).exception
    assert exception.code == "XX" and exception.reason == "amputated" and exception.supervisor_id
    qtbot.waitUntil(lambda: screen.hands.marks[Finger.LEFT_RING] == FingerMark("exception", "XX"))
    assert "amputado" in screen.status.text() and flow.current is Finger.RIGHT_THUMB
    shot(signed_in, "fingers-exception-recorded")


def test_a_bandaged_current_finger_stops_its_capture_and_asks_for_a_return_visit(
    qtbot: QtBot, signed_in: Shell, bench: Bench
) -> None:
    bench.set_policy(**{"fingers.exceptions_need_supervisor": False})
    signed_in.desk.enrolment.wipe("stopped")  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: signed_in.desk.enrolment is not None and not signed_in.desk.enrolment.ended)
    flow = at_fingers(qtbot, signed_in)
    screen = signed_in.screen("fingers")
    qtbot.waitUntil(lambda: screen.live.running)
    qtbot.mouseClick(screen.exception_button, Qt.MouseButton.LeftButton)
    assert screen.exceptions.finger.currentData() is Finger.RIGHT_THUMB
    qtbot.waitUntil(lambda: not screen.live.running)  # not while recording this very finger
    qtbot.mouseClick(screen.exceptions.radios["bandaged"], Qt.MouseButton.LeftButton)
    assert "temporal" in screen.exceptions.hint.text()
    qtbot.keyClick(screen.exceptions, Qt.Key.Key_Return)
    assert not screen.confirm.username.isVisible()  # the operator's own confirmation
    qtbot.mouseClick(screen.confirm.confirm, Qt.MouseButton.LeftButton)
    assert flow.slot(Finger.RIGHT_THUMB).exception is not None and flow.current is Finger.RIGHT_INDEX
    assert "visita de regreso" in screen.status.text()
    qtbot.waitUntil(lambda: screen.live.running and screen.live.run.key is Finger.RIGHT_INDEX)
    shot(signed_in, "fingers-exception-temporary")


def test_other_needs_a_note_before_anybody_is_asked(qtbot: QtBot, signed_in: Shell) -> None:
    at_fingers(qtbot, signed_in)
    screen = signed_in.screen("fingers")
    screen.open_exception(Finger.LEFT_LITTLE)
    qtbot.mouseClick(screen.exceptions.radios["other"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.exceptions.proceed, Qt.MouseButton.LeftButton)
    assert "nota" in screen.exceptions.hint.text() and not screen.confirm.isVisible()
    qtbot.keyClicks(screen.exceptions.note, "cicatriz de quemadura reciente")
    qtbot.keyClick(screen.exceptions.note, Qt.Key.Key_Return)
    assert screen.confirm.isVisible()
    qtbot.mouseClick(screen.confirm.cancel, Qt.MouseButton.LeftButton)
    assert screen.hands.isVisible() and not screen.confirm.isVisible()


def test_when_every_attempt_was_another_finger_only_an_exception_is_offered(
    qtbot: QtBot, signed_in: Shell
) -> None:
    flow = at_fingers(qtbot, signed_in)
    screen = signed_in.screen("fingers")
    for _ in range(3):
        flow.offer(attempt(60, duplicate_of=Finger.LEFT_INDEX))
    assert flow.slot(Finger.RIGHT_THUMB).last is Verdict.NEEDS_EXCEPTION
    assert screen.exceptions.isVisible() and screen.exceptions.finger.currentData() is Finger.RIGHT_THUMB
    qtbot.waitUntil(lambda: "excepción" in screen.status.text())
    assert not screen.accept_button.isVisible()
    qtbot.waitUntil(lambda: not screen.live.running)


def test_an_unplugged_reader_loses_nothing_and_capture_resumes_when_it_is_back(
    qtbot: QtBot, signed_in: Shell, bench: Bench
) -> None:
    bench.station.devices.watch(interval=0.1)  # the station's hot-plug monitor, as in the window
    flow = at_fingers(qtbot, signed_in)
    screen = signed_in.screen("fingers")
    flow.offer(attempt(71))  # the thumb is done
    reader = bench.station.devices.reader
    assert reader is not None
    qtbot.waitUntil(lambda: screen.live.running and screen.live.run.key is Finger.RIGHT_INDEX)
    qtbot.waitUntil(lambda: screen.preview.painted > 0)
    bench.hardware.unplug(reader.device_id)  # mid-capture
    qtbot.waitUntil(lambda: "desconectó" in screen.status.text())
    qtbot.waitUntil(lambda: not screen.live.running)
    assert not screen.preview.has_frame and screen.preview.text() == "El lector de huellas no está conectado"
    thumb = flow.slot(Finger.RIGHT_THUMB)
    assert flow.step is Step.FINGERS and thumb.accepted and thumb.best is not None and thumb.best.image.any()
    assert screen.hands.marks[Finger.RIGHT_THUMB].state == "accepted"
    shot(signed_in, "fingers-reader-unplugged")
    bench.hardware.replug(reader.device_id)
    qtbot.waitUntil(lambda: screen.live.running, timeout=10_000)
    assert "conectado de nuevo" in screen.status.text() and screen.live.run.key is Finger.RIGHT_INDEX
    back = bench.station.devices.reader
    assert back is not None
    back.simulation.place(PERSON.finger_seed, Finger.RIGHT_INDEX)
    qtbot.waitUntil(lambda: flow.slot(Finger.RIGHT_INDEX).accepted, timeout=20_000)
    back.simulation.lift()


def test_a_wipe_stops_the_capture_and_leaves_no_image(qtbot: QtBot, signed_in: Shell, bench: Bench) -> None:
    flow = at_fingers(qtbot, signed_in)
    screen = signed_in.screen("fingers")
    reader = bench.station.devices.reader
    assert reader is not None
    flow.offer(attempt(64))
    reader.simulation.place(PERSON.finger_seed, Finger.RIGHT_INDEX)
    qtbot.waitUntil(lambda: screen.preview.painted > 3)
    run = screen.live.run
    assert run is not None
    flow.wipe("idle")
    assert run.cancel.is_set()
    assert not screen.preview.has_frame and screen.preview._array is None
    assert screen.hands.marks == {} and screen.status.text() == "" and screen.guidance.text() == ""
    assert screen.quality.value is None and screen.flow is None
    qtbot.waitUntil(lambda: not screen.live.running)
    reader.simulation.lift()


def test_leaving_the_screen_cancels_the_capture(qtbot: QtBot, signed_in: Shell) -> None:
    flow = at_fingers(qtbot, signed_in)
    screen = signed_in.screen("fingers")
    qtbot.waitUntil(lambda: screen.live.running)
    while flow.current is not None:
        flow.offer(attempt(66))
    assert flow.step is Step.FACE and signed_in.window.current_screen == "face"
    qtbot.waitUntil(lambda: not screen.live.running)
    reader = signed_in.desk.station.devices.reader
    assert reader is not None and reader._owner is None  # the reader is free


def test_the_screen_fits_the_window_whatever_panel_is_open(qtbot: QtBot, signed_in: Shell) -> None:
    """1280x800 with the demo's side panel (260 px), the station bar and the status line."""
    flow = at_fingers(qtbot, signed_in)
    screen = signed_in.screen("fingers")

    def fits() -> bool:
        hint = screen.minimumSizeHint()
        return hint.width() <= 1000 and hint.height() <= 700

    assert fits()
    screen.open_exception(Finger.LEFT_RING)
    screen.exceptions.radios["other"].setChecked(True)
    screen.exceptions.go_on()  # no note: the panel says so
    assert fits()
    qtbot.keyClicks(screen.exceptions.note, "x")
    screen.exceptions.go_on()
    assert screen.confirm.isVisible() and fits()
    qtbot.mouseClick(screen.confirm.cancel, Qt.MouseButton.LeftButton)
    for score in (21, 33, 27):
        flow.offer(attempt(score))
    assert screen.confirm.isVisible() and fits()


def test_a_retake_from_the_review_captures_that_finger_again(qtbot: QtBot, signed_in: Shell) -> None:
    from tests.fixtures.enrolment import all_fingers, face_capture

    flow = at_fingers(qtbot, signed_in)
    screen = signed_in.screen("fingers")
    all_fingers(flow)
    flow.offer_face(face_capture())
    assert flow.step is Step.REVIEW
    flow.retake_finger(Finger.LEFT_INDEX)
    assert signed_in.window.current_screen == "fingers"
    qtbot.waitUntil(lambda: screen.live.running and screen.live.run.key is Finger.LEFT_INDEX)
    assert screen.hands.marks[Finger.LEFT_INDEX].state == "live"
    assert screen.hands.marks[Finger.RIGHT_THUMB].state == "accepted"
