"""Capture conditions: what the finger and the sensor do to one impression, drawn at random.

A `Condition` names the situation a test or the demo wants ("this capture is dry", "this finger is
scarred", "finger lifted early"); `sample_params` turns it into concrete numbers. Every number is
returned in the impression's `params`, so a caller can see what was applied and can replay or vary
it (the simulated reader grows the contact over a few live frames by feeding `params` back in).

`severity` (0..1) scales the degradation of a non-good condition: 0 is barely affected, 1 is the
full effect the quality targets are stated for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from devices.synth.shape import PX_PER_MM

KINDS: tuple[str, ...] = ("good", "dry", "wet", "blurred", "noisy", "partial", "scarred", "faint")

MAX_ROTATION_DEG = 20.0
MAX_TRANSLATION_MM = 3.0


@dataclass(frozen=True)
class Condition:
    """A capture situation; `kind` is one of `KINDS`, `severity` in [0, 1]."""

    kind: str = "good"
    severity: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown capture condition {self.kind!r}; use one of {', '.join(KINDS)}")
        if not 0.0 <= self.severity <= 1.0:
            raise ValueError(f"severity must be within 0..1, not {self.severity}")


GOOD = Condition()


def _placement(rng: np.random.Generator) -> dict[str, float]:
    """How the finger lands on the glass: people aim for the centre, the spread reaches the limits."""
    rotation = float(np.clip(rng.normal(0.0, 9.0), -MAX_ROTATION_DEG, MAX_ROTATION_DEG))
    dx, dy = (float(np.clip(v, -MAX_TRANSLATION_MM, MAX_TRANSLATION_MM)) for v in rng.normal(0, 1.3, 2))
    return {"rotation_deg": rotation, "dx_mm": dx, "dy_mm": dy}


def _skin(rng: np.random.Generator) -> dict[str, float]:
    """A healthy finger on a clean sensor: small, everyday variation."""
    return {
        "contact_fraction": float(1.0 - 0.5 * rng.beta(1.2, 3.0)),  # 0.5..1, mostly above 0.8
        "contact_dx_mm": float(rng.normal(0, 0.8)),
        "contact_dy_mm": float(rng.normal(0, 1.0)),
        "pressure": float(rng.uniform(0.75, 1.1)),
        "dryness": float(rng.uniform(0.0, 0.12)),
        "wetness": float(rng.uniform(0.0, 0.1)),
        "distortion_px": float(rng.uniform(3.0, 10.0)),
        "distortion_deg": float(rng.normal(0.0, 3.0)),
        "pores": float(rng.uniform(0.3, 1.0)),
        "creases": float(rng.integers(0, 3)),
        "scars": 0.0,
        "worn": 0.0,
        "noise_sigma": float(rng.uniform(5.0, 11.0)),
        "grain": 0.0,
        "speckle": 0.0,
        "blur_sigma": 0.0,
        "smear_px": 0.0,
        "smear_deg": 0.0,
        "contrast": float(rng.uniform(0.85, 1.0)),
    }


def sample_params(rng: np.random.Generator, condition: Condition = GOOD) -> dict[str, Any]:
    """Concrete impression parameters for `condition` (all plain floats, plus the condition itself)."""
    params: dict[str, Any] = {"condition": condition.kind, "severity": condition.severity}
    params.update(_placement(rng))
    params.update(_skin(rng))
    s = condition.severity
    kind = condition.kind
    if kind == "dry":
        params["dryness"] = 0.35 + 0.65 * s * rng.uniform(0.85, 1.0)
        params["pressure"] = float(rng.uniform(0.75, 1.0))
        params["contrast"] = 1.0 - 0.25 * s
    elif kind == "wet":
        # NFIQ 2 falls off a cliff between wetness 0.5 and 0.65: full severity sits just past it.
        params["wetness"] = 0.3 + 0.4 * s * rng.uniform(0.97, 1.03)
        params["pressure"] = float(rng.uniform(1.0, 1.3))
    elif kind == "blurred":
        params["blur_sigma"] = 0.8 + 2.7 * s * rng.uniform(0.97, 1.03)  # pixels; ridges are ~10 apart
    elif kind == "noisy":
        params["noise_sigma"] = 6.0 + 30.0 * s * rng.uniform(0.9, 1.0)
        params["grain"] = 50.0 * s * rng.uniform(0.9, 1.0)
        params["speckle"] = 0.4 * s
        params["contrast"] = 1.0 - 0.4 * s
    elif kind == "partial":
        params["contact_fraction"] = float(0.55 - 0.4 * s * rng.uniform(0.85, 1.0))
        angle = rng.uniform(0, 2 * np.pi)
        params["contact_dx_mm"] = float(5.0 * s * np.cos(angle))
        params["contact_dy_mm"] = float(5.0 * s * np.sin(angle) - 2.0 * s)
        params["pressure"] = 1.0 - 0.3 * s  # a finger on its way off the glass barely presses
        params["contrast"] = 1.0 - 0.3 * s
        params["smear_px"] = 9.0 * s * rng.uniform(0.8, 1.0)  # and slides as it goes
        params["smear_deg"] = float(np.rad2deg(angle))
    elif kind == "scarred":
        params["scars"] = float(round(5 + 12 * s))
        params["worn"] = 0.6 + 0.4 * s
        params["creases"] = float(round(2 + 8 * s))
    elif kind == "faint":
        params["pressure"] = 0.75 - 0.45 * s
        params["contact_fraction"] = float(rng.uniform(0.5, 0.75))
        params["contrast"] = 1.0 - 0.6 * s
        params["dryness"] = 0.2 * s
    for key, value in list(params.items()):
        if isinstance(value, np.floating):
            params[key] = float(value)
    return params


def mm_to_px(mm: float) -> float:
    return mm * PX_PER_MM
