"""Diagnostics: the measures on made-up images, and self-tests that pass on healthy simulators and fail
on the faults injected into them."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from devices.camera import Camera
from devices.diagnostics import measures, run_diagnostics, selftest
from devices.facts import Found
from devices.fingerprint import FingerprintReader
from devices.positions import Finger
from devices.registry import Registry


def _blank(seed: int, level: int = 240) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(level + rng.normal(0, 1.5, (200, 160)), 0, 255).astype(np.uint8)


def test_non_uniformity_sees_a_smudge() -> None:
    clean = _blank(0)
    smudged = clean.copy()
    smudged[40:100, 40:100] -= 60
    assert measures.non_uniformity(clean) < 1.0
    assert measures.non_uniformity(smudged) > 12.0


def test_pixel_defects_found_and_classified() -> None:
    frames = []
    for seed in range(8):
        frame = _blank(seed)
        frame[10, 20] = 0  # dead
        frame[50, 60] = 128  # stuck
        if seed == 3:
            frame[90, 90] = 0  # one bad frame is noise, not a defect
        frames.append(frame)
    defects = measures.pixel_defects(frames)
    assert defects.dead == [(10, 20)] and defects.stuck == [(50, 60)] and defects.count == 2
    assert measures.pixel_defects([_blank(s) for s in range(4)]).count == 0


def test_sharpness_and_exposure() -> None:
    rng = np.random.default_rng(1)
    texture = cv2.resize(
        rng.integers(0, 255, (60, 80), dtype=np.uint8), (1280, 960), interpolation=cv2.INTER_NEAREST
    )
    sharp = np.dstack([texture] * 3)
    blurred = cv2.GaussianBlur(sharp, (0, 0), 4)
    assert measures.sharpness(sharp) > 3 * measures.sharpness(blurred)
    dark = measures.exposure((sharp // 8).astype(np.uint8))
    assert dark.mean < 40 and dark.under > 0.5 and dark.over == 0
    assert measures.frame_rate([0.0, 0.1, 0.2, 0.3]) == pytest.approx(10.0)
    assert measures.frame_rate([1.0]) == 0.0


def _by_name(report: object) -> dict[str, object]:
    return {c.name: c for c in report.checks}  # type: ignore[attr-defined]


def test_healthy_simulated_reader_passes(reader: FingerprintReader) -> None:
    report = selftest(reader, frames=8)
    checks = _by_name(report)
    assert report.error is None and report.passed, [c.to_json() for c in report.checks]
    assert set(checks) == {
        "fps",
        "image_size",
        "finger_detect_blank",
        "blank_uniformity",
        "defective_pixels",
        "resolution",
        "finger_detect",
        "capture_latency",
    }
    assert checks["image_size"].value == "400x500"  # type: ignore[attr-defined]
    assert not reader.simulation.placed  # type: ignore[attr-defined]  # the test finger was taken off


def test_defects_and_a_dirty_sensor_fail_with_advice(reader: FingerprintReader) -> None:
    simulation = reader.simulation  # type: ignore[attr-defined]
    simulation.set_defects(
        dead=[(5, 5), (100, 200)], stuck=[(300, 300)] + [(400, x) for x in range(10, 40, 2)]
    )
    checks = _by_name(selftest(reader, frames=8))
    defects = checks["defective_pixels"]
    assert defects.passed is False and defects.advice == "devices.advice.defective_pixels"  # type: ignore[attr-defined]
    assert defects.params["dead"] == 2 and defects.params["stuck"] == 16  # type: ignore[attr-defined]


def test_something_left_on_the_sensor_is_a_false_finger(reader: FingerprintReader) -> None:
    simulation = reader.simulation  # type: ignore[attr-defined]
    original = simulation.lift
    simulation.lift = lambda: None  # the selftest cannot clear it: a latent print stays on the glass
    simulation.place(1, Finger.RIGHT_INDEX, seed=2)
    try:
        checks = _by_name(selftest(reader, frames=6))
    finally:
        simulation.lift = original
    assert checks["finger_detect_blank"].passed is False  # type: ignore[attr-defined]
    assert checks["blank_uniformity"].passed is None  # skipped, with advice to clear the sensor  # type: ignore[attr-defined]


class BlankReader(FingerprintReader):
    """A hardware reader with nobody at it: blank frames only, no simulation to place a finger."""

    driver_id = "blank-reader"
    display_name = "Blank reader"
    image_size = (160, 200)

    def _read_frame(self, timeout: float) -> np.ndarray:
        self.count = getattr(self, "count", 0) + 1
        return _blank(self.count)


def test_real_reader_without_a_finger_skips_finger_checks() -> None:
    reader = BlankReader(BlankReader.describe(Found("blank-reader:0")))
    with reader:
        report = selftest(reader, frames=6)
    checks = _by_name(report)
    assert report.passed and checks["blank_uniformity"].passed is True  # type: ignore[attr-defined]
    assert checks["finger_detect"].passed is None and checks["capture_latency"].passed is None  # type: ignore[attr-defined]
    assert checks["finger_detect"].advice == "devices.advice.needs_finger"  # type: ignore[attr-defined]


def test_camera_checks_pass_and_a_dark_room_fails(camera: Camera) -> None:
    report = selftest(camera, frames=8)
    assert report.passed, [c.to_json() for c in report.checks]
    assert set(_by_name(report)) == {
        "fps",
        "preview_size",
        "capture_latency",
        "still_size",
        "focus",
        "exposure",
    }
    simulation = camera.simulation  # type: ignore[attr-defined]
    original = simulation.set_scene
    simulation.set_scene("dark")
    simulation.set_scene = lambda scene: None  # keep the room dark during the self-test
    try:
        exposure = _by_name(selftest(camera, frames=4))["exposure"]
    finally:
        simulation.set_scene = original
    assert exposure.passed is False and exposure.advice == "devices.advice.too_dark"  # type: ignore[attr-defined]


def test_report_covers_every_device_and_is_plain_json(registry: Registry) -> None:
    report = run_diagnostics(registry, frames=6)
    data = json.loads(json.dumps(report.to_json()))
    assert [d["device"]["id"] for d in data["devices"]] == ["sim-camera:0", "sim-fingerprint:0"]
    assert data["passed"] is True and data["environment"]["python"]
    assert all(c["status"] in ("pass", "fail", "skip") for d in data["devices"] for c in d["checks"])
    missing = run_diagnostics(registry, "sim-fingerprint:7")
    assert missing.open_errors[0]["code"] == "devices.error.not_found" and not missing.passed
