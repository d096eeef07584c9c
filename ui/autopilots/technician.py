"""The technician's run: sign in, land in the console, look at the devices.

`run(pilot) -> dict` (the interface in `ui/autopilots/__init__.py`).
"""

from __future__ import annotations

from typing import Any


def run(pilot: Any) -> dict[str, Any]:
    technician = pilot.accounts["technician"]
    t = pilot.begin("login")
    pilot.on_screen("login")
    pilot.write("ui.login.username", technician.username)
    pilot.write("ui.login.password", technician.password, enter=True)
    pilot.on_screen("console")
    pilot.end("login", t)
    t = pilot.begin("devices")
    page = pilot.shell.screen("console").page("devices")
    pilot.wait_for(lambda: page.scans > 0, "the device table")
    pilot.shot("console-devices")
    pilot.end("devices", t)
    return {"passed": True}
