"""Minutiae templates, Bozorth3 scores, and the check that catches the same finger captured twice.

A person who puts the right index on the reader when asked for the right middle gives a perfect print
of the wrong finger; NFIQ 2 cannot see that. So each accepted print is matched against the prints
already taken in the session and a match is named ("this is the right index again"). Minutiae come
from NIST's MINDTCT and scores from NIST's Bozorth3, both through `nbis-py`; templates can be written
and read as ISO/IEC 19794-2:2005 records.

The default threshold, Bozorth3 >= 40 (the policy default), sits in the gap measured on the real
same-finger and different-finger pairs of the shared test data and on the device simulator's prints
(`match_calibration`, figures in docs/quality.md).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from devices.positions import Finger
from kiosk.errors import KioskError
from kiosk.messages import Message, msg
from kiosk.quality.images import png_bytes, to_500ppi

DEFAULT_THRESHOLD = 40
_lock = threading.Lock()


@dataclass(frozen=True)
class Minutia:
    """One ridge ending or bifurcation: position in pixels at 500 ppi, angle in degrees, reliability 0–1."""

    x: int
    y: int
    angle: float
    kind: str
    reliability: float


@dataclass(frozen=True, eq=False)
class Template:
    """The minutiae of one print, ready for Bozorth3, with its ISO/IEC 19794-2:2005 record."""

    minutiae: tuple[Minutia, ...]
    iso: bytes
    native: Any = field(repr=False)  # nbis.Minutiae: what Bozorth3 compares

    @property
    def count(self) -> int:
        return len(self.minutiae)

    @classmethod
    def from_iso(cls, record: bytes) -> Template:
        """Read a template back from an ISO/IEC 19794-2:2005 record (as stored or received)."""
        import nbis

        from kiosk.quality.nfiq2 import extractor

        try:
            native = extractor(False).load_iso_19794_2_2005(record)
        except nbis.NbisError as exc:
            raise KioskError("quality.finger.bad_template", reason=type(exc).__name__) from exc
        return cls(_minutiae(native), bytes(record), native)


def _minutiae(native: Any) -> tuple[Minutia, ...]:
    return tuple(
        Minutia(int(m.x()), int(m.y()), float(m.angle()), m.kind().name.lower(), float(m.reliability()))
        for m in native.get()
    )


def make_template(image: np.ndarray, ppi: int = 500) -> Template:
    """Minutiae of a fingerprint image (MINDTCT), resampled to 500 ppi first when needed."""
    import nbis

    from kiosk.quality.nfiq2 import extractor

    grey, _resampled = to_500ppi(image, ppi)
    try:
        with _lock:
            native = extractor(False).extract_minutiae(png_bytes(grey))
    except (nbis.NbisError, nbis.InternalError) as exc:
        raise KioskError("quality.finger.no_minutiae", reason=type(exc).__name__) from exc
    return Template(_minutiae(native), bytes(native.to_iso_19794_2_2005()), native)


def match_score(a: Template, b: Template) -> int:
    """Bozorth3 similarity of two templates (0 for unrelated prints; same finger usually well above 40)."""
    if a.count == 0 or b.count == 0:
        return 0
    return int(a.native.compare(b.native))


@dataclass(frozen=True)
class Duplicate:
    """A new print matched a finger already captured in this session."""

    finger: Finger
    score: int

    @property
    def message(self) -> Message:
        return msg(
            "quality.finger.duplicate", finger=msg(f"finger.{self.finger.name.lower()}"), score=self.score
        )


class DuplicateChecker:
    """The prints taken so far in one enrolment, and the question "have we seen this finger already?".

    Holds one template per finger position (a better attempt replaces the earlier one). Templates live
    in memory only and go with the session (`clear`).
    """

    def __init__(self, threshold: int = DEFAULT_THRESHOLD) -> None:
        self.threshold = int(threshold)
        self._captured: dict[Finger, Template] = {}

    def add(self, finger: Finger, template: Template) -> None:
        self._captured[Finger.parse(finger) if not isinstance(finger, Finger) else finger] = template

    def remove(self, finger: Finger) -> None:
        self._captured.pop(finger, None)

    def clear(self) -> None:
        self._captured.clear()

    @property
    def fingers(self) -> tuple[Finger, ...]:
        return tuple(self._captured)

    def scores(self, template: Template) -> dict[Finger, int]:
        return {finger: match_score(template, stored) for finger, stored in self._captured.items()}

    def check(self, template: Template, finger: Finger | None = None) -> Duplicate | None:
        """The captured finger `template` matches best at or above the threshold, if any.

        `finger` is the position being captured now: a retake of that same position is not a duplicate.
        """
        best: Duplicate | None = None
        for captured, score in self.scores(template).items():
            if captured == finger or score < self.threshold:
                continue
            if best is None or score > best.score:
                best = Duplicate(captured, score)
        return best
