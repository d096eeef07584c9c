"""The station's window: a stack of screens under a status bar.

Screens are added by the application as the enrolment flow grows; the window itself only knows how to
show one screen at a time and the station's status line.
"""

from __future__ import annotations

from kiosk.messages import Message
from ui.qt import QLabel, QMainWindow, QStackedWidget, Qt, QWidget


class MainWindow(QMainWindow):
    def __init__(self, language: str = "es_MX", demo: bool = False) -> None:
        super().__init__()
        self.language = language
        self.setObjectName("MainWindow")
        self.setWindowTitle(Message("ui.window_title_demo" if demo else "ui.window_title").render(language))
        self.resize(1280, 800)
        self.screens = QStackedWidget(self)
        self.setCentralWidget(self.screens)
        self.status = QLabel(self)
        self.statusBar().addPermanentWidget(self.status, 1)
        self.set_status(Message("ui.status_ready"))

    def add_screen(self, name: str, widget: QWidget) -> None:
        widget.setObjectName(name)
        self.screens.addWidget(widget)

    def show_screen(self, name: str) -> None:
        widget = self.screens.findChild(QWidget, name, Qt.FindChildOption.FindDirectChildrenOnly)
        if widget is None:
            raise KeyError(name)
        self.screens.setCurrentWidget(widget)

    def set_status(self, message: Message) -> None:
        self.status.setText(message.render(self.language))
