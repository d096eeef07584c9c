"""What must hold before a person's session starts, checked before anybody touches a reader.

Every problem found here would otherwise surface after ten fingers and a face: a frozen outbox, a
damaged outbox file, a disk without room for the packet, a device the backend would refuse, a station
the backend revoked, a policy past its date. The clerk then has to send the person away with nothing.
Checking first costs milliseconds (all local: the device registry was fetched at login) and lets the
screen say, before the person sits down, what the technician must fix.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from kiosk.clock import parse_rfc3339
from kiosk.enrol.station import StationContext
from kiosk.messages import Message
from kiosk.operators.login import OperatorLogin
from kiosk.outbox.health import check_outbox
from kiosk.roles import Permission
from kiosk.station.disk import free_space_problem

Check = Callable[[StationContext, OperatorLogin], Message | None]


def role(station: StationContext, operator: OperatorLogin) -> Message | None:
    # The ended session first: can() is false for any ended session, so checking the role first
    # would tell a clerk whose session timed out that the role forbids enrolling.
    if not operator.session.active:
        return Message("operators.session_ended")
    if not operator.session.can(Permission.CAPTURE_BIOMETRICS):
        return Message("roles.forbidden", {"role": operator.session.role.value, "permission": "enrol"})
    return None


def station_standing(station: StationContext, operator: OperatorLogin) -> Message | None:
    if station.config.revoked:
        return Message("enrol.station_revoked")
    if parse_rfc3339(station.policy.expires_at) < datetime.now(UTC):
        return Message("station.policy_expired", {"expires": station.policy.expires_at})
    return None


def outbox_frozen(station: StationContext, operator: OperatorLogin) -> Message | None:
    return station.freeze()


def outbox_sound(station: StationContext, operator: OperatorLogin) -> Message | None:
    """The outbox file is sound and holds every packet the audit log says was sealed here."""
    problems = [p for p in station.outbox.integrity() if p != "ok"]
    if problems:
        return Message("enrol.outbox_damaged", {"problem": problems[0][:120]})
    return check_outbox(station.data_dir, station.audit)


def disk_space(station: StationContext, operator: OperatorLogin) -> Message | None:
    return free_space_problem(station.data_dir, station.policy.min_free_disk_mb)


def devices_ready(station: StationContext, operator: OperatorLogin) -> Message | None:
    devices = station.devices
    if not devices.reader_ready:
        return devices.problems.get("fingerprint") or Message("enrol.no_reader")
    if not devices.camera_ready:
        return devices.problems.get("camera") or Message("enrol.no_camera")
    return None


def devices_registered(station: StationContext, operator: OperatorLogin) -> Message | None:
    unknown = station.devices.unregistered()
    if unknown is None:
        return Message("enrol.devices_unverified")
    if unknown:
        info = unknown[0]
        return Message("enrol.device_unregistered", {"device": info.display_name, "serial": info.serial})
    return None


CHECKS: tuple[Check, ...] = (
    role,
    station_standing,
    outbox_sound,
    outbox_frozen,
    disk_space,
    devices_ready,
    devices_registered,
)


def problems(station: StationContext, operator: OperatorLogin) -> list[Message]:
    """Every problem that stops a new session now, most fundamental first (empty: go ahead)."""
    found = []
    for check in CHECKS:
        problem = check(station, operator)
        if problem is not None:
            found.append(problem)
    return found
