"""NFIQ 2, the acceptance measure: NIST's own implementation through `nbis-py`, at 500 ppi.

The score gates acceptance per finger, so it must be the real thing (NIST NFIQ 2.3 inside nbis-py
reproduces NIST's expected values exactly), on the uncompressed capture (WSQ moves it by up to ±15).
NFIQ 2 refuses some images outright (blank glass, a sliver of a finger, ridges too faint to find
minutiae); such an image scores 0 and the result says why in words a person can act on, because a
silent 0 only makes people press the same way again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kiosk.messages import Message, msg
from kiosk.quality.images import png_bytes, to_500ppi

# NIST's actionable-feedback thresholds (NFIQ 2 `ActionableQualityFeedback`): below / above these the
# image is not a usable fingerprint whatever the score says.
UNIFORM_STDDEV = 1.0
EMPTY_MEAN = 250.0
MIN_MINUTIAE = 5
MIN_FOREGROUND_PIXELS = 50_000

_lock = threading.Lock()
# NFIQ 2's C++ objects are shared by every call; one scoring at a time is what a kiosk needs anyway.
_lock_for_nfiq2 = threading.Lock()
_extractors: dict[bool, Any] = {}


def extractor(compute_nfiq2: bool = True) -> Any:
    """A shared nbis-py extractor; building one loads NFIQ 2's forest (a quarter of a second), so once."""
    with _lock:
        if compute_nfiq2 not in _extractors:
            import nbis

            settings = nbis.NbisExtractorSettings(
                min_quality=0.0,
                get_center=False,
                check_fingerprint=False,
                compute_nfiq2=compute_nfiq2,
                ppi=None,
            )
            _extractors[compute_nfiq2] = nbis.new_nbis_extractor(settings)
        return _extractors[compute_nfiq2]


@dataclass(frozen=True)
class Nfiq2Result:
    """An NFIQ 2 verdict: `score` 0–100 (0 when NFIQ 2 could not score, with `error` saying why)."""

    score: int
    actionable: dict[str, float] = field(default_factory=dict)
    features: dict[str, float] = field(default_factory=dict)
    guidance: list[Message] = field(default_factory=list)
    resampled: bool = False
    error: Message | None = None

    @property
    def scored(self) -> bool:
        return self.error is None

    def to_json(self, language: str = "es_MX") -> dict[str, Any]:
        return {
            "score": self.score,
            "error": self.error.to_json(language) if self.error else None,
            "resampled": self.resampled,
            "actionable": self.actionable,
            "guidance": [g.to_json(language) for g in self.guidance],
        }


def raw_score(image500: np.ndarray) -> tuple[int, dict[str, float], dict[str, float]] | None:
    """NFIQ 2 on an image already at 500 ppi: (score, actionable, features), or None when it refuses."""
    import nbis

    data = png_bytes(image500)
    try:
        with _lock_for_nfiq2:
            quality = extractor(True).extract_minutiae(data).quality()
    except (nbis.NbisError, nbis.InternalError):  # InternalError: the library's own panic, also a refusal
        return None
    actionable = {v.name: float(v.value) for v in quality.actionable}
    features = {v.name: float(v.value) for v in quality.features}
    return int(quality.score), actionable, features


def nfiq2(image: np.ndarray, ppi: int = 500) -> Nfiq2Result:
    """NFIQ 2 of a fingerprint image (resampled to 500 ppi first when `ppi` says otherwise)."""
    from kiosk.quality import guidance

    grey, resampled = to_500ppi(image, ppi)
    scored = raw_score(grey)
    measures = frame_measures(grey)
    if scored is None:
        reason = failure_reason(grey, measures)
        return Nfiq2Result(
            score=0,
            guidance=guidance.for_failure(reason, measures),
            resampled=resampled,
            error=msg("quality.finger.nfiq2_failed", reason=reason),
        )
    score, actionable, features = scored
    return Nfiq2Result(
        score=score,
        actionable=actionable,
        features=features,
        guidance=guidance.from_nfiq2(score, actionable, measures),
        resampled=resampled,
    )


def frame_measures(image500: np.ndarray) -> dict[str, float]:
    """The live measures of the image (a few milliseconds), which the guidance reads alongside NFIQ 2's."""
    from kiosk.quality import live

    if min(image500.shape) < live.MIN_SIDE:
        return {"fraction": 0.0, "contrast": 0.0, "pixels": 0.0}
    _vector, frame, blocks = live.model_inputs(image500)
    return live.frame_measures(frame, blocks)


def failure_reason(image500: np.ndarray, measures: dict[str, float] | None = None) -> Message:
    """Why NFIQ 2 refused the image, judged by NIST's own actionable thresholds where they apply."""
    import nbis

    height, width = image500.shape
    if min(height, width) < 150:
        return msg("quality.finger.why.too_small", width=width, height=height)
    if float(image500.std()) < UNIFORM_STDDEV:
        return msg("quality.finger.why.blank")
    if float(image500.mean()) > EMPTY_MEAN:
        return msg("quality.finger.why.too_light")
    pixels = int((measures if measures is not None else frame_measures(image500)).get("pixels", 0.0))
    if pixels < MIN_FOREGROUND_PIXELS:
        return msg("quality.finger.why.small_area", pixels=pixels, needed=MIN_FOREGROUND_PIXELS)
    try:
        count = len(extractor(False).extract_minutiae(png_bytes(image500)).get())
    except nbis.NbisError:
        count = 0
    if count < MIN_MINUTIAE:
        return msg("quality.finger.why.few_minutiae", count=count)
    return msg("quality.finger.why.unclear")
