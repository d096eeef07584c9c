"""Creating the QApplication once, with the station's look, for `kiosk run`, `kiosk demo` and the tests."""

from __future__ import annotations

import os
import sys

from kiosk.errors import KioskError
from ui.qt import QApplication, qInstallMessageHandler


def has_display() -> bool:
    """Qt aborts the whole process when it finds no screen; we would rather say so in one line."""
    if os.environ.get("QT_QPA_PLATFORM") or not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


NOISE = ("This plugin does not support propagateSizeHints()",)  # the offscreen platform, harmless


def _quiet_qt(kind: object, context: object, message: str) -> None:
    """Qt's own warnings go to stderr as before, but not the offscreen platform's harmless chatter."""
    if message not in NOISE:
        sys.stderr.write(message + "\n")


GUI_SWITCH_INTERVAL = 0.001  # seconds; Python's default, 5 ms, let a busy worker add up to stalls


def application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    if not has_display():
        raise KioskError("ui.no_display")
    qInstallMessageHandler(_quiet_qt)
    # Workers (face analysis, NFIQ 2, sealing) run Python beside the window; each time Qt calls back into
    # Python (an event, a paint) the window's thread waits for the interpreter's lock up to this long.
    sys.setswitchinterval(GUI_SWITCH_INTERVAL)
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("kiosk")
    app.setOrganizationName("kiosk")
    return app
