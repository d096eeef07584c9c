"""What is known about a device before anybody opens it: the driver's static facts plus what a probe found.

A driver states its facts as class data (as libfprint's drivers do), the probe adds what only the
hardware knows (serial, firmware, where it is plugged), and `DeviceInfo` joins both into the one record
that `kiosk devices list`, the registry and the device allow-list work from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    FINGERPRINT = "fingerprint"
    CAMERA = "camera"


class Capability(StrEnum):
    """Derived from what a driver implements, never declared by hand (see `Device.capabilities`)."""

    LIVE_PREVIEW = "live-preview"
    FINGER_DETECT = "finger-detect"
    FAKE_FINGER = "fake-finger-detect"
    LEDS = "leds"
    HOTPLUG = "hot-plug"
    STILL = "still-capture"
    SET_MODE = "set-resolution"


@dataclass(frozen=True)
class UsbId:
    vendor: int
    product: int

    def __str__(self) -> str:
        return f"{self.vendor:04x}:{self.product:04x}"


@dataclass(frozen=True)
class Found:
    """One device a driver's probe saw. `score` ranks drivers claiming the same `hardware_key`."""

    device_id: str
    score: int = 50
    serial: str = ""
    firmware: str = ""
    model: str = ""
    hardware_key: str | None = None
    usb: UsbId | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DeviceInfo:
    """Inventory record of one device: the driver's facts and the probe's findings together."""

    device_id: str
    driver_id: str
    kind: Kind
    display_name: str
    vendor: str
    model: str
    serial: str
    firmware: str
    ppi: int | None
    image_size: tuple[int, int] | None  # (width, height) in pixels
    capabilities: frozenset[Capability]
    simulated: bool
    score: int
    usb: UsbId | None = None
    hardware_key: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.device_id,
            "driver": self.driver_id,
            "kind": str(self.kind),
            "name": self.display_name,
            "vendor": self.vendor,
            "model": self.model,
            "serial": self.serial,
            "firmware": self.firmware,
            "ppi": self.ppi,
            "resolution": f"{self.image_size[0]}x{self.image_size[1]}" if self.image_size else None,
            "capabilities": sorted(str(c) for c in self.capabilities),
            "simulated": self.simulated,
            "score": self.score,
            "usb": str(self.usb) if self.usb else None,
            "details": {k: _plain(v) for k, v in self.details.items()},
        }


def fake_serial(device_id: str, prefix: str = "SIM") -> str:
    """A serial number for a simulated device: stable for the same device id, distinct between ids.

    Allow-lists and packet manifests key devices by serial, so a simulator must behave like real
    hardware here: the same unit keeps its serial across runs and machines.
    """
    digest = hashlib.sha256(device_id.encode()).hexdigest()[:10].upper()
    return f"{prefix}-{digest}"


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)
