"""What the capture screens' tests share: reaching the fingers step in the window, and screenshots.

Screenshots are taken only when `KIOSK_CAPTURE_SHOTS` names a folder (a developer looking at the screens;
the people on them are the bench's synthetic ones), in Spanish and in English.
"""

from __future__ import annotations

import os
from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.enrol.flow import Enrolment, Step
from tests.fixtures.enrolment import all_fingers, to_fingers
from ui.qt import QApplication
from ui.shell import Shell


def at_fingers(qtbot: QtBot, shell: Shell) -> Enrolment:
    flow = shell.desk.enrolment
    assert flow is not None
    to_fingers(flow)
    assert flow.step is Step.FINGERS and shell.window.current_screen == "fingers"
    return flow


def shot(shell: Shell, name: str) -> None:
    folder = os.environ.get("KIOSK_CAPTURE_SHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    window = shell.window
    for language in ("es_MX", "en"):
        if window.i18n.language != language:
            window.toggle_language()
        QApplication.processEvents()  # pending layouts first, as the event loop would
        window.grab().save(str(Path(folder) / f"{name}-{language}.png"))
    if window.i18n.language != "es_MX":
        window.toggle_language()


def at_face(qtbot: QtBot, shell: Shell, scene: str = "no_face") -> Enrolment:
    """Every finger done; the simulated camera films `scene` (nobody, by default: no photo by accident)."""
    camera = shell.desk.station.devices.camera
    assert camera is not None
    camera.simulation.set_scene(scene)
    flow = at_fingers(qtbot, shell)
    all_fingers(flow)
    assert flow.step is Step.FACE and shell.window.current_screen == "face"
    return flow
