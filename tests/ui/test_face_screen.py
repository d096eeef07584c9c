"""The face screen over the real flow and the simulated camera: the live preview with its guide, the
automatic photo, a photo failing its checks and accepted below them, nobody in front, and a wipe."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.enrol.face import FaceVerdict
from kiosk.enrol.flow import Step
from tests.fixtures.enrolment import Bench, face_capture
from tests.ui.capture_helpers import at_face, shot
from ui.qt import Qt
from ui.shell import Shell


def test_nobody_in_front_gets_guidance_and_no_photo(qtbot: QtBot, signed_in: Shell) -> None:
    flow = at_face(qtbot, signed_in, "no_face")
    screen = signed_in.screen("face")
    qtbot.waitUntil(lambda: screen.analysed >= 5 and screen.preview.painted >= 3, timeout=20_000)
    assert screen.guidance.text() == "No se ve ninguna cara: mire a la cámara"
    assert screen.preview.progress == 0.0 and not screen.preview.passing
    assert flow.face.attempts == 0 and flow.step is Step.FACE and not screen.confirm.isVisible()
    assert screen.preview.has_frame and not screen.preview.oval_rect(screen.preview.frame_rect()).isEmpty()
    shot(signed_in, "face-nobody")


def test_a_steady_face_is_photographed_by_itself(qtbot: QtBot, signed_in: Shell, bench: Bench) -> None:
    """The real path: analysis in the worker, the run of passing frames, the still judged, the review."""
    bench.set_policy(**{"face.pitch_max": 12.0})  # the demo portrait looks a little down (see devices.sim)
    signed_in.desk.enrolment.wipe("stopped")  # type: ignore[union-attr]  # a visit under the new policy
    qtbot.waitUntil(lambda: signed_in.desk.enrolment is not None and not signed_in.desk.enrolment.ended)
    flow = at_face(qtbot, signed_in, "normal")
    screen = signed_in.screen("face")
    qtbot.waitUntil(lambda: screen.preview.progress > 0, timeout=20_000)
    shot(signed_in, "face-counting")
    qtbot.waitUntil(lambda: flow.step is Step.REVIEW, timeout=30_000)
    assert flow.face.best is not None and flow.face.best.passed and flow.face.attempts == 1
    assert signed_in.window.current_screen == "review"
    assert screen.preview.still and "Foto aceptada" in screen.status.text()  # the photo taken
    qtbot.waitUntil(lambda: not screen.live.running)


def test_a_failing_photo_is_retaken_then_accepted_below_the_checks(qtbot: QtBot, signed_in: Shell) -> None:
    flow = at_face(qtbot, signed_in)
    screen = signed_in.screen("face")
    qtbot.waitUntil(lambda: screen.live.running)
    assert flow.offer_face(face_capture(passed=False, score=41.0)) is FaceVerdict.RETRY
    assert "Intento 1 de 3" in screen.status.text()
    assert "inclinación hacia arriba o abajo" in screen.status.text()
    shot(signed_in, "face-retry")
    flow.offer_face(face_capture(passed=False, score=44.0))
    assert flow.offer_face(face_capture(passed=False, score=38.0)) is FaceVerdict.NEEDS_CONFIRMATION
    assert screen.confirm.isVisible() and not screen.confirm.username.isVisible()
    assert "inclinación hacia arriba o abajo" in screen.confirm.question.text()
    assert screen.preview.still and screen.preview._array is flow.face.best.token  # the one to accept
    qtbot.waitUntil(lambda: not screen.live.running)  # nothing is filmed while the clerk decides
    shot(signed_in, "face-below-checks")
    qtbot.mouseClick(screen.confirm.cancel, Qt.MouseButton.LeftButton)
    assert screen.accept_button.isVisible() and not screen.live.running
    qtbot.mouseClick(screen.accept_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.confirm.confirm, Qt.MouseButton.LeftButton)
    assert flow.step is Step.REVIEW and flow.face.accepted_below_threshold
    assert signed_in.window.current_screen == "review"


def test_a_wipe_stops_the_camera_job_and_leaves_no_image(qtbot: QtBot, signed_in: Shell) -> None:
    flow = at_face(qtbot, signed_in)
    screen = signed_in.screen("face")
    for _ in range(3):
        flow.offer_face(face_capture(passed=False))
    assert screen.preview.still
    flow.wipe("idle")
    assert not screen.preview.has_frame and screen.preview._array is None and not screen.preview.still
    assert screen.status.text() == "" and screen.guidance.text() == "" and not screen.confirm.isVisible()
    assert screen.flow is None
    qtbot.waitUntil(lambda: not screen.live.running)


def test_the_preview_keeps_the_frame_it_was_given_without_a_copy(qtbot: QtBot, signed_in: Shell) -> None:
    import numpy as np

    screen = signed_in.screen("face")
    frame = np.zeros((480, 640, 3), np.uint8)
    screen.preview.show_frame(frame)
    assert screen.preview._array is frame  # painted straight from the frame's own pixels
    screen.preview.show_frame(frame[:, ::2])  # a strided view is made contiguous, once
    assert screen.preview._array is not frame and screen.preview._array.flags.c_contiguous
    screen.preview.clear()


def test_a_retake_from_the_review_starts_afresh(qtbot: QtBot, signed_in: Shell) -> None:
    flow = at_face(qtbot, signed_in)
    screen = signed_in.screen("face")
    flow.offer_face(face_capture(passed=True))
    assert flow.step is Step.REVIEW and screen.preview.still
    flow.retake_face()
    assert signed_in.window.current_screen == "face"
    assert not screen.preview.still
    qtbot.waitUntil(lambda: screen.live.running)
