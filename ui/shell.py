"""The whole application put together: translator, background helper, bridge, window, screens, controller.

`kiosk run`, `kiosk demo`, the autopilot and the widget tests all build the window through `Shell`, so
what the tests drive is what the clerk uses. Kiosk mode (`kiosk run --kiosk`) is full screen without a
frame, and the window only closes for an authorised exit (a supervisor or technician signs for it).
"""

from __future__ import annotations

from typing import Any

from kiosk.enrol.desk import Desk
from kiosk.messages import Message
from ui.background import Background
from ui.bridge import Bridge
from ui.consoles.host import ConsoleHost
from ui.context import UiContext
from ui.controller import Controller
from ui.i18n import Translator
from ui.main_window import MainWindow
from ui.qt import QApplication, QKeySequence, QShortcut, Qt
from ui.screens.blocked import BlockedScreen
from ui.screens.consent import ConsentScreen
from ui.screens.face import FaceScreen
from ui.screens.fingers import FingersScreen
from ui.screens.identity import IdentityScreen
from ui.screens.login import LoginScreen
from ui.screens.lookup import LookupScreen
from ui.screens.no_enrolment import NoEnrolmentScreen
from ui.screens.receipt import ReceiptScreen
from ui.screens.review import ReviewScreen
from ui.screens.submit import SubmitScreen
from ui.style import SHEET
from ui.widgets.exit_panel import ExitPanel

SCREENS = (
    LoginScreen,
    LookupScreen,
    IdentityScreen,
    ConsentScreen,
    FingersScreen,
    FaceScreen,
    ReviewScreen,
    SubmitScreen,
    ReceiptScreen,
    BlockedScreen,
    NoEnrolmentScreen,
    ConsoleHost,
)


class Shell:
    def __init__(
        self, desk: Desk, language: str = "es_MX", *, demo: Any = None, kiosk_mode: bool = False
    ) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication), "create the QApplication first (ui.app.application)"
        app.setStyleSheet(SHEET)
        self.desk = desk
        self.tr = Translator(language)
        self.background = Background()
        self.bridge = Bridge()
        self.ui = UiContext(self.tr, self.background, self.bridge, desk, demo)
        self.window = MainWindow(
            self.tr, demo=demo is not None, status=desk.status, on_activity=desk.activity
        )
        self.screens: dict[str, Any] = {}
        for cls in SCREENS:
            screen = cls(self.ui)
            self.screens[cls.name] = screen
            self.window.add_screen(cls.name, screen)
        self.controller = Controller(self.ui, self.window, self.screens)
        self.screens["blocked"].on_retry = self.controller.next_person
        self.background.failed.connect(self._unexpected)
        self.window.watch_activity(app)
        self.kiosk_mode = kiosk_mode
        self.exit_allowed = not kiosk_mode
        self.exit_panel = ExitPanel(self.tr, desk, self.background, self.window)
        self.window.add_overlay(self.exit_panel)
        if kiosk_mode:
            self.window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self.window.closeEvent = self._close_in_kiosk_mode  # type: ignore[method-assign]
            self.exit_shortcut = QShortcut(QKeySequence("Ctrl+Alt+Q"), self.window)
            self.exit_shortcut.activated.connect(self.request_exit)

    def show(self) -> None:
        if self.kiosk_mode:
            self.window.showFullScreen()
        else:
            self.window.show()

    def screen(self, name: str) -> Any:
        return self.screens[name]

    def _unexpected(self, exc: BaseException) -> None:
        from kiosk.errors import KioskError

        message = (
            exc.message
            if isinstance(exc, KioskError)
            else Message("ui.unexpected", {"error": type(exc).__name__})
        )
        self.window.set_status(message)

    # -- kiosk mode: no way out but an authorised exit ------------------------------------------------------
    def request_exit(self) -> None:
        self.exit_panel.ask(self._exit_authorised)

    def _exit_authorised(self) -> None:
        self.exit_allowed = True
        self.window.close()

    def _close_in_kiosk_mode(self, event: Any) -> None:
        if self.exit_allowed:
            event.accept()
        else:
            event.ignore()

    def close(self) -> None:
        """Wipe whoever is being served, sign out, and let the pool finish."""
        if self.desk.signed_in:
            self.desk.logout("shutdown")()
        self.background.wait(10_000)
        self.exit_allowed = True
        self.window.close()
