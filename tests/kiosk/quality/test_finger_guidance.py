"""Plain guidance: each degradation of a real print gets the advice that names it; clean prints get none.

Run over the 18 distinct real prints of the shared data and their variants (`variants.GRID`). The
counts allow for prints where the degradation is too mild to matter or changes the picture into
another fault (a dry print so thin it reads as no finger at all).
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from kiosk.fitting import variants
from kiosk.messages import LANGUAGES, catalogue
from kiosk.quality import guidance
from kiosk.quality.live import live_estimate
from tests.kiosk.quality.finger_data import prints

CODES = (
    "no_finger",
    "partial",
    "centre",
    "press_harder",
    "too_dry",
    "too_wet",
    "clean_sensor",
    "lift_and_place",
)


@cache
def advice(data: Path, variant: str) -> list[list[str]]:
    """For every print, the guidance codes (short names, most important first) of one variant."""
    out = []
    for source, clean in prints(data).items():
        degraded = variants.apply(clean, variants.parse(variant), source)
        out.append([m.code.rsplit(".", 1)[1] for m in live_estimate(degraded).guidance])
    return out


def firsts(data: Path, variant: str) -> Counter[str]:
    return Counter(codes[0] if codes else "-" for codes in advice(data, variant))


def anywhere(data: Path, variant: str, code: str) -> int:
    return sum(code in codes for codes in advice(data, variant))


def test_every_guidance_code_speaks_both_languages() -> None:
    for code in CODES:
        texts = catalogue()[f"quality.finger.{code}"]
        assert all(texts.get(language) for language in LANGUAGES)


def test_clean_prints_get_no_advice(shared_data: Path) -> None:
    assert firsts(shared_data, "original") == Counter({"-": 18})


@pytest.mark.parametrize("variant", ["partial-0.35", "partial-0.5", "partial-0.65"])
def test_partial_contact_is_called_partial_first(shared_data: Path, variant: str) -> None:
    assert firsts(shared_data, variant)["partial"] == 18


def test_faded_ridges_mean_press_harder(shared_data: Path) -> None:
    assert anywhere(shared_data, "fade-0.25", "press_harder") == 18
    assert firsts(shared_data, "fade-0.25")["press_harder"] == 18


@pytest.mark.parametrize("variant", ["noise-32.5", "noise-45"])
def test_a_noisy_sensor_is_to_be_cleaned(shared_data: Path, variant: str) -> None:
    assert firsts(shared_data, variant)["clean_sensor"] >= 17


def test_thinned_broken_ridges_read_as_dry(shared_data: Path) -> None:
    said = advice(shared_data, "dry-2")
    dry = sum("too_dry" in codes for codes in said)
    vanished = sum(codes[:1] == ["no_finger"] for codes in said)  # ridges dilated away entirely
    assert dry >= 12 and dry + vanished >= 15
    assert sum("too_wet" in codes for codes in said) == 0


def test_swollen_ridges_read_as_wet(shared_data: Path) -> None:
    assert firsts(shared_data, "wet-2")["too_wet"] >= 15
    assert anywhere(shared_data, "wet-2", "too_dry") == 0


def test_a_blurred_print_is_to_be_placed_again(shared_data: Path) -> None:
    assert firsts(shared_data, "blur-3")["lift_and_place"] >= 15


def test_the_mildest_variants_rarely_draw_advice(shared_data: Path) -> None:
    for variant in ("blur-1.5", "fade-0.45", "noise-20"):
        assert firsts(shared_data, variant)["-"] >= 13, variant


def test_nfiq2_guidance_is_silent_on_accepted_prints_and_ranks_feedback() -> None:
    measures = {"fraction": 0.5, "contrast": 60.0, "pixels": 90_000.0, "height": 0.9, "aspect": 1.3,
                "offset": 0.1, "noise": 0.0, "ridge_share": 0.45, "clarity": 0.8, "light": 0.4,
                "grey": 170.0, "dark": 0.05, "frequency": 0.07}  # fmt: skip
    assert guidance.from_nfiq2(55, {}, measures) == []
    small = {"SufficientFingerprintForeground": 30_000.0, "UniformImage": 60.0}
    assert [m.code for m in guidance.from_nfiq2(20, small, measures)] == ["quality.finger.partial"]
    assert [m.code for m in guidance.from_nfiq2(20, {}, measures)] == ["quality.finger.lift_and_place"]
    wet = measures | {"ridge_share": 0.6}
    assert [m.code for m in guidance.from_nfiq2(20, {}, wet)] == ["quality.finger.too_wet"]
