"""The station's window: the station bar, the idle warning, and one screen at a time.

The window only shows; `ui.controller.Controller` decides nothing either, it maps what the desk and
the flow say (signed in, step changed, visit ended) to which screen is shown. Every key press and
touch anywhere in the window counts as activity for the idle timer (an event filter), so the
operator and the person are never timed out while they work.
"""

from __future__ import annotations

from typing import Any

from kiosk.messages import Message
from ui.i18n import Translator
from ui.qt import (
    QEvent,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QObject,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.widgets.station_bar import StationBar

ACTIVITY_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.Wheel,
}


class MainWindow(QMainWindow):
    def __init__(
        self,
        tr: Translator | str = "es_MX",
        demo: bool = False,
        status: Any = None,
        on_activity: Any = None,
    ) -> None:
        super().__init__()
        self.i18n = tr if isinstance(tr, Translator) else Translator(tr)
        self.language = self.i18n.language
        self.demo = demo
        self.on_activity = on_activity
        self.setObjectName("MainWindow")
        self.i18n.bind(self, "window_title", Message("ui.window_title_demo" if demo else "ui.window_title"))
        self.resize(1280, 800)
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.bar = StationBar(self.i18n, status or _no_status, central)
        column.addWidget(self.bar)
        self.idle_banner = QFrame(central)
        self.idle_banner.setObjectName("idlebanner")
        idle_row = QHBoxLayout(self.idle_banner)
        idle_row.setContentsMargins(16, 8, 16, 8)
        self.idle_label = QLabel(self.idle_banner)
        self.i18n.data(self.idle_label)
        idle_row.addWidget(self.idle_label)
        column.addWidget(self.idle_banner)
        self.idle_banner.hide()
        self.overlays = QVBoxLayout()
        column.addLayout(self.overlays)
        self.screens = QStackedWidget(central)
        self.body = QHBoxLayout()
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.addWidget(self.screens, 1)
        column.addLayout(self.body, 1)
        self.setCentralWidget(central)
        self.status = QLabel(self)
        self.i18n.bind(self.status, "text", Message("ui.status_ready"))
        self.statusBar().addPermanentWidget(self.status, 1)
        self.bar.language.clicked.connect(self.toggle_language)

    # -- screens --------------------------------------------------------------------------------------------
    def add_screen(self, name: str, widget: QWidget) -> None:
        widget.setObjectName(name)
        self.screens.addWidget(widget)

    def screen_widget(self, name: str) -> QWidget:
        widget = self.screens.findChild(QWidget, name, Qt.FindChildOption.FindDirectChildrenOnly)
        if widget is None:
            raise KeyError(name)
        return widget

    def show_screen(self, name: str) -> None:
        widget = self.screen_widget(name)
        self.screens.setCurrentWidget(widget)
        entered = getattr(widget, "entered", None)
        if callable(entered):
            entered()

    def add_overlay(self, panel: QWidget) -> None:
        """A panel under the bars, above every screen (the kiosk-mode exit)."""
        self.overlays.addWidget(panel)

    def add_side_panel(self, panel: QWidget) -> None:
        """The demo's panel beside the screens (a real station has none)."""
        self.body.addWidget(panel)

    @property
    def current_screen(self) -> str:
        widget = self.screens.currentWidget()
        return widget.objectName() if widget is not None else ""

    # -- language, status, idle -----------------------------------------------------------------------------
    def toggle_language(self) -> None:
        self.i18n.set_language("en" if self.i18n.language == "es_MX" else "es_MX")
        self.language = self.i18n.language

    def set_status(self, message: Message) -> None:
        self.i18n.bind(self.status, "text", message)

    def show_idle(self, seconds_left: float | None) -> None:
        if seconds_left is None:
            self.idle_banner.hide()
            return
        self.idle_label.setText(self.i18n("ui.idle.warning", seconds=max(0, round(seconds_left))))
        self.idle_banner.show()

    # -- activity -------------------------------------------------------------------------------------------
    def watch_activity(self, app: QObject) -> None:
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in ACTIVITY_EVENTS and self.on_activity is not None:
            self.on_activity()
        return False


def _no_status() -> dict[str, Any]:
    return {
        "operator": None,
        "name": "-",
        "station_id": "-",
        "online": False,
        "pending": 0,
        "rejected": 0,
        "reader_ready": False,
        "camera_ready": False,
        "policy_version": 0,
        "frozen_message": None,
    }
