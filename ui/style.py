"""The station's look: calm, high contrast, big touch targets (48 px and up), one accent colour.

Colours carry meaning and only that: green accepted, amber needs a decision, red refused or broken,
blue the thing to do now. Text is never smaller than 15 px; the person at the window may be reading
the screen from a step back.
"""

from __future__ import annotations

from typing import Any

ACCENT = "#0b5d4b"  # institutional green
ACCENT_DARK = "#083f33"
OK = "#1e7b34"
WARN = "#b26a00"
BAD = "#b3261e"
NOW = "#1f5fbf"
INK = "#1b1f23"
MUTED = "#5b6570"
PAPER = "#f6f7f5"
CARD = "#ffffff"
LINE = "#d4d9d6"

STATE_COLOURS = {
    "pending": "#9aa3ab",
    "live": NOW,
    "accepted": OK,
    "below_threshold": WARN,
    "exception": BAD,
}

SHEET = f"""
QWidget {{ font-size: 16px; color: {INK}; }}
QMainWindow, QStackedWidget > QWidget {{ background: {PAPER}; }}
QLabel#heading {{ font-size: 26px; font-weight: 600; color: {ACCENT_DARK}; }}
QLabel#subheading {{ font-size: 18px; color: {MUTED}; }}
QLabel#hint {{ font-size: 15px; color: {MUTED}; }}
QLabel#error {{ font-size: 17px; color: {BAD}; font-weight: 600; }}
QLabel#ok {{ font-size: 17px; color: {OK}; font-weight: 600; }}
QLabel#warning {{ font-size: 17px; color: {WARN}; font-weight: 600; }}
QLabel#flag {{ font-size: 22px; font-weight: 700; color: white; background: {OK}; padding: 8px 16px;
               border-radius: 6px; }}
QLabel#flag[tone="warn"] {{ background: {WARN}; }}
QLabel#flag[tone="bad"] {{ background: {BAD}; }}
QLabel#guidance {{ font-size: 24px; font-weight: 600; color: {NOW}; }}
QFrame#card {{ background: {CARD}; border: 1px solid {LINE}; border-radius: 10px; }}
QFrame#stationbar {{ background: {ACCENT_DARK}; }}
QFrame#stationbar QLabel {{ color: white; font-size: 15px; }}
QFrame#stationbar QPushButton {{ min-height: 36px; min-width: 44px; padding: 4px 12px; font-size: 15px;
                                 background: {ACCENT}; color: white; border: 1px solid #2c7a68; }}
QFrame#demopanel {{ background: #fbf7e9; border: 1px dashed {WARN}; border-radius: 10px; }}
QFrame#demopanel QPushButton {{ font-size: 13px; min-width: 0; padding: 4px 6px; min-height: 36px; }}
QFrame#demopanel QComboBox {{ font-size: 14px; }}
QFrame#demopanel QLabel {{ font-size: 14px; }}
QFrame#banner {{ background: {BAD}; }}
QFrame#banner QLabel {{ color: white; font-size: 17px; font-weight: 600; }}
QFrame#idlebanner {{ background: {WARN}; }}
QFrame#idlebanner QLabel {{ color: white; font-size: 18px; font-weight: 600; }}
QPushButton {{ min-height: 48px; min-width: 120px; padding: 6px 18px; border-radius: 8px;
               background: {CARD}; border: 1px solid {LINE}; font-size: 17px; }}
QPushButton:focus {{ border: 3px solid {NOW}; }}
QPushButton#primary {{ background: {ACCENT}; color: white; border: none; font-weight: 600; }}
QPushButton#primary:disabled {{ background: #9fb8b1; }}
QPushButton#danger {{ background: {BAD}; color: white; border: none; }}
QLineEdit, QComboBox {{ min-height: 44px; padding: 4px 10px; font-size: 20px; border: 2px solid {LINE};
                        border-radius: 6px; background: white; }}
QLineEdit:focus, QComboBox:focus {{ border: 2px solid {NOW}; }}
QLineEdit[valid="false"] {{ border: 2px solid {BAD}; }}
QLineEdit[valid="true"] {{ border: 2px solid {OK}; }}
QCheckBox, QRadioButton {{ min-height: 40px; font-size: 17px; spacing: 12px; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 28px; height: 28px; }}
QProgressBar {{ min-height: 22px; border-radius: 6px; border: 1px solid {LINE}; text-align: center; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 6px; }}
QTextBrowser {{ background: white; border: 1px solid {LINE}; font-size: 16px; }}
"""


def restyle(widget: Any, sheet: str) -> None:
    """Give `widget` its own style sheet only when it differs: every call re-polishes the widget and its
    children, which the review paid ten tiles at a time for the same colours."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)
