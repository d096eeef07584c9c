"""Which drivers may load and which devices may capture, decided before anything touches hardware.

A driver runs inside the process that holds biometrics, so a station's policy names the driver ids that
may load at all (checked before the driver's module is even imported); simulators load only in demo and
test modes unless the policy says otherwise; and a device whose serial is not registered to the station
can be refused at open. The kiosk builds this from its configuration and signed policy and passes it
in: this layer never reads the kiosk's settings itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from devices.errors import NotPermitted
from devices.facts import DeviceInfo

MODES = ("production", "demo", "test")


@dataclass(frozen=True)
class DevicePolicy:
    mode: str = "production"
    allowed_drivers: frozenset[str] | None = None  # None: every installed driver may load
    allow_simulators: bool = False  # in production mode
    registered_serials: frozenset[str] | None = None  # None: no serial check

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}; expected one of {', '.join(MODES)}")

    @classmethod
    def build(
        cls,
        mode: str = "production",
        allowed_drivers: Iterable[str] | None = None,
        allow_simulators: bool = False,
        registered_serials: Iterable[str] | None = None,
    ) -> DevicePolicy:
        return cls(
            mode,
            None if allowed_drivers is None else frozenset(allowed_drivers),
            allow_simulators,
            None if registered_serials is None else frozenset(registered_serials),
        )

    @property
    def simulators_allowed(self) -> bool:
        return self.mode in ("demo", "test") or self.allow_simulators

    def check_driver_id(self, driver_id: str) -> None:
        """Before import: is this driver named by the policy?"""
        if self.allowed_drivers is not None and driver_id not in self.allowed_drivers:
            raise NotPermitted(driver_id, reason="the driver is not on the station's list of allowed drivers")

    def check_simulated(self, driver_id: str, simulated: bool) -> None:
        if simulated and not self.simulators_allowed:
            raise NotPermitted(driver_id, reason=f"simulated devices are not allowed in {self.mode} mode")

    def serial_registered(self, info: DeviceInfo) -> bool:
        return self.registered_serials is None or info.serial in self.registered_serials

    def check_device(self, info: DeviceInfo) -> None:
        """At open, once the serial is read from the hardware."""
        if not self.serial_registered(info):
            raise NotPermitted(
                info.device_id, reason=f"serial {info.serial or '(none)'} is not registered to this station"
            )
