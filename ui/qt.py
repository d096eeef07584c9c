"""The one door to Qt: every Qt import in the project goes through here (Anki's lesson).

Keeping them in one module makes a Qt upgrade or a binding change a one-file affair.
"""

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "QApplication",
    "QGuiApplication",
    "QIcon",
    "QImage",
    "QLabel",
    "QMainWindow",
    "QObject",
    "QPixmap",
    "QRunnable",
    "QStackedWidget",
    "QStatusBar",
    "QThreadPool",
    "QTimer",
    "QVBoxLayout",
    "QWidget",
    "Qt",
    "Signal",
    "Slot",
]
