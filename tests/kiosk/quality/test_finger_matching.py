"""Bozorth3 on real and simulated pairs, ISO/IEC 19794-2 templates, and the session's duplicate check."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from devices.positions import Finger
from kiosk.errors import KioskError
from kiosk.fitting import match_calibration
from kiosk.quality.matching import DEFAULT_THRESHOLD, DuplicateChecker, Template, make_template, match_score
from tests.kiosk.quality.finger_data import image


def test_real_same_finger_pairs_match_and_different_fingers_do_not(shared_data: Path) -> None:
    pairs = match_calibration.real_pairs(shared_data)
    assert len(pairs.genuine) == 8  # the data README's 8 distinct same-finger pairs
    assert len(pairs.impostor) == 18 * 17 // 2 - 8
    assert min(pairs.genuine) >= DEFAULT_THRESHOLD
    assert max(pairs.impostor) < DEFAULT_THRESHOLD
    summary = pairs.summary()
    assert summary["caught"] == 8 and summary["false_alarms"] == 0


def test_simulated_fingers_separate_at_the_same_threshold() -> None:
    pairs = match_calibration.synthetic_pairs(persons=2, fingers_per_person=2, seed=5)
    assert len(pairs.genuine) == 4
    assert min(pairs.genuine) >= DEFAULT_THRESHOLD
    assert max(pairs.impostor) < DEFAULT_THRESHOLD


def test_templates_round_trip_through_iso_19794_2(shared_data: Path) -> None:
    template = make_template(image(shared_data, "nbis-rs/p1_1.png"))
    assert template.iso[:4] == b"FMR\x00" and template.count > 20
    again = Template.from_iso(template.iso)
    assert again.count == template.count
    assert match_score(again, make_template(image(shared_data, "nbis-rs/p1_2.png"))) >= DEFAULT_THRESHOLD
    first = template.minutiae[0]
    assert 0 <= first.x < 400 and 0 <= first.y < 500 and first.kind in {"ridge_ending", "bifurcation"}


def test_a_broken_template_is_a_clear_error() -> None:
    with pytest.raises(KioskError) as caught:
        Template.from_iso(b"FMR\x00 20\x00garbage")
    assert caught.value.message.code == "quality.finger.bad_template"


def test_the_same_finger_twice_is_caught_and_named(shared_data: Path) -> None:
    checker = DuplicateChecker()
    checker.add(Finger.RIGHT_THUMB, make_template(image(shared_data, "nbis-rs/p1_1.png")))
    checker.add(Finger.RIGHT_INDEX, make_template(image(shared_data, "nbis-rs/p2_1.png")))
    checker.add(Finger.LEFT_THUMB, make_template(image(shared_data, "fvc2002-like/101_1.tif")))
    again = make_template(image(shared_data, "nbis-rs/p2_3.png"))  # the right index, placed again
    duplicate = checker.check(again)
    assert duplicate is not None and duplicate.finger is Finger.RIGHT_INDEX
    assert duplicate.score >= DEFAULT_THRESHOLD
    assert "índice derecho" in duplicate.message.render("es_MX")
    assert "right index" in duplicate.message.render("en")
    # A retake of the position being captured is not a duplicate of itself.
    assert checker.check(again, finger=Finger.RIGHT_INDEX) is None
    new_finger = make_template(image(shared_data, "sourceafis/nonmatching.png"))
    assert checker.check(new_finger) is None


def test_a_better_attempt_replaces_the_stored_one_and_clear_forgets(shared_data: Path) -> None:
    checker = DuplicateChecker(threshold=40)
    checker.add(Finger.LEFT_INDEX, make_template(image(shared_data, "fvc2002-like/102_1.tif")))
    checker.add(Finger.LEFT_INDEX, make_template(image(shared_data, "nbis-rs/p1_1.png")))
    assert checker.fingers == (Finger.LEFT_INDEX,)
    assert checker.check(make_template(image(shared_data, "fvc2002-like/102_2.tif"))) is None
    checker.clear()
    assert checker.fingers == ()


def test_an_empty_template_matches_nothing() -> None:
    blank = make_template(np.full((500, 400), 255, np.uint8))
    assert blank.count == 0
    assert match_score(blank, blank) == 0
