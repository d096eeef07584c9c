"""The simulated camera: any size and frame rate, the scene steered by `camera.simulation`.

It runs through the generic `Camera` (preview stream, still capture with pause and resume, errors), so
the face step is tested on the same code path a webcam takes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from devices.camera import Camera, Size
from devices.errors import NotFound
from devices.facts import Found
from devices.frames import Image
from devices.sim.hardware import SimUnit, bench_from
from devices.sim.pacing import Pacer
from devices.sim.scene import CameraSimulation

FIRMWARE = "sim-1.0"


class SimCamera(Camera):
    driver_id = "sim-camera"
    display_name = "Simulated camera"
    vendor = "Kiosk simulator"
    image_size = (1280, 720)
    simulated = True
    hotplug_subsystems = ("sim",)

    @classmethod
    def probe(cls, options: Mapping[str, Any]) -> Sequence[Found]:
        return [
            Found(
                unit.unit_id,
                score=10,
                serial=unit.serial,
                firmware=FIRMWARE,
                model="SIM-CAM720",
                hardware_key=unit.unit_id,
                details={
                    "source": str(unit.options.get("source") or "portrait"),
                    "scene": unit.simulation.scene,
                },
            )
            for unit in bench_from(options).units("camera")
        ]

    @classmethod
    def watch(cls, options: Mapping[str, Any], wake: Callable[[], None]) -> Callable[[], None] | None:
        return bench_from(options).subscribe(wake)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        try:
            self.unit: SimUnit = bench_from(self.options).unit(self.device_id)
        except KeyError:
            raise NotFound(self.device_id, reason="no such simulated unit") from None
        self._size: Size = self.preview_size
        self._pacer = Pacer(float(self.unit.options.get("fps", self.default_fps)))
        self._frames = 0

    @property
    def simulation(self) -> CameraSimulation:
        """Say what the camera sees: `set_scene("dark")`, `set_source(path)`, `unplug()` …"""
        control: CameraSimulation = self.unit.simulation
        return control

    def _open_hw(self) -> None:
        self.unit.claim(self)
        self._info = replace(self._info, serial=self.unit.serial, firmware=FIRMWARE)
        # A real camera has its buffers; the simulator builds its wall and noise per frame size the first
        # time (tens of ms of numpy holding Python's lock): build them now, beside whoever opened it.
        threading.Thread(target=self._prepare, name="sim-camera-prepare", daemon=True).start()

    def _prepare(self) -> None:
        for size in (self.preview_size, self.still_size):
            try:
                self.simulation.render(size, 0.0, 0)
            except Exception:  # unplugged or closed meanwhile: the first real frame builds them then
                return

    def _close_hw(self) -> None:
        self.unit.release(self)

    def _configure(self, size: Size, fps: float) -> tuple[Size, float]:
        fixed = self.unit.options.get("fps")
        self._size = (int(size[0]), int(size[1]))
        self._pacer = Pacer(float(fixed) if fixed is not None else fps)
        return self._size, self._pacer.fps

    def _read_frame(self, timeout: float) -> Image:
        self.simulation.check(timeout)
        self._pacer.wait(self.unit, timeout)
        self._frames += 1
        rate = self._pacer.fps if self._pacer.fps > 0 else self.default_fps
        return self.simulation.render(self._size, self._frames / rate, self._frames)
