"""The simulated bench: which simulated units are plugged in, and the controls tests and the demo use.

Like pyvisa-sim's instrument descriptions, the simulator is state the test can steer, not a mock:
units are plugged and unplugged here (the drivers' probes and the hot-plug monitor see it), each unit
is claimed by one open device at a time (a second open is `Busy`, as with real hardware), and each has a
control object (`unit.simulation`) that says what happens in front of the sensor.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devices.errors import Busy, DeviceTimeout, Disconnected, HardwareFault
from devices.facts import Kind, fake_serial

Listener = Callable[[], None]


class UnitControl:
    """What every simulated unit can be told: unplug, replug, stall, fail."""

    def __init__(self, unit: SimUnit) -> None:
        self.unit = unit
        self._fault: str | None = None
        self.stalled = False

    def unplug(self) -> None:
        self.unit.bench.unplug(self.unit.unit_id)

    def replug(self) -> None:
        self.unit.bench.replug(self.unit.unit_id)

    def stall(self, stalled: bool = True) -> None:
        """A stalled unit delivers nothing (reads time out) but stays connected."""
        self.stalled = stalled

    def fail_next(self, reason: str = "simulated sensor fault") -> None:
        """The next read raises `HardwareFault` with this reason."""
        self._fault = reason

    def check(self, timeout: float) -> None:
        """Raise what a read must raise now (driver side)."""
        if not self.unit.plugged:
            raise Disconnected(self.unit.unit_id, reason="unplugged")
        if self._fault is not None:
            reason, self._fault = self._fault, None
            raise HardwareFault(self.unit.unit_id, reason=reason)
        if self.stalled:
            deadline = time.monotonic() + timeout
            while self.stalled and self.unit.plugged and time.monotonic() < deadline:
                self.unit.wake.wait(min(0.02, max(0.0, deadline - time.monotonic())))
            if not self.unit.plugged:
                raise Disconnected(self.unit.unit_id, reason="unplugged")
            if self.stalled:
                raise DeviceTimeout(
                    self.unit.unit_id, reason="the simulated unit is stalled", seconds=timeout
                )


@dataclass(eq=False)
class SimUnit:
    bench: SimulatedHardware
    unit_id: str
    kind: Kind
    options: dict[str, Any] = field(default_factory=dict)
    plugged: bool = True
    owner: object | None = None
    wake: threading.Event = field(default_factory=threading.Event)  # set when unplugged: ends every wait
    simulation: Any = None

    @property
    def serial(self) -> str:
        return fake_serial(self.unit_id)

    def claim(self, owner: object) -> None:
        with self.bench.lock:
            if not self.plugged:
                raise Disconnected(self.unit_id, reason="unplugged")
            if self.owner is not None and self.owner is not owner:
                raise Busy(self.unit_id, reason="opened by another client")
            self.owner = owner

    def release(self, owner: object) -> None:
        with self.bench.lock:
            if self.owner is owner:
                self.owner = None


class SimulatedHardware:
    def __init__(self, fingerprint_readers: int = 1, cameras: int = 1) -> None:
        self.lock = threading.RLock()
        self._units: dict[str, SimUnit] = {}
        self._listeners: list[Listener] = []
        self._defaults = (fingerprint_readers, cameras)
        self.reset()

    def reset(self) -> None:
        """Back to the default bench: the given number of readers and cameras, nothing on them."""
        with self.lock:
            for unit in self._units.values():
                unit.plugged = False
                unit.wake.set()
            self._units = {}
        for _ in range(self._defaults[0]):
            self.plug(Kind.FINGERPRINT, notify=False)
        for _ in range(self._defaults[1]):
            self.plug(Kind.CAMERA, notify=False)
        self._notify()

    def plug(self, kind: Kind | str, *, notify: bool = True, **options: Any) -> SimUnit:
        """Plug a new unit in; options: `fps`, `seed`, `replay` (reader), `source` (camera)."""
        kind = Kind(kind)
        prefix = "sim-fingerprint" if kind is Kind.FINGERPRINT else "sim-camera"
        with self.lock:
            index = 0
            while f"{prefix}:{index}" in self._units:
                index += 1
            unit = SimUnit(self, f"{prefix}:{index}", kind, dict(options))
            unit.simulation = _control_for(unit)
            self._units[unit.unit_id] = unit
        if notify:
            self._notify()
        return unit

    def unplug(self, unit_id: str) -> None:
        with self.lock:
            unit = self._units[unit_id]
            unit.plugged = False
            unit.wake.set()
        self._notify()

    def replug(self, unit_id: str) -> None:
        with self.lock:
            unit = self._units[unit_id]
            unit.plugged, unit.owner = True, None
            unit.wake.clear()
        self._notify()

    def remove(self, unit_id: str) -> None:
        """Unplug and forget a unit (its id may be reused by the next `plug`)."""
        self.unplug(unit_id)
        with self.lock:
            del self._units[unit_id]

    def units(self, kind: Kind | str | None = None, plugged_only: bool = True) -> list[SimUnit]:
        with self.lock:
            return [
                u
                for u in self._units.values()
                if (kind is None or u.kind == kind) and (u.plugged or not plugged_only)
            ]

    def unit(self, unit_id: str) -> SimUnit:
        with self.lock:
            return self._units[unit_id]

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self.lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self.lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _notify(self) -> None:
        with self.lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener()


def _control_for(unit: SimUnit) -> UnitControl:
    if unit.kind is Kind.FINGERPRINT:
        from devices.sim.sensor import FingerprintSimulation

        return FingerprintSimulation(unit)
    from devices.sim.scene import CameraSimulation

    return CameraSimulation(unit)


HARDWARE = SimulatedHardware()
"""The process's simulated bench; drivers use it unless their options name another (`hardware=`)."""


def bench_from(options: Any) -> SimulatedHardware:
    bench = options.get("hardware") if hasattr(options, "get") else None
    return bench if isinstance(bench, SimulatedHardware) else HARDWARE
