"""Where the duplicate-finger threshold comes from: Bozorth3 on same-finger and different-finger pairs.

    uv run python -m kiosk.fitting.match_calibration [--data ../shared/data] [--persons 6]

Real pairs: the distinct prints of the shared test data (pixel duplicates dropped, see `fit_live`)
give 8 same-finger pairs (`nbis-rs/p1_*` three impressions, `p2_*` three, `fvc2002-like/101_*`,
`102_*`) and every other pair of prints is of different fingers. Synthetic pairs: the device
simulator's prints (`devices.synth`), two good impressions of each finger and the first impressions
of different fingers against each other. A threshold is right when it sits above every impostor
score and below the genuine ones, with room on both sides.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.quality.matching import DEFAULT_THRESHOLD, Template, make_template, match_score

# Prints of one finger in the shared data: the file names say so (README of the data).
SAME_FINGER_PREFIXES = ("nbis-rs/p1_", "nbis-rs/p2_", "fvc2002-like/101_", "fvc2002-like/102_")


@dataclass(frozen=True)
class Pairs:
    genuine: list[int]
    impostor: list[int]

    def summary(self, threshold: int = DEFAULT_THRESHOLD) -> dict[str, Any]:
        return {
            "genuine_pairs": len(self.genuine),
            "impostor_pairs": len(self.impostor),
            "genuine_min": min(self.genuine, default=0),
            "genuine_median": statistics.median(self.genuine) if self.genuine else 0,
            "impostor_max": max(self.impostor, default=0),
            "impostor_median": statistics.median(self.impostor) if self.impostor else 0,
            "threshold": threshold,
            "caught": sum(s >= threshold for s in self.genuine),
            "false_alarms": sum(s >= threshold for s in self.impostor),
        }


def finger_of(path: str) -> str:
    return next((p for p in SAME_FINGER_PREFIXES if path.startswith(p)), path)


def real_pairs(data_dir: Path) -> Pairs:
    from kiosk.fitting.fit_live import sources

    templates = {path: make_template(image) for path, image in sources(data_dir).items()}
    return _pairs([(finger_of(p), t) for p, t in templates.items()])


def synthetic_pairs(persons: int = 3, fingers_per_person: int = 2, seed: int = 11) -> Pairs:
    """Two good impressions of each simulated finger (genuine) and firsts of different fingers (impostor)."""
    from devices.positions import Finger
    from devices.synth import impression, master_print

    rng = np.random.default_rng(seed)
    labelled: list[tuple[str, Template]] = []
    for person in range(persons):
        for finger in tuple(Finger)[:fingers_per_person]:
            master = master_print(1000 + person, finger)
            for _ in range(2):
                labelled.append((f"{person}/{finger.slug}", make_template(impression(master, rng).image)))
    return _pairs(labelled)


def _pairs(labelled: Sequence[tuple[str, Template]]) -> Pairs:
    genuine: list[int] = []
    impostor: list[int] = []
    for (label_a, a), (label_b, b) in itertools.combinations(labelled, 2):
        (genuine if label_a == label_b else impostor).append(match_score(a, b))
    return Pairs(genuine, impostor)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.fitting.match_calibration")
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "data")
    parser.add_argument("--persons", type=int, default=6)
    parser.add_argument("--fingers", type=int, default=4)
    args = parser.parse_args(argv)
    report = {
        "real": real_pairs(args.data).summary(),
        "synthetic": synthetic_pairs(args.persons, args.fingers).summary(),
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
