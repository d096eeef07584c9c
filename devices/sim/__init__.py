"""Simulated devices, always installed: the tests' and the demo's default reader and camera.

`HARDWARE` is the process's simulated bench (plug, unplug, steer); the drivers `sim-fingerprint` and
`sim-camera` are registered in the `kiosk.devices` entry-point group like any vendor's driver.
"""

from devices.sim.hardware import HARDWARE, SimulatedHardware, SimUnit

__all__ = ["HARDWARE", "SimUnit", "SimulatedHardware"]
