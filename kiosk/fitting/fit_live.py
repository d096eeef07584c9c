"""Fit the live estimator to NFIQ 2 and measure how well it agrees, on prints it was not fitted on.

    uv run python -m kiosk.fitting.fit_live [--data ../shared/data] [--rebuild-reference]

The material is the real prints of `fingerprints/nfiq2-reference.csv` in the shared test data (pixel
duplicates dropped: `sourceafis/probe.png` and `matching.png` are `fvc2002-like/102_1` and `102_2`,
`wsq-original.wsq` decodes to `wsq-converted.png`; 18 distinct prints) and the degraded variants of
`variants.GRID` made from each. NFIQ 2's scores of all of them (0 where it refuses) are cached in
`resources/quality/nfiq2_variants.csv`, because computing them takes a minute; the tests recompute a
sample against live NFIQ 2 so the cache cannot go stale unnoticed.

Agreement is measured by grouped cross-validation: every variant of one source print is held out
together (leave one print out), the model is fitted on the rest, and the held-out predictions of all
folds are pooled into one Spearman correlation and one accept/reject agreement at NFIQ 2 = 40.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.fitting import variants
from kiosk.quality import guidance, live, live_model
from kiosk.quality.images import read_image, to_500ppi
from kiosk.quality.nfiq2 import raw_score

ACCEPT = 40
REFERENCE_LIST = "fingerprints/nfiq2-reference.csv"
# Scanned ink cards are 1000 ppi (shared data README); everything else in the list is 500 ppi.
PPI_BY_FOLDER = {"nbis-sivv-cards": 1000}
HEADER = ("source", "variant", "nfiq2")


@dataclass(frozen=True)
class Reference:
    """NFIQ 2's score of one variant of one source print (0 when NFIQ 2 refused it)."""

    source: str
    variant: str
    nfiq2: int


def default_reference_path() -> Path:
    from kiosk.resources import resource_path

    return resource_path("quality", "nfiq2_variants.csv")


def default_model_path() -> Path:
    from kiosk.resources import resource_path

    return resource_path("quality", "live_model.json")


def ppi_of(relative: str) -> int:
    return PPI_BY_FOLDER.get(relative.split("/")[0], 500)


def sources(data_dir: Path) -> dict[str, np.ndarray]:
    """The distinct real prints of the reference list at 500 ppi, keyed by path (first of duplicates kept)."""
    listing = data_dir / REFERENCE_LIST
    with listing.open(newline="", encoding="utf-8") as handle:
        paths = [row["path"] for row in csv.DictReader(handle)]
    seen: set[str] = set()
    found: dict[str, np.ndarray] = {}
    for relative in paths:
        image, _ = to_500ppi(read_image(data_dir / "fingerprints" / relative), ppi_of(relative))
        digest = hashlib.sha256(repr(image.shape).encode() + image.tobytes()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        found[relative] = image
    return found


def variant_images(prints: dict[str, np.ndarray]) -> Iterator[tuple[str, str, np.ndarray]]:
    for source, image in prints.items():
        for variant, degraded in variants.all_variants(image, source):
            yield source, variant.name, degraded


def build_reference(prints: dict[str, np.ndarray]) -> list[Reference]:
    """NFIQ 2 on every variant (about a minute): the slow part that the CSV caches."""
    rows = []
    for source, name, image in variant_images(prints):
        scored = raw_score(image)
        rows.append(Reference(source, name, scored[0] if scored else 0))
    return rows


def write_reference(rows: Sequence[Reference], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows((r.source, r.variant, r.nfiq2) for r in rows)


def read_reference(path: Path) -> list[Reference]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [Reference(r["source"], r["variant"], int(r["nfiq2"])) for r in csv.DictReader(handle)]


@dataclass(frozen=True)
class Dataset:
    """The model's inputs for the reference rows, their NFIQ 2 scores, source prints, finger presence."""

    x: np.ndarray
    y: np.ndarray
    groups: np.ndarray
    present: np.ndarray  # frames without a finger are estimated 0 without asking the model


def dataset(prints: dict[str, np.ndarray], rows: Sequence[Reference]) -> Dataset:
    inputs, scores, groups, present = [], [], [], []
    for row in rows:
        image = variants.apply(prints[row.source], variants.parse(row.variant), row.source)
        vector, frame, blocks = live.model_inputs(image)
        inputs.append(vector)
        present.append(guidance.finger_present(live.frame_measures(frame, blocks)))
        scores.append(row.nfiq2)
        groups.append(row.source)
    return Dataset(np.array(inputs), np.array(scores, dtype=np.float64), np.array(groups), np.array(present))


def rank(values: np.ndarray) -> np.ndarray:
    """Ranks with ties averaged (as Spearman's correlation needs)."""
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = np.arange(len(values), dtype=np.float64)
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return sums[inverse] / counts[inverse]


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(rank(np.asarray(a, float)), rank(np.asarray(b, float)))[0, 1])


def grouped_predictions(data: Dataset, settings: live_model.Settings | None = None) -> np.ndarray:
    """Held-out estimates: each source print's variants estimated by a model fitted without them.

    As `live.live_estimate` does, a frame without a finger is estimated 0.
    """
    predictions = np.zeros(len(data.y))
    for group in np.unique(data.groups):
        held = data.groups == group
        model = live_model.fit(data.x[~held], data.y[~held], live.INPUT_NAMES, settings)
        predictions[held] = model.predict(data.x[held])
    return np.where(data.present, predictions, 0.0)


def agreement(predictions: np.ndarray, y: np.ndarray, accept: int = ACCEPT) -> dict[str, float]:
    return {
        "spearman": round(spearman(predictions, y), 4),
        "accept_agreement": round(float(np.mean((predictions >= accept) == (y >= accept))), 4),
        "mean_abs_error": round(float(np.mean(np.abs(predictions - y))), 2),
        "images": len(y),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk.fitting.fit_live", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "data")
    parser.add_argument(
        "--reference", type=Path, default=None, help="cached NFIQ 2 scores of the variants (CSV)"
    )
    parser.add_argument("--model", type=Path, default=None, help="where to write the fitted model (JSON)")
    parser.add_argument("--rebuild-reference", action="store_true", help="recompute NFIQ 2 on every variant")
    args = parser.parse_args(argv)
    reference = args.reference or default_reference_path()
    target = args.model or default_model_path()
    prints = sources(args.data)
    if args.rebuild_reference or not reference.exists():
        write_reference(build_reference(prints), reference)
    rows = read_reference(reference)
    data = dataset(prints, rows)
    figures = agreement(grouped_predictions(data), data.y)
    figures["sources"] = len(np.unique(data.groups))
    settings = live_model.Settings()
    model = live_model.fit(data.x, data.y, live.INPUT_NAMES, settings)
    model.save(target, {"grouped_cv": figures, "settings": settings.__dict__, "reference": reference.name})
    json.dump(figures, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
