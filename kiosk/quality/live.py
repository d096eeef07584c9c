"""The live estimate: what NFIQ 2 will probably say about this preview frame, in a few milliseconds.

NFIQ 2 costs 80–300 ms per image, too slow for a 15–30 Hz preview and pointless on frames nobody will
keep. Every frame instead gets the cheap measures of `features` and `ridge_blocks` and a small fitted
tree model (`live_model`) that maps them to NFIQ 2's 0–100 scale, plus plain guidance. It never calls
NFIQ 2: the real score is computed once, on the frame that is captured (`nfiq2.nfiq2`).

How well it agrees with NFIQ 2 on prints it was not fitted on is measured by `fit_live` (grouped
cross-validation over real prints and their degraded variants) and kept in the model file and in
docs/quality.md; speed is a `kiosk bench` row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from kiosk.messages import Message
from kiosk.quality import features, guidance, ridge_blocks
from kiosk.quality.images import to_500ppi
from kiosk.quality.live_model import TreeModel

INPUT_NAMES: tuple[str, ...] = ridge_blocks.NAMES + features.NAMES
MIN_SIDE = 64  # pixels at 500 ppi: smaller frames cannot hold a fingerprint worth estimating


@cache
def model() -> TreeModel:
    """The committed model; it must have been fitted on exactly today's inputs."""
    from kiosk.resources import resource_path

    fitted = TreeModel.load(resource_path("quality", "live_model.json"))
    if fitted.names != INPUT_NAMES:
        raise RuntimeError(
            "the live estimator model was fitted on other inputs: run python -m kiosk.fitting.fit_live"
        )
    return fitted


def warm_up() -> None:
    """Load the model and build the rotation tables now, not on the first preview frame."""
    model()
    ridge_blocks.measure(np.full((160, 160), 255, np.uint8))


@dataclass(frozen=True)
class LiveEstimate:
    """One frame's estimate and the measures behind it.

    `estimate` 0–100 on NFIQ 2's scale (0 without a finger); `foreground` share of the frame that is
    finger; `centring` 1 when the finger is centred, 0 when its centre is at the frame's edge, and
    `offset` the direction (x, y in half-widths, right and down positive); `contact` the finger area
    relative to the 50 000 pixels NFIQ 2 asks for (1 or more is enough); `contrast` ridge contrast in
    grey levels; `clarity` and `orientation_certainty` NFIQ 2's LCS and OCL means (0–1);
    `ridge_frequency` ridges per pixel at 500 ppi; `dry` and `wet` whether the ridges look thinned or
    swollen.
    """

    estimate: float
    finger_present: bool
    foreground: float
    centring: float
    offset: tuple[float, float]
    contact: float
    contrast: float
    clarity: float
    orientation_certainty: float
    ridge_frequency: float
    dry: bool
    wet: bool
    guidance: list[Message] = field(default_factory=list)
    measures: dict[str, float] = field(default_factory=dict)
    resampled: bool = False

    def to_json(self, language: str = "es_MX") -> dict[str, Any]:
        return {
            "estimate": round(self.estimate, 1),
            "finger_present": self.finger_present,
            "foreground": round(self.foreground, 3),
            "centring": round(self.centring, 3),
            "contact": round(self.contact, 3),
            "contrast": round(self.contrast, 1),
            "clarity": round(self.clarity, 3),
            "orientation_certainty": round(self.orientation_certainty, 3),
            "dry": self.dry,
            "wet": self.wet,
            "guidance": [g.to_json(language) for g in self.guidance],
            "resampled": self.resampled,
        }


def model_inputs(image500: np.ndarray) -> tuple[np.ndarray, features.Features, dict[str, float]]:
    """The model's input vector of a 500 ppi frame, with the measures it was made from."""
    frame = features.measure(image500)
    blocks = ridge_blocks.measure(image500)
    vector = np.array([blocks[n] for n in ridge_blocks.NAMES] + [frame.values[n] for n in features.NAMES])
    return vector, frame, blocks


def frame_measures(frame: features.Features, blocks: dict[str, float]) -> dict[str, float]:
    """The measures guidance reads: the frame's values, the finger's shape, NFIQ 2-style clarity."""
    seg = frame.segmentation
    dx, dy = seg.centroid()
    height, _width = seg.extent()
    return frame.values | {
        "pixels": float(seg.pixels),
        "height": height,
        "aspect": seg.aspect,
        "offset_x": dx,
        "offset_y": dy,
        "clarity": blocks["lcs_mean"],
        "orientation_certainty": blocks["ocl_mean"],
    }


def live_estimate(image: np.ndarray, ppi: int = 500) -> LiveEstimate:
    """Estimate NFIQ 2 of a preview frame and say what to fix (never calls NFIQ 2)."""
    grey, resampled = to_500ppi(image, ppi)
    if min(grey.shape) < MIN_SIDE:
        empty = {"fraction": 0.0, "contrast": 0.0}
        return _estimate(0.0, empty, guidance.for_frame(empty, 0.0), resampled)
    vector, frame, blocks = model_inputs(grey)
    measures = frame_measures(frame, blocks)
    present = guidance.finger_present(measures)
    estimate = float(model().predict(vector)[0]) if present else 0.0
    return _estimate(estimate, measures, guidance.for_frame(measures, estimate), resampled)


def _estimate(estimate: float, m: dict[str, float], advice: list[Message], resampled: bool) -> LiveEstimate:
    codes = {a.code for a in advice}
    return LiveEstimate(
        estimate=estimate,
        finger_present=guidance.finger_present(m),
        foreground=m.get("fraction", 0.0),
        centring=max(0.0, 1.0 - m.get("offset", 0.0)),
        offset=(m.get("offset_x", 0.0), m.get("offset_y", 0.0)),
        contact=m.get("pixels", 0.0) / guidance.MIN_AREA_PIXELS,
        contrast=m.get("contrast", 0.0),
        clarity=m.get("clarity", 0.0),
        orientation_certainty=m.get("orientation_certainty", 0.0),
        ridge_frequency=m.get("frequency", 0.0),
        dry="quality.finger.too_dry" in codes,
        wet="quality.finger.too_wet" in codes,
        guidance=advice,
        measures=m,
        resampled=resampled,
    )
