"""What every screen is given: the translator, the background helper, the thread bridge, the desk."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.enrol.desk import Desk
from ui.background import Background
from ui.bridge import Bridge
from ui.i18n import Translator


@dataclass
class UiContext:
    tr: Translator
    background: Background
    bridge: Bridge
    desk: Desk
    demo: Any = None  # the demo's hooks (simulated devices): the autopilot steers them, screens never do
    options: dict[str, Any] = field(default_factory=dict)
