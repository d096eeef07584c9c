"""Self-test results: each check has a value, a limit, pass/fail (or skipped) and advice.

Names and advice are message codes (`devices.check.*`, `devices.advice.*`) that the kiosk renders in
the technician's language; the values and limits are plain numbers so a saved report can be compared
across stations and over time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from devices.facts import DeviceInfo


@dataclass(frozen=True)
class Check:
    name: str  # e.g. "fps"; its label is the message devices.check.<name>
    value: float | str | None
    unit: str
    limit: str  # ">= 15", "450..550", "0"
    passed: bool | None  # None: skipped (could not be measured here)
    advice: str = ""  # a devices.advice.* code, empty when nothing is to be done
    params: dict[str, Any] = field(default_factory=dict)  # for the advice text and the report

    @property
    def status(self) -> str:
        return "skip" if self.passed is None else ("pass" if self.passed else "fail")

    def to_json(self) -> dict[str, Any]:
        value = round(self.value, 3) if isinstance(self.value, float) else self.value
        return {
            "name": self.name,
            "value": value,
            "unit": self.unit,
            "limit": self.limit,
            "status": self.status,
            "advice": self.advice,
            "params": self.params,
        }


@dataclass
class DeviceReport:
    info: DeviceInfo
    checks: list[Check] = field(default_factory=list)
    error: dict[str, Any] | None = None  # the device error that stopped the self-test, if one did

    @property
    def passed(self) -> bool:
        return self.error is None and all(c.passed is not False for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {
            "device": self.info.to_json(),
            "passed": self.passed,
            "checks": [c.to_json() for c in self.checks],
            "error": self.error,
        }


def at_least(name: str, value: float, limit: float, unit: str, advice: str, **params: Any) -> Check:
    ok = value >= limit
    return Check(
        name,
        value,
        unit,
        f">= {limit:g}",
        ok,
        "" if ok else advice,
        {"value": round(value, 2), "limit": limit, **params},
    )


def at_most(name: str, value: float, limit: float, unit: str, advice: str, **params: Any) -> Check:
    ok = value <= limit
    return Check(
        name,
        value,
        unit,
        f"<= {limit:g}",
        ok,
        "" if ok else advice,
        {"value": round(value, 2), "limit": limit, **params},
    )


def within(name: str, value: float, low: float, high: float, unit: str, advice: str, **params: Any) -> Check:
    ok = low <= value <= high
    return Check(
        name,
        value,
        unit,
        f"{low:g}..{high:g}",
        ok,
        "" if ok else advice,
        {"value": round(value, 2), "low": low, "high": high, **params},
    )
