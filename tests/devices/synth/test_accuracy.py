"""The quality targets of the simulated prints, measured by real fingerprint software (nbis-py).

A few dozen captures here; `kiosk bench --only synth_accuracy` runs the full counts (>= 200 genuine
pairs, >= 1,000 impostor pairs). NFIQ 2 failures count as 0, Bozorth3 runs with `min_quality=0`.
"""

from __future__ import annotations

import statistics

import pytest

from devices.synth.evaluation import Accuracy, fingers_of, fraction, measure

pytestmark = pytest.mark.slow

PERSONS = (4100, 4101)  # 20 fingers of all classes: 40 good captures, 20 genuine, 190 impostor pairs
PER_KIND = 10


@pytest.fixture(scope="module")
def accuracy() -> Accuracy:
    return measure(fingers_of(PERSONS), degraded_per_kind=PER_KIND, seed=31, workers=2)


def test_good_captures_score_like_real_good_prints(accuracy: Accuracy) -> None:
    good = accuracy.good_nfiq2
    assert statistics.median(good) >= 55
    assert fraction(good, lambda s: 50 <= s <= 80) >= 0.8


@pytest.mark.parametrize("kind", ["dry", "wet", "blurred"])
def test_dry_wet_blurred_score_low(accuracy: Accuracy, kind: str) -> None:
    assert fraction(accuracy.degraded_nfiq2[kind], lambda s: s <= 35) >= 0.9


@pytest.mark.parametrize("kind", ["noisy", "partial"])
def test_noisy_and_partial_fall_well_below_good(accuracy: Accuracy, kind: str) -> None:
    good = statistics.median(accuracy.good_nfiq2)
    assert statistics.median(accuracy.degraded_nfiq2[kind]) <= good - 20


def test_scarred_and_faint_are_worse_than_good(accuracy: Accuracy) -> None:
    good = statistics.median(accuracy.good_nfiq2)
    assert statistics.median(accuracy.degraded_nfiq2["scarred"]) <= 35  # "unreadable finger"
    assert statistics.median(accuracy.degraded_nfiq2["faint"]) < good - 10


def test_same_finger_matches_like_real_pairs(accuracy: Accuracy) -> None:
    assert len(accuracy.genuine) == 20
    assert fraction(accuracy.genuine, lambda s: s >= 40) >= 0.95
    assert statistics.median(accuracy.genuine) <= 250  # impressions differ like real ones


def test_different_fingers_do_not_match(accuracy: Accuracy) -> None:
    assert len(accuracy.impostor) == 190
    assert any(accuracy.impostor_same_class)  # classes repeat, the hard case is included
    assert fraction(accuracy.impostor, lambda s: s < 25) >= 0.995
