"""Master prints: repeatable per (person, finger), ten distinct fingers, plausible classes and images."""

from __future__ import annotations

import collections

import numpy as np
import pytest

from devices.positions import Finger
from devices.synth import NATURAL_FREQUENCIES, PATTERNS, master_print
from devices.synth.master import _build
from devices.synth.orientation import choose_pattern
from devices.synth.shape import MASTER_SHAPE

SINGULAR_COUNTS = {
    "arch": (0, 0),
    "tented_arch": (1, 1),
    "left_loop": (1, 1),
    "right_loop": (1, 1),
    "whorl": (2, 2),
}


def test_master_is_deterministic_and_cached() -> None:
    a = master_print(7, Finger.RIGHT_INDEX)
    assert master_print(7, Finger.RIGHT_INDEX) is a
    fresh = _build(7, Finger.RIGHT_INDEX)  # recomputed from scratch, not from the cache
    assert np.array_equal(fresh.image, a.image)
    assert np.array_equal(fresh.field, a.field)
    assert fresh.pattern == a.pattern and fresh.singular_points == a.singular_points
    assert master_print(7, 2) is a  # ISO code accepted


def test_master_image_format() -> None:
    m = master_print(3, Finger.LEFT_THUMB)
    assert m.image.shape == MASTER_SHAPE and m.image.dtype == np.uint8 and m.ppi == 500
    assert m.mask.dtype == bool and 0.4 < m.mask.mean() < 0.95
    assert (m.image[~m.mask] == 255).all()  # white outside the finger
    inside = m.image[m.mask]
    dark = (inside < 100).mean()
    assert 0.25 < dark < 0.65  # ridges and valleys both present: dark ridges on white
    assert not m.image.flags.writeable and not m.field.flags.writeable


def test_ridge_period_is_realistic_and_varies() -> None:
    m = master_print(3, Finger.RIGHT_MIDDLE)
    spectrum = np.abs(np.fft.rfft2(m.field - m.field.mean()))
    ky = np.fft.fftfreq(m.field.shape[0])[:, None]
    kx = np.fft.rfftfreq(m.field.shape[1])[None, :]
    radius = np.hypot(kx, ky)
    dominant = 1.0 / np.average(radius, weights=spectrum**2)
    assert 7.5 < dominant < 12.0  # pixels at 500 ppi: 0.38–0.6 mm, as on adult fingers
    assert m.period.max() / m.period.min() > 1.15  # spacing varies across the print


def test_ten_fingers_of_a_person_are_distinct() -> None:
    masters = [master_print(11, f) for f in Finger]
    for i, a in enumerate(masters):
        for b in masters[i + 1 :]:
            both = a.mask & b.mask
            corr = np.corrcoef(a.field[both], b.field[both])[0, 1]
            assert abs(corr) < 0.2, (a.finger, b.finger, corr)


def test_same_finger_of_two_people_differs() -> None:
    a, b = master_print(1, Finger.RIGHT_INDEX), master_print(2, Finger.RIGHT_INDEX)
    both = a.mask & b.mask
    assert abs(np.corrcoef(a.field[both], b.field[both])[0, 1]) < 0.2


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
def test_singular_points_match_the_class(seed: int) -> None:
    m = master_print(seed, Finger.RIGHT_THUMB)
    assert m.pattern in PATTERNS
    kinds = collections.Counter(p.kind for p in m.singular_points)
    assert (kinds["core"], kinds["delta"]) == SINGULAR_COUNTS[m.pattern]


def test_class_frequencies_follow_real_populations() -> None:
    rng = np.random.default_rng(5)
    draws = collections.Counter(choose_pattern(rng, f) for _ in range(600) for f in Finger)
    total = sum(draws.values())
    for name, expected in NATURAL_FREQUENCIES.items():
        assert abs(draws[name] / total - expected) < 0.04, (name, draws[name] / total)


def test_loop_direction_leans_to_the_ulnar_side() -> None:
    rng = np.random.default_rng(6)
    right = collections.Counter(choose_pattern(rng, Finger.RIGHT_MIDDLE) for _ in range(3000))
    left = collections.Counter(choose_pattern(rng, Finger.LEFT_MIDDLE) for _ in range(3000))
    assert right["right_loop"] > right["left_loop"] and left["left_loop"] > left["right_loop"]
