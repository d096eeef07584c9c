"""Measuring the synthetic prints the way real fingerprint software sees them (NFIQ 2, Bozorth3).

Used by the tests (a few dozen captures) and by the accuracy benchmark (the full counts). All
scoring goes through `nbis-py` with `min_quality=0`; an image NFIQ 2 refuses scores 0 and has no
minutiae (a refused capture matches nothing), exactly as the targets count them.

Work is split into jobs that can run in worker processes: minutiae cross process boundaries as
ISO/IEC 19794-2 templates, which Bozorth3 scores exactly as the in-memory objects.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import cv2
import numpy as np

from devices.positions import Finger
from devices.synth.capture import impression
from devices.synth.conditions import KINDS, Condition
from devices.synth.master import master_print

DEGRADED: tuple[str, ...] = tuple(k for k in KINDS if k != "good")


@lru_cache(maxsize=1)
def _extractor() -> Any:
    import nbis

    settings = nbis.NbisExtractorSettings(
        min_quality=0.0, get_center=False, check_fingerprint=False, compute_nfiq2=True, ppi=None
    )
    return nbis.new_nbis_extractor(settings)


@dataclass(frozen=True)
class Scored:
    """One capture as the matcher sees it."""

    nfiq2: int
    minutiae: Any  # nbis.Minutiae, or None when NFIQ 2 / MINDTCT refused the image
    minutiae_count: int


def score(image: np.ndarray) -> Scored:
    """NFIQ 2 and minutiae of a 500 ppi grey image."""
    ok, png = cv2.imencode(".png", image)
    if not ok:
        return Scored(0, None, 0)
    try:
        found = _extractor().extract_minutiae(png.tobytes())
        quality = found.quality()
    except Exception:  # nbis raises its own error types for unusable images: they count as 0
        return Scored(0, None, 0)
    return Scored(int(quality.score), found, len(found.get()))


def bozorth(a: Scored, b: Scored) -> int:
    if a.minutiae is None or b.minutiae is None:
        return 0
    return int(a.minutiae.compare(b.minutiae))


def _template(s: Scored) -> bytes | None:
    return None if s.minutiae is None else bytes(s.minutiae.to_iso_19794_2_2005())


def _rng(seed: int, person: int, finger: Finger, kind: str, repeat: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed, person, int(finger), KINDS.index(kind), repeat])


def _finger_job(job: tuple[int, int, int]) -> tuple[str, int, int, int, bytes | None]:
    """Two good captures of one finger: (pattern, NFIQ 2 of each, their Bozorth3, first template)."""
    seed, person, code = job
    finger = Finger(code)
    master = master_print(person, finger)
    rng = _rng(seed, person, finger, "good")
    a = score(impression(master, rng).image)
    b = score(impression(master, rng).image)
    return master.pattern, a.nfiq2, b.nfiq2, bozorth(a, b), _template(a)


def _degraded_job(job: tuple[int, int, int, str, int]) -> tuple[str, int]:
    seed, person, code, kind, repeat = job
    finger = Finger(code)
    rng = _rng(seed, person, finger, kind, repeat)
    return kind, score(impression(master_print(person, finger), rng, Condition(kind)).image).nfiq2


def fraction(values: Sequence[int], test: Callable[[int], bool]) -> float:
    return sum(1 for v in values if test(v)) / len(values) if values else float("nan")


@dataclass
class Accuracy:
    """Everything the targets speak of, from one run."""

    good_nfiq2: list[int] = field(default_factory=list)
    degraded_nfiq2: dict[str, list[int]] = field(default_factory=dict)
    genuine: list[int] = field(default_factory=list)
    impostor: list[int] = field(default_factory=list)
    impostor_same_class: list[bool] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        good = self.good_nfiq2
        out: dict[str, Any] = {
            "good_median": statistics.median(good),
            "good_within_50_80": fraction(good, lambda s: 50 <= s <= 80),
            "genuine_median": statistics.median(self.genuine),
            "genuine_at_least_40": fraction(self.genuine, lambda s: s >= 40),
            "impostor_median": statistics.median(self.impostor),
            "impostor_below_25": fraction(self.impostor, lambda s: s < 25),
            "impostor_max": max(self.impostor),
            "counts": {"good": len(good), "genuine": len(self.genuine), "impostor": len(self.impostor)},
        }
        for kind, scores in self.degraded_nfiq2.items():
            out[f"{kind}_median"] = statistics.median(scores)
            out[f"{kind}_at_most_35"] = fraction(scores, lambda s: s <= 35)
        return out


def measure(
    finger_ids: Sequence[tuple[int, Finger]],
    degraded_per_kind: int,
    impostor_pairs: int | None = None,
    seed: int = 2024,
    kinds: Sequence[str] = DEGRADED,
    workers: int = 1,
) -> Accuracy:
    """Two good captures per finger (genuine pairs, good NFIQ 2), impostors across fingers, degraded.

    Impostor pairs take the first capture of two different fingers (any person, any class): all
    pairs, or `impostor_pairs` of them drawn without repetition. Degraded captures cycle over the
    same fingers. Results do not depend on `workers`.
    """
    finger_jobs = [(seed, person, int(finger)) for person, finger in finger_ids]
    degraded_jobs = [
        (seed, person, code, kind, i // len(finger_jobs))
        for kind in kinds
        for i in range(degraded_per_kind)
        for _, person, code in [finger_jobs[i % len(finger_jobs)]]
    ]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            fingers = list(pool.map(_finger_job, finger_jobs, chunksize=4))
            degraded = list(pool.map(_degraded_job, degraded_jobs, chunksize=4))
    else:
        fingers = [_finger_job(j) for j in finger_jobs]
        degraded = [_degraded_job(j) for j in degraded_jobs]
    result = Accuracy()
    for _, nfiq_a, nfiq_b, genuine, _ in fingers:
        result.good_nfiq2 += [nfiq_a, nfiq_b]
        result.genuine.append(genuine)
    for kind, nfiq in degraded:
        result.degraded_nfiq2.setdefault(kind, []).append(nfiq)
    loader = _extractor().load_iso_19794_2_2005
    templates = [None if f[4] is None else loader(f[4]) for f in fingers]
    pairs = list(itertools.combinations(range(len(fingers)), 2))
    if impostor_pairs is not None and impostor_pairs < len(pairs):
        chosen = np.random.default_rng(seed).permutation(len(pairs))[:impostor_pairs]
        pairs = [pairs[i] for i in sorted(chosen)]
    for i, j in pairs:
        a, b = templates[i], templates[j]
        result.impostor.append(0 if a is None or b is None else int(a.compare(b)))
        result.impostor_same_class.append(fingers[i][0] == fingers[j][0])
    return result


def fingers_of(
    persons: Sequence[int], per_person: Sequence[Finger] = tuple(Finger)
) -> list[tuple[int, Finger]]:
    """(person, finger) for every finger of every person: the ids `measure` takes."""
    return [(p, f) for p in persons for f in per_person]
