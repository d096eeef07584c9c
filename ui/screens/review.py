"""The review screen (being built: issue 10)."""

from __future__ import annotations

from typing import Any

from ui.screens.base import Screen


class ReviewScreen(Screen):
    name = "review"
    heading_code = "ui.review.heading"

    def __init__(self, ui: Any) -> None:
        super().__init__(ui)
        self.layout_.addStretch(1)
