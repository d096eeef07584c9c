"""The capture rules a session follows, read from the (signed) policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from devices.positions import Finger


@dataclass(frozen=True)
class FingerRules:
    order: tuple[Finger, ...]
    min_nfiq2: int = 40
    attempts: int = 3
    duplicate_threshold: int = 40
    exceptions_need_supervisor: bool = True
    below_threshold_confirmation: str = "operator"  # operator | supervisor

    @classmethod
    def from_policy(cls, fingers: Mapping[str, Any]) -> FingerRules:
        return cls(
            order=tuple(Finger.parse(f) for f in fingers["order"]),
            min_nfiq2=int(fingers["min_nfiq2"]),
            attempts=int(fingers["attempts"]),
            duplicate_threshold=int(fingers["duplicate_threshold"]),
            exceptions_need_supervisor=bool(fingers["exceptions_need_supervisor"]),
            below_threshold_confirmation=str(fingers.get("below_threshold_confirmation", "operator")),
        )


@dataclass(frozen=True)
class FaceRules:
    attempts: int = 3
    below_threshold_confirmation: str = "operator"

    @classmethod
    def from_policy(cls, face: Mapping[str, Any]) -> FaceRules:
        return cls(int(face.get("attempts", 3)), str(face.get("below_threshold_confirmation", "operator")))
