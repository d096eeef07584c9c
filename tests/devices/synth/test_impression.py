"""Impressions: sensor frame format, steering by condition, and the spread between captures."""

from __future__ import annotations

import numpy as np
import pytest

from devices.positions import Finger
from devices.synth import KINDS, Condition, impression, master_print
from devices.synth.conditions import MAX_ROTATION_DEG, MAX_TRANSLATION_MM
from devices.synth.distortion import Placement, sensor_to_master

PX_PER_MM = 500 / 25.4


@pytest.fixture(scope="module")
def master():
    return master_print(21, Finger.RIGHT_INDEX)


@pytest.fixture(scope="module")
def captures(master):
    rng = np.random.default_rng(99)
    return [impression(master, rng) for _ in range(60)]


def test_frame_format(master) -> None:
    imp = impression(master, np.random.default_rng(1))
    assert imp.image.shape == (500, 400) and imp.image.dtype == np.uint8 and imp.ppi == 500
    assert imp.contact.shape == (500, 400) and imp.contact.dtype == bool
    background = imp.image[~imp.contact]
    assert np.median(background) > 240  # white outside the contact
    assert (imp.image[imp.contact] < 100).mean() > 0.2  # dark ridges where the finger touches
    for key in ("rotation_deg", "dx_mm", "dy_mm", "contact_fraction", "pressure", "condition"):
        assert key in imp.params


def test_other_sensor_sizes(master) -> None:
    imp = impression(master, np.random.default_rng(1), size=(360, 256))
    assert imp.image.shape == (360, 256) and imp.contact.shape == (360, 256)


def test_same_rng_same_capture_and_new_rng_new_capture(master) -> None:
    a = impression(master, np.random.default_rng(5))
    b = impression(master, np.random.default_rng(5))
    c = impression(master, np.random.default_rng(6))
    assert np.array_equal(a.image, b.image) and a.params == b.params
    assert not np.array_equal(a.image, c.image)


def test_params_override_and_validation(master) -> None:
    rng = np.random.default_rng(2)
    small = impression(master, rng, params={"contact_fraction": 0.5, "rotation_deg": 0.0})
    full = impression(master, rng, params={"contact_fraction": 1.0, "rotation_deg": 0.0})
    assert small.params["contact_fraction"] == pytest.approx(0.5, abs=0.03)
    assert full.params["contact_fraction"] > 0.97
    assert small.contact.sum() < 0.65 * full.contact.sum()
    with pytest.raises(ValueError, match="unknown impression parameters"):
        impression(master, rng, params={"rotaton_deg": 3.0})
    with pytest.raises(ValueError, match="unknown capture condition"):
        Condition("sweaty")
    with pytest.raises(ValueError, match="severity"):
        Condition("dry", 1.5)


def test_placement_spread(captures) -> None:
    rotations = np.array([c.params["rotation_deg"] for c in captures])
    shifts = np.array([[c.params["dx_mm"], c.params["dy_mm"]] for c in captures])
    contact = np.array([c.params["contact_fraction"] for c in captures])
    assert np.abs(rotations).max() <= MAX_ROTATION_DEG and np.abs(rotations).max() > 12
    assert rotations.std() > 5
    assert np.abs(shifts).max() <= MAX_TRANSLATION_MM and np.abs(shifts).max() > 1.8
    assert contact.min() >= 0.48 and contact.max() <= 1.0 and contact.max() - contact.min() > 0.3
    pressure = np.array([c.params["pressure"] for c in captures])
    assert pressure.max() - pressure.min() > 0.2


def test_captures_differ_in_the_image(captures) -> None:
    """What the parameters do shows in the pixels: contact moves and grows, ridges thicken."""
    centroids = np.array([np.argwhere(c.contact).mean(axis=0) for c in captures])
    assert np.ptp(centroids[:, 0]) > 1.5 * PX_PER_MM and np.ptp(centroids[:, 1]) > 1.5 * PX_PER_MM
    areas = np.array([c.contact.mean() for c in captures])
    assert areas.max() / areas.min() > 1.4
    ink = np.array([(c.image[c.contact] < 128).mean() for c in captures])
    pressure = np.array([c.params["pressure"] for c in captures])
    assert np.corrcoef(pressure, ink)[0, 1] > 0.4  # more pressure, thicker (darker) ridges
    first = captures[0].image.astype(float)
    for other in captures[1:6]:
        assert np.abs(first - other.image).mean() > 20


def test_distortion_is_elastic_not_affine() -> None:
    """The sensor-to-finger map of a distorted capture cannot be fitted by any affine map."""
    residual = {}
    for amount in (0.0, 10.0):
        placement = Placement(8.0, 20.0, -10.0, amount, 4.0 if amount else 0.0, (224.0, 250.0))
        map_x, map_y = sensor_to_master(np.random.default_rng(3), placement, (500, 400), (560, 448))
        v, u = np.mgrid[0:500, 0:400]
        design = np.column_stack([u.ravel(), v.ravel(), np.ones(u.size)])
        fit = np.linalg.lstsq(design, np.column_stack([map_x.ravel(), map_y.ravel()]), rcond=None)[0]
        residual[amount] = float(np.abs(design @ fit - np.column_stack([map_x.ravel(), map_y.ravel()])).max())
    assert residual[0.0] < 0.01
    assert residual[10.0] > 4.0


@pytest.mark.parametrize("kind", KINDS)
def test_every_condition_renders(master, kind: str) -> None:
    imp = impression(master, np.random.default_rng(4), Condition(kind))
    assert imp.params["condition"] == kind
    assert imp.image.dtype == np.uint8 and imp.contact.any()


def test_conditions_steer_the_image(master) -> None:
    def mean_of(kind: str, what) -> float:
        rng = np.random.default_rng(8)
        return float(np.mean([what(impression(master, rng, Condition(kind))) for _ in range(4)]))

    def ink(c) -> float:
        return float((c.image[c.contact] < 128).mean())

    def sharpness(c) -> float:
        g = c.image.astype(float)
        return float(np.abs(np.diff(g, axis=1))[c.contact[:, 1:]].mean())

    assert mean_of("wet", ink) > mean_of("good", ink) + 0.1  # water fills the valleys
    assert mean_of("dry", ink) < mean_of("good", ink) - 0.1  # ridges break up
    assert mean_of("faint", ink) < mean_of("good", ink)
    assert mean_of("blurred", sharpness) < 0.5 * mean_of("good", sharpness)
    partial = mean_of("partial", lambda c: c.params["contact_fraction"])
    assert partial < 0.5
