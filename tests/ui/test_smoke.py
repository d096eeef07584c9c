from pathlib import Path

from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow
from ui.qt import QLabel


def test_main_window_opens_offscreen_and_is_screenshotted(qtbot: QtBot, tmp_path: Path) -> None:
    window = MainWindow("es_MX", demo=True)
    qtbot.addWidget(window)
    window.add_screen("welcome", QLabel("Bienvenida"))
    window.show_screen("welcome")
    window.show()
    qtbot.waitExposed(window)
    shot = tmp_path / "main-window.png"
    assert window.grab().save(str(shot))
    assert shot.stat().st_size > 1000
    assert "DEMOSTRACIÓN" in window.windowTitle()
    assert window.status.text() == "Lista"


def test_english_window(qtbot: QtBot) -> None:
    window = MainWindow("en")
    qtbot.addWidget(window)
    assert window.windowTitle() == "Biometric enrolment station"


def test_the_application_hands_the_interpreter_to_the_window_quickly() -> None:
    """A new application shortens Python's switch interval, so a worker running Python makes the window
    wait at most a millisecond each time Qt calls back (the default 5 ms added up to stalls)."""
    import os
    import subprocess
    import sys

    code = "import sys; from ui.app import application; application(); print(sys.getswitchinterval())"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert float(done.stdout.strip()) == 0.001
