"""The identity screen (being built: issue 10)."""

from __future__ import annotations

from typing import Any

from ui.screens.base import Screen


class IdentityScreen(Screen):
    name = "identity"
    heading_code = "ui.identity.heading"

    def __init__(self, ui: Any) -> None:
        super().__init__(ui)
        self.layout_.addStretch(1)
