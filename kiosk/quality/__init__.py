"""Quality on the spot: NFIQ 2 and the live fingerprint estimate, duplicate fingers, face checks.

Importing this package is cheap (the preview and the command line import it early); the modules that
load OpenCV, nbis-py or mediapipe are imported when first used:
`kiosk.quality.nfiq2`, `.live`, `.matching` and `.guidance` for fingerprints, `kiosk.quality.face`
for faces. The names below are forwarded lazily for convenience.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {
    "nfiq2": "kiosk.quality.nfiq2",
    "Nfiq2Result": "kiosk.quality.nfiq2",
    "live_estimate": "kiosk.quality.live",
    "LiveEstimate": "kiosk.quality.live",
    "make_template": "kiosk.quality.matching",
    "match_score": "kiosk.quality.matching",
    "Template": "kiosk.quality.matching",
    "DuplicateChecker": "kiosk.quality.matching",
    "Duplicate": "kiosk.quality.matching",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kiosk.quality' has no attribute {name!r}")
    return getattr(import_module(module), name)
