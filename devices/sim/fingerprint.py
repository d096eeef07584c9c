"""The simulated fingerprint reader: a driver like any other, its sensor steered by `reader.simulation`.

It goes through the same generic reader (state machine, streams, errors) as a vendor's scanner, so the
tests, the demo and `kiosk enrol --simulated` exercise the real capture path. Only the frames are made
up: by `devices.sim.sensor` from synthetic prints or a replay folder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from devices.errors import NotFound
from devices.facts import Found
from devices.fingerprint import FingerprintReader
from devices.frames import Image
from devices.sim.hardware import SimUnit, bench_from
from devices.sim.pacing import Pacer
from devices.sim.sensor import SENSOR_SIZE, FingerprintSimulation

DEFAULT_FPS = 15.0
FIRMWARE = "sim-1.0"


class SimFingerprintReader(FingerprintReader):
    driver_id = "sim-fingerprint"
    display_name = "Simulated fingerprint reader"
    vendor = "Kiosk simulator"
    ppi = 500
    image_size = SENSOR_SIZE
    simulated = True
    hotplug_subsystems = ("sim",)

    @classmethod
    def probe(cls, options: Mapping[str, Any]) -> Sequence[Found]:
        found = []
        for unit in bench_from(options).units("fingerprint"):
            details: dict[str, Any] = {"fps": float(unit.options.get("fps", DEFAULT_FPS))}
            if unit.options.get("replay"):
                details["replay"] = str(Path(unit.options["replay"]))
            found.append(
                Found(
                    unit.unit_id,
                    score=10,
                    serial=unit.serial,
                    firmware=FIRMWARE,
                    model="SIM-FP500",
                    hardware_key=unit.unit_id,
                    details=details,
                )
            )
        return found

    @classmethod
    def watch(cls, options: Mapping[str, Any], wake: Callable[[], None]) -> Callable[[], None] | None:
        return bench_from(options).subscribe(wake)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        try:
            self.unit: SimUnit = bench_from(self.options).unit(self.device_id)
        except KeyError:
            raise NotFound(self.device_id, reason="no such simulated unit") from None
        self._pacer = Pacer(float(self.unit.options.get("fps", DEFAULT_FPS)))
        self._present = False

    @property
    def simulation(self) -> FingerprintSimulation:
        """Say what is on the sensor: `place(person_seed, finger, condition)`, `lift()`, `unplug()` …"""
        control: FingerprintSimulation = self.unit.simulation
        return control

    def _open_hw(self) -> None:
        self.unit.claim(self)
        self._info = replace(self._info, serial=self.unit.serial, firmware=FIRMWARE)

    def _close_hw(self) -> None:
        self.unit.release(self)

    def _read_frame(self, timeout: float) -> Image:
        self.simulation.check(timeout)
        self._pacer.wait(self.unit, timeout)
        image, self._present = self.simulation.render()
        return image

    def _finger_present(self) -> bool | None:
        return self._present
