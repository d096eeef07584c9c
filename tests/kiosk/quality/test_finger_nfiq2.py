"""NFIQ 2 through nbis-py: NIST's expected values, failures that score 0 with a reason, resampling."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.quality import ridge_blocks
from kiosk.quality.images import read_image
from kiosk.quality.nfiq2 import nfiq2, raw_score
from tests.kiosk.quality.finger_data import image

SFINGE = "fingerprints/nist-nfiq2-sfinge"


def expected(data: Path, number: int) -> dict[str, float]:
    text = (data / SFINGE / f"SFinGe_Test0{number}_expected_nfiq2.txt").read_text()
    return {k.strip(): float(v) for k, v in (line.split(":", 1) for line in text.splitlines() if ":" in line)}


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_scores_and_features_are_nists_own(shared_data: Path, number: int) -> None:
    result = nfiq2(read_image(shared_data / SFINGE / f"SFinGe_Test0{number}.pgm"))
    want = expected(shared_data, number)
    assert result.score == want["UnifiedQualityScore"]
    assert result.error is None and not result.resampled
    for name in ("FDA_Bin10_Mean", "LCS_Bin10_Mean", "OCL_Bin10_Mean", "OF_Bin10_Mean", "Mu"):
        assert result.features[name] == pytest.approx(want[name], abs=1e-3)
    assert result.actionable["FingerprintImageWithMinutiae"] == want["FingerprintImageWithMinutiae"]


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_the_live_block_measures_track_nists_values(shared_data: Path, number: int) -> None:
    """The estimator's stand-ins for NFIQ 2's block features, against NIST's published values."""
    ours = ridge_blocks.measure(read_image(shared_data / SFINGE / f"SFinGe_Test0{number}.pgm"))
    want = expected(shared_data, number)
    assert ours["ocl_mean"] == pytest.approx(want["OCL_Bin10_Mean"], abs=0.01)
    assert ours["of_mean"] == pytest.approx(want["OF_Bin10_Mean"], abs=0.01)
    assert ours["fda_mean"] == pytest.approx(want["FDA_Bin10_Mean"], abs=0.02)
    assert ours["lcs_mean"] == pytest.approx(want["LCS_Bin10_Mean"], abs=0.02)
    assert ours["rvup_mean"] == pytest.approx(want["RVUP_Bin10_Mean"], abs=0.05)
    assert sum(ours[f"of_bin{i}"] for i in range(10)) == sum(want[f"OF_Bin10_{i}"] for i in range(10))


def test_a_good_print_scores_as_listed_and_needs_no_guidance(shared_data: Path) -> None:
    result = nfiq2(image(shared_data, "nbis-rs/p1_1.png"))
    assert result.score == 68  # nfiq2-reference.csv
    assert result.guidance == []
    assert set(result.actionable) == {
        "UniformImage",
        "EmptyImageOrContrastTooLow",
        "FingerprintImageWithMinutiae",
        "SufficientFingerprintForeground",
    }


def test_a_blank_image_scores_zero_and_says_why() -> None:
    result = nfiq2(np.full((500, 400), 255, np.uint8))
    assert result.score == 0
    assert result.error is not None and result.error.code == "quality.finger.nfiq2_failed"
    assert result.error.params["reason"].code == "quality.finger.why.blank"
    assert [g.code for g in result.guidance][:1] == ["quality.finger.no_finger"]
    assert "no hay dedo" in result.error.render("es_MX")


def test_a_tiny_image_is_refused_as_too_small(shared_data: Path) -> None:
    result = nfiq2(image(shared_data, "nbis-rs/p1_1.png")[200:300, 150:250])
    assert result.score == 0
    assert result.error is not None
    assert result.error.params["reason"].code == "quality.finger.why.too_small"


def test_a_sliver_of_a_finger_is_told_it_is_partial(shared_data: Path) -> None:
    sliver = image(shared_data, "nbis-rs/p1_1.png").copy()
    sliver[180:, :] = 255  # the finger starts near row 100: only the tip is left
    result = nfiq2(sliver)
    assert result.score < 40
    assert "quality.finger.partial" in [g.code for g in result.guidance]


def test_other_resolutions_are_resampled_with_area_interpolation_and_say_so(shared_data: Path) -> None:
    card = read_image(shared_data / "fingerprints/nbis-sivv-cards/card0003_05.bmp")  # 1000 ppi
    result = nfiq2(card, ppi=1000)
    assert result.resampled
    half = cv2.resize(
        card, (round(card.shape[1] / 2), round(card.shape[0] / 2)), interpolation=cv2.INTER_AREA
    )
    scored = raw_score(half)
    assert scored is not None and result.score == scored[0]
    native = nfiq2(card)  # taken at its word as 500 ppi: NFIQ 2 is not made for that
    assert not native.resampled and native.score < result.score
