"""`kiosk demo --autopilot --role ROLE`: a run through the screens of one role beside the clerk's.

Each role has a module here, `ui/autopilots/<role>.py`, defining one function:

    def run(pilot: ui.autopilot.Autopilot) -> dict[str, Any]

`pilot` is the same driver as the clerk's run (it acts only as a person would: `pilot.click(code)`,
`pilot.write(code, text)`, `pilot.wait_for(...)`, `pilot.on_screen(name)`, `pilot.shot(name)` saves
a numbered picture of the window, `pilot.begin(step)` / `pilot.end(step, t)` time a step into
`pilot.timings`, `pilot.figures` holds measured figures). What a role's run may use besides:
`pilot.shell` (the window; None in a technician's first run until set-up is done), `pilot.accounts`
(role -> demo account with `username` and `password`), `pilot.backend` (the embedded backend:
`new_enrolment_file()` and the like, for the steps a person would do at the backend's side).

The run signs in as its role itself and returns its summary: it must hold `"passed": bool` (the demo's
exit status) and may add anything measured; the caller adds `timings_ms`, `screenshots_taken` and
`figures` from the pilot. A step that cannot go on raises `ui.autopilot.AutopilotStuck`.
"""

from __future__ import annotations

import importlib
import time
from types import ModuleType
from typing import Any

ROLES = ("technician", "supervisor")


def load(role: str) -> ModuleType:
    if role not in ROLES:
        raise ValueError(f"no autopilot for role {role!r}")
    return importlib.import_module(f"ui.autopilots.{role}")


def drive(pilot: Any, role: str) -> dict[str, Any]:
    """Run `role`'s autopilot with `pilot`; a stuck step is a picture and `failed_at`, not a traceback."""
    from ui.autopilot import AutopilotStuck

    pilot.folder.mkdir(parents=True, exist_ok=True)
    if pilot.shell is not None:
        pilot.shell.show()
        pilot.pump(200)
    started = time.perf_counter()
    summary: dict[str, Any] = {"role": role, "passed": False}
    try:
        summary.update(load(role).run(pilot))
    except AutopilotStuck as stuck:
        if pilot.window() is not None:
            pilot.shot("stuck")
        summary["passed"] = False
        summary["failed_at"] = stuck.step
    summary["timings_ms"] = pilot.timings
    summary["total_ms"] = round((time.perf_counter() - started) * 1000, 1)
    summary["screenshots_taken"] = pilot.shots
    summary["figures"] = pilot.figures
    return summary
