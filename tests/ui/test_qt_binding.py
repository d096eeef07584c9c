"""The Qt binding itself: every call must leave Python's reference counts as it found them.

PySide6 6.12.0 (shiboken6 6.12.0, built for the stable ABI) returns `None` from every void method
without taking a reference on Python 3.11, where `None` is not yet immortal: each `font.setBold(...)`
costs `None` one reference, and after a few thousand calls (one receipt's QR code alone made 1500)
Python aborts with "none_dealloc: deallocating None". pyproject.toml keeps the binding below 6.12;
this test fails on a binding with that fault.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from ui.qt import QFont, QPainterPath, QRectF


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_void_calls_do_not_steal_references_to_none(qapp: Any) -> None:
    font, path, rect = QFont(), QPainterPath(), QRectF(0, 0, 1, 1)
    before = sys.getrefcount(None)
    for _ in range(500):
        font.setBold(True)
        path.addRect(rect)
    assert sys.getrefcount(None) - before > -50  # a faulty binding loses exactly 1000 here
