"""A role without enrolment work at this window (a technician): said plainly, with nothing of any person."""

from __future__ import annotations

from typing import Any

from kiosk.messages import Message
from ui.screens.base import Screen


class NoEnrolmentScreen(Screen):
    name = "no_enrolment"
    heading_code = "ui.no_enrolment.heading"

    def __init__(self, ui: Any) -> None:
        super().__init__(ui)
        self.layout_.addWidget(self.label(Message("ui.no_enrolment.explained"), "subheading"))
        self.layout_.addStretch(1)
