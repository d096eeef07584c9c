"""The live estimate: what it reports on a frame, and how well it agrees with NFIQ 2 on unseen prints.

The agreement test is the issue's acceptance measure: grouped cross-validation over the real prints of
the shared data and their degraded variants (all variants of one print held out together), NFIQ 2
failures counted as 0. The NFIQ 2 scores of the variants come from the committed cache, a sample of
which is recomputed with live NFIQ 2 here so that the cache cannot drift from the real thing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kiosk.fitting import fit_live, variants
from kiosk.quality import live
from kiosk.quality.live import INPUT_NAMES, live_estimate
from kiosk.quality.nfiq2 import raw_score
from tests.kiosk.quality.finger_data import image, prints

SAMPLE_CHECKED = 10


@pytest.fixture(scope="module")
def reference() -> list[fit_live.Reference]:
    return fit_live.read_reference(fit_live.default_reference_path())


def test_the_cache_covers_every_print_and_variant(
    shared_data: Path, reference: list[fit_live.Reference]
) -> None:
    expected = {(s, v.name) for s in prints(shared_data) for v in variants.GRID}
    assert {(r.source, r.variant) for r in reference} == expected
    assert len(prints(shared_data)) == 18


def test_a_sample_of_the_cache_matches_live_nfiq2(
    shared_data: Path, reference: list[fit_live.Reference]
) -> None:
    rng = np.random.default_rng(2)
    picked = [reference[i] for i in rng.choice(len(reference), SAMPLE_CHECKED, replace=False)]
    picked += [r for r in reference if r.nfiq2 == 0][:2]  # failures must still fail
    for row in picked:
        degraded = variants.apply(prints(shared_data)[row.source], variants.parse(row.variant), row.source)
        scored = raw_score(degraded)
        assert (scored[0] if scored else 0) == row.nfiq2, row


def test_agreement_with_nfiq2_on_prints_it_was_not_fitted_on(
    shared_data: Path, reference: list[fit_live.Reference]
) -> None:
    data = fit_live.dataset(prints(shared_data), reference)
    predictions = fit_live.grouped_predictions(data)
    figures = fit_live.agreement(predictions, data.y)
    assert len(np.unique(data.groups)) == 18 and figures["images"] == 306
    assert figures["spearman"] >= 0.80, figures
    assert figures["accept_agreement"] >= 0.88, figures


def test_the_committed_model_matches_the_inputs_and_records_its_figures() -> None:
    import json

    from kiosk.resources import resource_path

    data = json.loads(resource_path("quality", "live_model.json").read_text())
    assert tuple(data["names"]) == INPUT_NAMES == live.model().names
    assert data["fit"]["grouped_cv"]["spearman"] >= 0.80
    assert data["fit"]["grouped_cv"]["accept_agreement"] >= 0.88


def test_an_empty_reader_has_no_finger_and_estimates_zero() -> None:
    for frame in (np.full((500, 400), 250, np.uint8), np.random.default_rng(0).normal(245, 3, (500, 400))):
        result = live_estimate(np.clip(frame, 0, 255).astype(np.uint8))
        assert not result.finger_present
        assert result.estimate == 0.0
        assert [g.code for g in result.guidance] == ["quality.finger.no_finger"]


def test_a_good_print_is_present_centred_and_estimated_near_nfiq2(shared_data: Path) -> None:
    result = live_estimate(image(shared_data, "nbis-rs/p1_1.png"))  # NFIQ 2: 68
    assert result.finger_present
    assert 0.3 < result.foreground < 0.7
    assert result.centring > 0.7
    assert result.contact > 1.0  # more than NFIQ 2's 50 000 pixels
    assert 50 <= result.estimate <= 85
    assert 0.5 < result.clarity <= 1 and 0.5 < result.orientation_certainty <= 1
    assert 0.05 < result.ridge_frequency < 0.12  # ridges 8–20 pixels apart at 500 ppi
    assert not result.dry and not result.wet
    assert result.guidance == []


def test_an_off_centre_finger_is_told_to_centre_and_which_way(shared_data: Path) -> None:
    canvas = np.full((500, 400), 255, np.uint8)
    finger = image(shared_data, "nbis-rs/p1_1.png")[90:500, 0:400]
    small = finger[::2, ::2]  # a smaller finger, placed in the top-left corner
    canvas[: small.shape[0], : small.shape[1]] = small
    result = live_estimate(canvas)
    assert "quality.finger.centre" in [g.code for g in result.guidance]
    assert result.offset[0] < 0 and result.offset[1] < 0


def test_other_resolutions_are_resampled(shared_data: Path) -> None:
    card = prints(shared_data)["nbis-sivv-cards/card0003_05.bmp"]  # already halved to 500 ppi
    doubled = np.repeat(np.repeat(card, 2, axis=0), 2, axis=1)
    result = live_estimate(doubled, ppi=1000)
    assert result.resampled
    assert result.estimate == pytest.approx(live_estimate(card).estimate, abs=8)


def test_agreement_on_the_simulators_prints() -> None:
    """The simulated reader's captures (never used for fitting) are estimated in NFIQ 2's order too."""
    from devices.positions import Finger
    from devices.synth import Condition, impression, master_print

    rng = np.random.default_rng(1)
    masters = [master_print(900, Finger.RIGHT_INDEX), master_print(901, Finger.LEFT_THUMB)]
    kinds = ("good", "dry", "wet", "blurred", "partial", "noisy", "faint") * 2
    estimates, scores = [], []
    for i, kind in enumerate(kinds):
        frame = impression(masters[i % 2], rng, Condition(kind)).image
        scored = raw_score(frame)
        scores.append(scored[0] if scored else 0)
        estimates.append(live_estimate(frame).estimate)
    est, ref = np.array(estimates), np.array(scores)
    assert fit_live.spearman(est, ref) >= 0.8
    assert np.mean((est >= 40) == (ref >= 40)) >= 0.8
