"""Creating the QApplication once, with the station's look, for `kiosk run`, `kiosk demo` and the tests."""

from __future__ import annotations

import os
import sys

from kiosk.errors import KioskError
from ui.qt import QApplication


def has_display() -> bool:
    """Qt aborts the whole process when it finds no screen; we would rather say so in one line."""
    if os.environ.get("QT_QPA_PLATFORM") or not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    if not has_display():
        raise KioskError("ui.no_display")
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("kiosk")
    app.setOrganizationName("kiosk")
    return app
