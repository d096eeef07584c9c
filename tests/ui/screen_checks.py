"""What every screen owes the clerk, checked on a screen as it is shown: no visible text that is neither a
catalogue message nor data (it would not follow the language button), no control without an accessible
name (screen readers and the autopilot find controls by it)."""

from __future__ import annotations

from typing import Any

from ui.qt import QAbstractButton, QComboBox, QLabel, QLineEdit, QWidget


def unfinished(shell: Any, screen: QWidget) -> list[str]:
    tr = shell.tr
    found: list[str] = []
    for widget in screen.findChildren(QWidget):
        if not widget.isVisible():
            continue
        name = f"{type(widget).__name__} {widget.objectName()!r}"
        shows_text = isinstance(widget, QLabel | QAbstractButton) and bool(widget.text().strip())
        if shows_text and "text" not in tr.bound_props(widget) and not tr.is_data(widget):
            found.append(f"{name} shows untranslated text {widget.text()!r}")
        if isinstance(widget, QAbstractButton | QLineEdit | QComboBox) and not widget.accessibleName():
            found.append(f"{name} has no accessible name")
    return found
