"""A vendor driver opened through the registry on its fake library, and the fake's control handle."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from devices.fingerprint import FingerprintReader
from devices.policy import DevicePolicy
from devices.registry import Registry


@dataclass
class Bench:
    registry: Registry
    fake: Any  # the fake library itself (ctypes), for its fake_* controls
    image: np.ndarray

    def script(self, text: str) -> None:
        self.fake.fake_set_script(text.encode())

    def open(self, device_id: str) -> FingerprintReader:
        reader = self.registry.open_reader(device_id)
        return reader


def bench(
    monkeypatch: pytest.MonkeyPatch, vendor: str, env_var: str, library: Path, image: np.ndarray
) -> Iterator[Bench]:
    monkeypatch.setenv(env_var, str(library))
    fake = ctypes.CDLL(str(library))
    fake.fake_reset()
    fake.fake_set_script.argtypes = [ctypes.c_char_p]
    served = np.ascontiguousarray(image)
    fake.fake_set_image(served.ctypes.data_as(ctypes.c_void_p), served.shape[1], served.shape[0])
    registry = Registry(policy=DevicePolicy(mode="test", allowed_drivers=frozenset({vendor})))
    yield Bench(registry, fake, served)
    for device in list(registry._in_use.values()):
        registry.release(device)


def crop(image: np.ndarray, width: int, height: int) -> np.ndarray:
    top, left = (image.shape[0] - height) // 2, (image.shape[1] - width) // 2
    return np.ascontiguousarray(image[top : top + height, left : left + width])
