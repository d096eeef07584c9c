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
