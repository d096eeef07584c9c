"""The supervisor's run: the demo clerk enrols a person first, then the supervisor reads the day.

`run(pilot) -> dict` (the interface in `ui/autopilots/__init__.py`). So that the day is not empty, the
demo clerk first enrols one synthetic person on the same station, headless, through the real flow
(`kiosk.enrol.simulated.SimulatedActor`, as `kiosk enrol --simulated` does; about 20 s) while the
window waits at its login screen. Then the supervisor signs in through the window, opens the console
from the station bar and looks at the day, the outbox and the audit log, a picture of each.
"""

from __future__ import annotations

import threading
from typing import Any

from kiosk.enrol.runner import Credentials
from kiosk.enrol.simulated import EnrolResult, SimulatedActor
from kiosk.synthetic_people import people
from ui.autopilot import AutopilotStuck

ENROL_TIMEOUT_S = 180.0


def run(pilot: Any) -> dict[str, Any]:
    t = pilot.begin("clerk_enrolment")
    result = _clerk_enrols(pilot)
    pilot.end("clerk_enrolment", t)
    t = pilot.begin("login")
    supervisor = pilot.accounts["supervisor"]
    pilot.on_screen("login")
    pilot.write("ui.login.username", supervisor.username)
    pilot.write("ui.login.password", supervisor.password, enter=True)
    pilot.on_screen("lookup")  # a supervisor enrols too: the flow first, the console from the bar
    pilot.click("ui.bar.console")
    pilot.on_screen("console")
    pilot.end("login", t)
    console = pilot.shell.screen("console")

    t = pilot.begin("day")
    pilot.click("console.page.day")
    day = console.page("day")
    pilot.wait_for(lambda: day.summary is not None and pilot.shell.background.running == 0, "the day summary")
    pilot.shot("supervisor-day")
    pilot.end("day", t)

    t = pilot.begin("outbox")
    pilot.click("console.page.outbox")
    outbox = console.page("outbox")
    pilot.wait_for(lambda: outbox.view is not None and pilot.shell.background.running == 0, "the outbox")
    pilot.shot("supervisor-outbox")
    pilot.end("outbox", t)

    t = pilot.begin("audit")
    pilot.click("console.page.audit")
    audit = console.page("audit")
    pilot.wait_for(lambda: audit.browser is not None and pilot.shell.background.running == 0, "the audit log")
    pilot.shot("supervisor-audit")
    pilot.end("audit", t)

    summary = day.summary
    report = audit.browser.report
    passed = result.outcome == "delivered" and summary.sealed >= 1 and bool(summary.by_finger) and report.ok
    return {
        "passed": passed,
        "clerk_enrolment": result.to_json("en"),
        "day": {"started": summary.started, "sealed": summary.sealed, "delivered": summary.delivered},
        "nfiq2_fingers_kept": sum(s.count for s in summary.by_finger.values()),
        "outbox": outbox.view.counts,
        "audit_ok": report.ok,
        "audit_entries": report.entries,
    }


def _clerk_enrols(pilot: Any) -> EnrolResult:
    """One synthetic person enrolled by the demo clerk on the window's own station, in a worker thread
    (the window keeps painting), with the demo supervisor's confirmations where the policy asks."""
    desk = pilot.shell.desk
    clerk, supervisor = pilot.accounts["clerk"], pilot.accounts["supervisor"]
    done: dict[str, Any] = {}

    def work() -> None:
        try:
            login = desk.auth.password(clerk.username, clerk.password)
            try:
                actor = SimulatedActor(
                    desk.station,
                    login,
                    verify=desk.auth.verify,
                    supervisor=Credentials(supervisor.username, supervisor.password),
                )
                done["result"] = actor.enrol(people(1)[0])
            finally:
                desk.auth.logout(login)
        except BaseException as exc:  # handed to the GUI thread below
            done["error"] = exc

    worker = threading.Thread(target=work, name="demo-clerk", daemon=True)
    worker.start()
    pilot.wait_for(lambda: not worker.is_alive(), "the demo clerk's enrolment", ENROL_TIMEOUT_S)
    if "error" in done:
        raise AutopilotStuck(pilot.step, f"the demo clerk's enrolment failed: {done['error']}")
    result: EnrolResult = done["result"]
    if result.outcome not in ("delivered", "pending"):
        raise AutopilotStuck(pilot.step, f"the demo clerk's enrolment ended {result.outcome}")
    return result
