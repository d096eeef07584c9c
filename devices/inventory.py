"""The result of a scan: devices found, devices another driver won, and drivers that failed (with why).

A failed driver is a line in the inventory, never an exception: one vendor's broken package must not
take the station's other devices down, and the technician needs to read why it failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from devices.errors import DeviceError
from devices.facts import DeviceInfo, Kind


@dataclass(frozen=True)
class DriverFailure:
    driver_id: str
    stage: str  # "import", "load", "policy", "probe"
    code: str  # a devices.error.* message code
    params: dict[str, Any]
    text: str  # English, for the technician and the log
    distribution: str = ""  # the package that provides the driver ("kiosk 0.1.0", "acme-scanners 2.3")

    @classmethod
    def from_exception(
        cls, driver_id: str, stage: str, exc: BaseException, distribution: str = ""
    ) -> DriverFailure:
        if isinstance(exc, DeviceError):
            return cls(driver_id, stage, exc.code, exc.to_json()["params"], str(exc), distribution)
        text = f"{type(exc).__name__}: {exc}"
        return cls(
            driver_id,
            stage,
            "devices.error.driver_failed",
            {"device": driver_id, "stage": stage, "reason": text},
            f"driver {driver_id} failed at {stage}: {text}",
            distribution,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "driver": self.driver_id,
            "stage": self.stage,
            "code": self.code,
            "params": self.params,
            "error": self.text,
            "distribution": self.distribution,
        }


@dataclass(frozen=True)
class Inventory:
    devices: tuple[DeviceInfo, ...] = ()
    failures: tuple[DriverFailure, ...] = ()
    shadowed: tuple[DeviceInfo, ...] = ()  # claimed by a driver with a higher score
    status: dict[str, str] = field(
        default_factory=dict
    )  # device id -> ready | in-use | unregistered | shadowed

    def by_id(self, device_id: str) -> DeviceInfo | None:
        return next((d for d in (*self.devices, *self.shadowed) if d.device_id == device_id), None)

    def of_kind(self, kind: Kind | str) -> list[DeviceInfo]:
        return [d for d in self.devices if d.kind == kind]

    def best(self, kind: Kind | str) -> DeviceInfo | None:
        """The highest-scoring device of a kind that may be used (devices are kept sorted by score)."""
        usable = [d for d in self.of_kind(kind) if self.status.get(d.device_id) != "unregistered"]
        return usable[0] if usable else None

    def to_json(self) -> dict[str, Any]:
        def row(info: DeviceInfo) -> dict[str, Any]:
            return {**info.to_json(), "status": self.status.get(info.device_id, "ready")}

        return {
            "devices": [row(d) for d in self.devices],
            "shadowed": [row(d) for d in self.shadowed],
            "failures": [f.to_json() for f in self.failures],
        }
