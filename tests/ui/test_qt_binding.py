"""The Qt binding must not steal references from None.

PySide6 6.12.0 on Python 3.11 returns None from every void method (`setText`, `update`, every QPainter
draw) without taking a reference, so None's count runs down by one per call until Python aborts
(`none_dealloc`): a window painting its live previews at 15-30 fps died within minutes, and `kiosk bench`
crashed on exit. pyproject.toml keeps the binding below that release; this test fails on a binding that
has the fault.
"""

from __future__ import annotations

import gc
import sys

from pytestqt.qtbot import QtBot

from ui.qt import QColor, QImage, QLabel, QPainter, QRectF


def test_void_calls_leave_none_alone(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    image = QImage(64, 64, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        gc.collect()
        before = sys.getrefcount(None)
        for _ in range(300):
            label.setText("x")
            painter.fillRect(QRectF(0, 0, 8, 8), QColor("#0b5d4b"))
        gc.collect()
        after = sys.getrefcount(None)
    finally:
        painter.end()
    assert after - before > -100, f"600 void calls took {before - after} references from None"
