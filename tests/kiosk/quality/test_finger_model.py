"""The live estimator's tree model: it learns, it round-trips as data, and its variants are repeatable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kiosk.fitting import fit_live, variants
from kiosk.quality import live_model
from kiosk.quality.live_model import Settings, TreeModel, fit


def test_it_learns_a_step_and_a_slope_it_was_not_shown() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (400, 3))
    y = np.where(x[:, 0] > 0.5, 60.0, 20.0) + 20 * x[:, 1]  # x[:, 2] is noise
    model = fit(x[:300], y[:300], ("a", "b", "c"), Settings(rounds=200))
    error = np.abs(model.predict(x[300:]) - y[300:])
    assert float(np.median(error)) < 3.0
    used = set(model.feature[np.isfinite(model.threshold)].tolist())
    assert 0 in used and 1 in used


def test_the_model_round_trips_through_json(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(120, 4))
    model = fit(x, 50 + 10 * x[:, 0], ("w", "x", "y", "z"), Settings(rounds=30, depth=3))
    model.save(tmp_path / "m.json", {"note": "test"})
    again = TreeModel.load(tmp_path / "m.json")
    assert again.names == model.names and again.depth == 3
    assert np.allclose(again.predict(x), model.predict(x), atol=1e-3)
    assert np.all((again.predict(x * 100) >= 0) & (again.predict(x * 100) <= 100))


def test_a_file_of_another_format_is_refused(tmp_path: Path) -> None:
    (tmp_path / "m.json").write_text('{"format": "something else"}')
    with pytest.raises(ValueError):
        TreeModel.load(tmp_path / "m.json")


def test_fitting_is_reproducible() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(80, 5))
    y = 40 + 10 * x[:, 2]
    a, b = fit(x, y, tuple("abcde")), fit(x, y, tuple("abcde"))
    assert np.array_equal(a.feature, b.feature) and np.array_equal(a.leaf, b.leaf)


def test_variants_are_the_issues_ranges_and_repeatable() -> None:
    image = np.tile(np.where(np.arange(400) % 10 < 5, 40, 230).astype(np.uint8), (500, 1))
    kinds = {v.kind for v in variants.GRID}
    assert kinds == {"original", "blur", "noise", "fade", "partial", "dry", "wet"}
    for v in variants.GRID:
        assert variants.parse(v.name) == v
        assert np.array_equal(variants.apply(image, v, "a"), variants.apply(image, v, "a"))
    noisy = variants.Variant("noise", 20)
    assert not np.array_equal(variants.apply(image, noisy, "a"), variants.apply(image, noisy, "b"))
    partial = variants.apply(image, variants.Variant("partial", 0.5), "a")
    assert (partial[250:] == partial[499, 0]).all() and partial[:250].std() > 50
    faded = variants.apply(image, variants.Variant("fade", 0.25), "a")
    assert faded.min() == pytest.approx(230 - 0.25 * 190, abs=1)
    assert (variants.apply(image, variants.Variant("dry", 1), "a") < 100).mean() < (image < 100).mean()
    assert (variants.apply(image, variants.Variant("wet", 1), "a") < 100).mean() > (image < 100).mean()


def test_spearman_handles_ties_like_the_textbook() -> None:
    a = np.array([1, 2, 2, 3, 4.0])
    assert fit_live.rank(a).tolist() == [0, 1.5, 1.5, 3, 4]
    assert fit_live.spearman(a, a * 3) == pytest.approx(1.0)
    assert fit_live.spearman(a, -a) == pytest.approx(-1.0)
    assert live_model.FORMAT.startswith("kiosk.quality")
