"""Self-tests of one open device: what a technician runs after installing or when captures look wrong.

Fingerprint readers: frame rate, image size and resolution, blank-frame uniformity, dead or stuck
pixels, no false finger on an empty sensor, and (with a finger) detection and capture latency.
Cameras: preview frame rate and size, still size and latency, focus and exposure. A simulated device
places its own finger; a real reader needs a person's (`finger_timeout`), otherwise that check is skipped.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from devices.camera import Camera
from devices.device import Device
from devices.errors import DeviceError
from devices.facts import Capability
from devices.finger_tracker import coverage
from devices.fingerprint import FingerprintReader
from devices.frames import Frame
from devices.positions import Finger

from . import measures
from .results import Check, DeviceReport, at_least, at_most, within

READER_MIN_FPS = 5.0
CAMERA_MIN_FPS = 15.0
PPI_RANGE = (450.0, 550.0)  # NFIQ 2 and the matchers are made for 500 ppi
MAX_NON_UNIFORMITY = 12.0  # percent: darkest or brightest block against the median block
MAX_DEFECTS = 10
MAX_CAPTURE_SECONDS = 3.0
MAX_STILL_SECONDS = 2.0
MIN_SHARPNESS = 30.0
EXPOSURE_RANGE = (60.0, 200.0)
MAX_SHADOW = 0.30  # share below 25: dark clothing and hair are normal, a black frame is not
MAX_HIGHLIGHT = 0.10  # share above 247: a lamp or a window in view
MIN_FINGER_COVERAGE = 0.25


def selftest(device: Device, *, frames: int = 12, finger_timeout: float | None = None) -> DeviceReport:
    """Run every check that applies to this (open) device; a device error ends the run and is reported."""
    report = DeviceReport(device.info)
    try:
        if isinstance(device, FingerprintReader):
            _reader_checks(device, report.checks, frames, finger_timeout)
        elif isinstance(device, Camera):
            _camera_checks(device, report.checks, frames)
    except DeviceError as exc:
        report.error = exc.to_json()
    return report


def _reader_checks(
    reader: FingerprintReader, checks: list[Check], count: int, finger_timeout: float | None
) -> None:
    simulation: Any = getattr(reader, "simulation", None)
    if Capability.LIVE_PREVIEW in reader.capabilities():
        if simulation is not None:
            simulation.lift()
        with reader.stream(queue_size=count + 2) as stream:
            blank = [stream.read(5.0) for _ in range(count)]
        checks.append(
            at_least(
                "fps",
                measures.frame_rate([f.timestamp for f in blank]),
                READER_MIN_FPS,
                "fps",
                "devices.advice.slow_frames",
            )
        )
        checks.append(_size_check(blank[-1], reader.image_size))
        present = sum(1 for f in blank if f.finger_present) / len(blank)
        checks.append(at_most("finger_detect_blank", present, 0.0, "share", "devices.advice.false_finger"))
        images = [f.image for f in blank]
        if present == 0.0:
            mean = np.mean(np.stack(images), axis=0)
            checks.append(
                at_most(
                    "blank_uniformity",
                    measures.non_uniformity(mean.astype("uint8")),
                    MAX_NON_UNIFORMITY,
                    "%",
                    "devices.advice.clean_sensor",
                )
            )
            defects = measures.pixel_defects(images)
            checks.append(
                at_most(
                    "defective_pixels",
                    defects.count,
                    MAX_DEFECTS,
                    "pixels",
                    "devices.advice.defective_pixels",
                    dead=len(defects.dead),
                    stuck=len(defects.stuck),
                    first=[list(p) for p in (defects.dead + defects.stuck)[:10]],
                )
            )
        else:
            for name in ("blank_uniformity", "defective_pixels"):
                checks.append(Check(name, None, "", "", None, "devices.advice.clear_sensor"))
    checks.append(
        within("resolution", float(reader.info.ppi or 0), *PPI_RANGE, "ppi", "devices.advice.resolution")
    )
    checks.extend(_finger_checks(reader, simulation, finger_timeout))


def _finger_checks(reader: FingerprintReader, simulation: Any, finger_timeout: float | None) -> list[Check]:
    if simulation is not None:
        simulation.place(1, Finger.RIGHT_INDEX, seed=1)
        timeout = 10.0
    elif finger_timeout:
        timeout = finger_timeout
    else:
        skipped = "devices.advice.needs_finger"
        return [
            Check("finger_detect", None, "", "", None, skipped),
            Check("capture_latency", None, "s", "", None, skipped),
        ]
    try:
        frame = reader.capture(timeout)
    finally:
        if simulation is not None:
            simulation.lift()
    covered = coverage(frame.image)
    detected = bool(frame.finger_present) and covered >= MIN_FINGER_COVERAGE
    return [
        Check(
            "finger_detect",
            round(covered, 3),
            "coverage",
            f">= {MIN_FINGER_COVERAGE:g}",
            detected,
            "" if detected else "devices.advice.finger_not_seen",
            {"value": round(covered, 3)},
        ),
        at_most(
            "capture_latency",
            float(frame.meta.get("capture_seconds", 0.0)),
            MAX_CAPTURE_SECONDS,
            "s",
            "devices.advice.slow_capture",
        ),
    ]


def _camera_checks(camera: Camera, checks: list[Check], count: int) -> None:
    simulation: Any = getattr(camera, "simulation", None)
    if simulation is not None:
        simulation.set_scene("normal")
    with camera.stream() as stream:
        live = [stream.read(5.0) for _ in range(count)]
    checks.append(
        at_least(
            "fps",
            measures.frame_rate([f.timestamp for f in live]),
            CAMERA_MIN_FPS,
            "fps",
            "devices.advice.slow_frames",
        )
    )
    checks.append(_minimum_size("preview_size", live[-1], camera.preview_size))
    started = time.monotonic()
    still = camera.capture_still()
    checks.append(
        at_most(
            "capture_latency",
            time.monotonic() - started,
            MAX_STILL_SECONDS,
            "s",
            "devices.advice.slow_capture",
        )
    )
    checks.append(_minimum_size("still_size", still, camera.still_size))
    checks.append(
        at_least("focus", measures.sharpness(still.image), MIN_SHARPNESS, "", "devices.advice.blurred")
    )
    exp = measures.exposure(still.image)
    low, high = EXPOSURE_RANGE
    dark = exp.mean < low or exp.under > MAX_SHADOW
    bright = exp.mean > high or exp.over > MAX_HIGHLIGHT
    ok = not dark and not bright
    advice = "" if ok else ("devices.advice.too_dark" if dark else "devices.advice.too_bright")
    limit = f"{low:g}..{high:g}, < 25: <= {MAX_SHADOW:.0%}, > 247: <= {MAX_HIGHLIGHT:.0%}"
    checks.append(
        Check(
            "exposure",
            exp.mean,
            "grey level",
            limit,
            ok,
            advice,
            {"value": round(exp.mean, 1), "under": round(exp.under, 3), "over": round(exp.over, 3)},
        )
    )


def _size_check(frame: Frame, expected: tuple[int, int] | None) -> Check:
    value = f"{frame.size[0]}x{frame.size[1]}"
    if expected is None:
        ok = min(frame.size) >= 256
        return Check(
            "image_size",
            value,
            "px",
            ">= 256x256",
            ok,
            "" if ok else "devices.advice.image_size",
            {"value": value},
        )
    ok = tuple(frame.size) == tuple(expected)
    limit = f"{expected[0]}x{expected[1]}"
    return Check(
        "image_size",
        value,
        "px",
        limit,
        ok,
        "" if ok else "devices.advice.image_size",
        {"value": value, "limit": limit},
    )


def _minimum_size(name: str, frame: Frame, wanted: tuple[int, int]) -> Check:
    value = f"{frame.size[0]}x{frame.size[1]}"
    limit = f">= {wanted[0]}x{wanted[1]}"
    ok = frame.size[0] >= wanted[0] and frame.size[1] >= wanted[1]
    return Check(
        name,
        value,
        "px",
        limit,
        ok,
        "" if ok else "devices.advice.image_size",
        {"value": value, "limit": limit},
    )
