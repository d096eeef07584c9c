"""The benchmark runner behind `kiosk bench`.

Speed and memory targets are measured here, never asserted in tests (the machines are shared and
noisy). Each area registers a provider in the `kiosk.benchmarks` entry-point group: a callable taking
`quick: bool` and yielding `Row`s. Rows quote the median and p90 of several runs.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from importlib import metadata
from typing import Any

GROUP = "kiosk.benchmarks"


@dataclass(frozen=True)
class Row:
    name: str
    unit: str
    median: float
    p90: float
    runs: int
    target: str = ""
    note: str = ""

    @property
    def met(self) -> bool | None:
        """Whether the figure meets its target (None when the target is not a comparison with a number).

        Targets read "<= 20 ms", ">= 15x", "<= 35 in 90 %" (then the p90-side figure is compared: for a
        rate, `p90` holds the low tail). A target is met by the median, and by the tail when it says so.
        """
        match = _TARGET.match(self.target)
        if match is None:
            return None
        op, bound = match.group(1), float(match.group(2))
        value = self.p90 if "%" in self.target[match.end() :] else self.median
        if value != value:  # NaN: nothing was measured
            return False
        return {
            "<=": value <= bound,
            "≤": value <= bound,
            "<": value < bound,
            ">=": value >= bound,
            "≥": value >= bound,
            ">": value > bound,
        }[op]

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "met": self.met}


_TARGET = re.compile(r"^\s*(<=|>=|≤|≥|<|>)\s*([0-9]+(?:\.[0-9]+)?)")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def time_ms(fn: Callable[[], Any], runs: int, warmup: int = 1) -> list[float]:
    """Milliseconds per call of `fn`, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000.0)
    return samples


def row_ms(name: str, samples: list[float], target: str = "", note: str = "") -> Row:
    return Row(name, "ms", statistics.median(samples), percentile(samples, 0.9), len(samples), target, note)


def row_rate(name: str, unit: str, rates: list[float], target: str = "", note: str = "") -> Row:
    """For throughputs (fps, packets/s) the low tail matters: "p90" is then the 10th percentile."""
    return Row(name, unit, statistics.median(rates), percentile(rates, 0.1), len(rates), target, note)


Provider = Callable[[bool], Iterable[Row]]


def providers() -> Iterator[tuple[str, Provider | Exception]]:
    for entry in sorted(metadata.entry_points(group=GROUP), key=lambda e: e.name):
        try:
            yield entry.name, entry.load()
        except Exception as exc:  # reported as a row, not fatal
            yield entry.name, exc


def run(only: str | None = None, quick: bool = False) -> tuple[list[Row], list[dict[str, str]]]:
    rows: list[Row] = []
    failures: list[dict[str, str]] = []
    for name, provider in providers():
        if only and only not in name:
            continue
        if isinstance(provider, Exception):
            failures.append({"provider": name, "error": f"{type(provider).__name__}: {provider}"})
            continue
        try:
            rows.extend(provider(quick))
        except Exception as exc:
            failures.append({"provider": name, "error": f"{type(exc).__name__}: {exc}"})
    return rows, failures


def foundation(quick: bool) -> Iterator[Row]:
    """Costs every command pays: reading the configuration and rendering a message."""
    from kiosk import config, messages

    runs = 20 if quick else 200
    yield row_ms("config.load", time_ms(lambda: config.load(environ={}), runs))
    message = messages.msg("cli.internal_error", error="x")
    yield row_ms("messages.render", time_ms(lambda: message.render("es_MX"), runs * 10))
