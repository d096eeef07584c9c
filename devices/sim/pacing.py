"""Frame pacing for simulated units: frames arrive at the set rate, and an unplug ends a wait at once."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from devices.errors import DeviceTimeout, Disconnected

if TYPE_CHECKING:
    from devices.sim.hardware import SimUnit


class Pacer:
    def __init__(self, fps: float) -> None:
        self.fps = float(fps)  # 0: as fast as the reader asks (benchmarks, quick tests)
        self._due = 0.0

    def wait(self, unit: SimUnit, timeout: float) -> None:
        """Block until the next frame is due; `DeviceTimeout` if it is not due within `timeout`."""
        now = time.monotonic()
        if self.fps <= 0:
            return
        delay = self._due - now
        if delay > timeout:
            unit.wake.wait(timeout)
            self._check(unit)
            raise DeviceTimeout(unit.unit_id, reason="next frame not due yet", seconds=timeout)
        if delay > 0:
            unit.wake.wait(delay)
            self._check(unit)
        self._due = max(self._due, now) + 1.0 / self.fps

    @staticmethod
    def _check(unit: SimUnit) -> None:
        if not unit.plugged:
            raise Disconnected(unit.unit_id, reason="unplugged")
