"""Benchmarks of the synthetic fingerprints: speed (master print, impression) and, on the full counts,
the quality targets as NFIQ 2 and Bozorth3 see them (`kiosk bench --only synth`).

Accuracy rows use unit "score" or "fraction"; `median` holds the figure and `note` the target.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterator

import numpy as np

from devices.positions import Finger
from kiosk.bench import Row, row_ms, time_ms


def rows(quick: bool) -> Iterator[Row]:
    from devices.synth import impression, master_print

    seeds = itertools.count(90_000)
    runs = 3 if quick else 15
    yield row_ms(
        "synth.master",
        time_ms(lambda: master_print(next(seeds), Finger.RIGHT_INDEX), runs, warmup=0),
        target="<= 500 ms",
    )
    master = master_print(90_000, Finger.RIGHT_INDEX)
    rng = np.random.default_rng(1)
    yield row_ms("synth.impression", time_ms(lambda: impression(master, rng), runs * 4), target="<= 50 ms")


def _figure(name: str, unit: str, value: float, runs: int, target: str) -> Row:
    return Row(name, unit, float(value), float(value), runs, target)


def accuracy_rows(quick: bool) -> Iterator[Row]:
    """Full counts: 21 persons = 210 fingers of all classes (210 genuine pairs), 1,500 impostor pairs."""
    from devices.synth.evaluation import fingers_of, fraction, measure

    persons = range(5000, 5003) if quick else range(5000, 5021)  # 21 persons: 210 genuine pairs
    result = measure(
        fingers_of(persons),
        degraded_per_kind=6 if quick else 40,
        impostor_pairs=None if quick else 1500,
        seed=7,
        workers=2,
    )
    good, genuine, impostor = result.good_nfiq2, result.genuine, result.impostor
    good_median = statistics.median(good)
    yield _figure("synth.good.nfiq2_median", "score", good_median, len(good), ">= 55")
    yield _figure(
        "synth.good.within_50_80", "fraction", fraction(good, lambda s: 50 <= s <= 80), len(good), ">= 0.80"
    )
    for kind, scores in result.degraded_nfiq2.items():
        yield _figure(
            f"synth.{kind}.nfiq2_median",
            "score",
            statistics.median(scores),
            len(scores),
            f"<= {good_median - 20:.0f}" if kind in ("noisy", "partial") else "<= 35 in 90 %",
        )
        if kind in ("dry", "wet", "blurred"):
            yield _figure(
                f"synth.{kind}.at_most_35",
                "fraction",
                fraction(scores, lambda s: s <= 35),
                len(scores),
                ">= 0.90",
            )
    yield _figure(
        "synth.genuine.bozorth3_median", "score", statistics.median(genuine), len(genuine), "<= 250"
    )
    yield _figure(
        "synth.genuine.at_least_40", "fraction", fraction(genuine, lambda s: s >= 40), len(genuine), ">= 0.95"
    )
    yield _figure(
        "synth.impostor.below_25", "fraction", fraction(impostor, lambda s: s < 25), len(impostor), ">= 0.995"
    )
    yield _figure("synth.impostor.max", "score", max(impostor), len(impostor), "")


def _degraded_target(kind: str, good_median: float) -> str:
    if kind in ("noisy", "partial"):
        return f"<= {good_median - 20:.0f}"
    return "<= 35 in 90 %" if kind in ("dry", "wet", "blurred") else ""
