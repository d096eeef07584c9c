"""Where the shipped resources (messages, notices, styles, demo media) are found.

A source checkout, an installed wheel and a PyInstaller bundle keep them in different places;
every reader goes through `resource_path` so none of them has to know which one it runs from.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path


@cache
def resources_root() -> Path:
    override = os.environ.get("KIOSK_RESOURCES")
    candidates = []
    if override:
        candidates.append(Path(override))
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "resources")
    here = Path(__file__).resolve().parent
    candidates += [here.parent / "resources", here / "_resources"]
    for candidate in candidates:
        if (candidate / "messages").is_dir():
            return candidate
    raise FileNotFoundError("kiosk resources not found; looked in " + ", ".join(map(str, candidates)))


def resource_path(*parts: str) -> Path:
    return resources_root().joinpath(*parts)
