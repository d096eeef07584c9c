"""The diagnostics report: the station's environment, the inventory, and every device's self-test.

It is what a support ticket needs (as `pyvisa-info` is for instruments): which drivers are installed
from which packages, which failed and why, and how each device measured. It never holds an image.
"""

from __future__ import annotations

import platform
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from devices.errors import DeviceError
from devices.inventory import Inventory
from devices.registry import Registry

from .results import DeviceReport
from .selftest import selftest


@dataclass
class DiagnosticsReport:
    inventory: Inventory
    devices: list[DeviceReport] = field(default_factory=list)
    open_errors: list[dict[str, Any]] = field(default_factory=list)  # devices that would not even open
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S%z"))

    @property
    def passed(self) -> bool:
        return not self.open_errors and all(d.passed for d in self.devices)

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "passed": self.passed,
            "environment": environment(),
            "inventory": self.inventory.to_json(),
            "devices": [d.to_json() for d in self.devices],
            "open_errors": self.open_errors,
        }


def environment() -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for name in ("numpy", "opencv-python-headless", "pyudev", "nbis-py"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": sys.version.split()[0],
        "packages": versions,
    }


def run_diagnostics(
    registry: Registry, device_id: str | None = None, *, finger_timeout: float | None = None, frames: int = 12
) -> DiagnosticsReport:
    """Self-test one device (by id) or every usable device the registry finds."""
    inventory = registry.scan()
    report = DiagnosticsReport(inventory)
    targets = [device_id] if device_id else [d.device_id for d in inventory.devices]
    for target in targets:
        try:
            device = registry.open(target)
        except DeviceError as exc:
            report.open_errors.append({"device": target, **exc.to_json()})
            continue
        try:
            report.devices.append(selftest(device, frames=frames, finger_timeout=finger_timeout))
        finally:
            registry.release(device)
    return report
