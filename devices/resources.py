"""Find the shipped resources (the demo portrait) without importing the kiosk.

Same search order as `kiosk.resources`, kept separate because this layer must stand alone: an explicit
path, `KIOSK_RESOURCES`, a PyInstaller bundle, the source checkout, then the installed wheel's copy.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DEMO_PORTRAIT = ("demo", "astronaut.png")


def resources_dir(override: str | Path | None = None) -> Path:
    candidates: list[Path] = []
    if override:
        candidates.append(Path(override))
    if os.environ.get("KIOSK_RESOURCES"):
        candidates.append(Path(os.environ["KIOSK_RESOURCES"]))
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "resources")
    root = Path(__file__).resolve().parents[1]
    candidates += [root / "resources", root / "kiosk" / "_resources"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("resources not found; looked in " + ", ".join(map(str, candidates)))


def demo_portrait(override: str | Path | None = None) -> Path:
    """The bundled public-domain portrait the simulated camera shows (see resources/demo/PROVENANCE.md)."""
    return resources_dir(override).joinpath(*DEMO_PORTRAIT)
