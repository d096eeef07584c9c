"""Every visible word comes from the catalogue (both languages) and every control has an accessible name.

A literal string in a screen would show Spanish to an English operator (or the reverse) and escape the
catalogue's checks; a control without an accessible name is invisible to a screen reader and to the
autopilot. This walks every screen of the real window, in both languages.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ui.qt import QAbstractButton, QCheckBox, QComboBox, QGroupBox, QLabel, QLineEdit, QRadioButton, QWidget
from ui.shell import Shell

CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QCheckBox, QRadioButton)


def visible_text_problems(shell: Shell, root: QWidget) -> list[str]:
    tr, problems = shell.tr, []
    for widget in [root, *root.findChildren(QWidget)]:
        name = f"{type(widget).__name__} {widget.objectName()!r} in {root.objectName()}"
        if isinstance(widget, CONTROLS) and not widget.accessibleName():
            problems.append(f"no accessible name: {name}")
        if tr.is_data(widget):
            continue
        bound = tr.bound_props(widget)
        if isinstance(widget, QLabel | QAbstractButton) and widget.text() and "text" not in bound:
            problems.append(f"literal text {widget.text()!r}: {name}")
        if isinstance(widget, QLineEdit) and widget.placeholderText() and "placeholder" not in bound:
            problems.append(f"literal placeholder {widget.placeholderText()!r}: {name}")
        if isinstance(widget, QGroupBox) and widget.title() and "title" not in bound:
            problems.append(f"literal title {widget.title()!r}: {name}")
    return problems


def test_every_screen_speaks_from_the_catalogue_in_both_languages(qtbot: QtBot, signed_in: Shell) -> None:
    window = signed_in.window
    for language in ("es_MX", "en"):
        signed_in.tr.set_language(language)
        problems = visible_text_problems(signed_in, window)
        assert not problems, "\n".join(problems)


def test_switching_language_changes_every_bound_text(qtbot: QtBot, signed_in: Shell) -> None:
    def texts() -> dict[int, str]:
        return {
            id(w): w.text()
            for w in signed_in.window.findChildren(QLabel)
            if "text" in signed_in.tr.bound_props(w) and w.text()
        }

    spanish = texts()
    signed_in.tr.set_language("en")
    english = texts()
    changed = sum(1 for key, text in spanish.items() if english.get(key) != text)
    assert changed >= 0.8 * len(spanish), "most labels must change language"
