"""Fixtures for the device layer: a private simulated bench, a test-mode registry on it, open sim devices.

Each test gets its own `SimulatedHardware`, so plugging, unplugging and steering never leak between
tests; the drivers find it through their options (`hardware=`), exactly as the registry passes them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devices.camera import Camera
from devices.fingerprint import FingerprintReader
from devices.policy import DevicePolicy
from devices.registry import Registry
from devices.sim.hardware import SimulatedHardware

FAST_FPS = 100.0  # simulated frames arrive quickly in tests; pacing itself is tested separately


@pytest.fixture
def bench() -> SimulatedHardware:
    hardware = SimulatedHardware(fingerprint_readers=0, cameras=0)
    hardware.plug("fingerprint", fps=FAST_FPS)
    hardware.plug("camera", fps=FAST_FPS)
    return hardware


def sim_options(bench: SimulatedHardware) -> dict[str, dict[str, object]]:
    return {"sim-fingerprint": {"hardware": bench}, "sim-camera": {"hardware": bench}}


# The generic layer's tests see only these drivers, whatever real drivers (libfprint, vendor SDKs, SBI)
# the machine has; those are tested on their own in tests/devices/drivers/.
GENERIC_DRIVERS = frozenset({"sim-fingerprint", "sim-camera", "opencv-camera"})


@pytest.fixture
def registry(bench: SimulatedHardware) -> Registry:
    policy = DevicePolicy(mode="test", allowed_drivers=GENERIC_DRIVERS)
    return Registry(policy=policy, options=sim_options(bench))


@pytest.fixture
def reader(registry: Registry) -> Iterator[FingerprintReader]:
    device = registry.open("sim-fingerprint:0")
    assert isinstance(device, FingerprintReader)
    yield device
    registry.release(device)


@pytest.fixture
def camera(registry: Registry) -> Iterator[Camera]:
    device = registry.open("sim-camera:0")
    assert isinstance(device, Camera)
    yield device
    registry.release(device)
