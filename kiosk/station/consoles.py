"""The station's consoles: which pages beside the clerk's flow a role may open, and where a login lands.

A technician looks after the station and its devices and never sees a person, so their login opens the
console and never the enrolment flow. A supervisor enrols like a clerk and may also open the console
(and come back). The pages are data: each names the permission of the roles table (`kiosk.roles`) that
opens it, so the window shows only what the signed-in role may open and the rule is tested without Qt.
Pages that show a person's data hold a permission from `PERSON_DATA`; none of them is a technician's.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.errors import KioskError
from kiosk.roles import Permission, Role, allowed, parse_role


@dataclass(frozen=True)
class ConsolePage:
    key: str
    title: str  # message code of the page's title in the console's list
    permission: Permission


# In the order the console lists them. The window builds a page only when its key is here.
PAGES: tuple[ConsolePage, ...] = (
    ConsolePage("devices", "console.page.devices", Permission.MANAGE_DEVICES),
    ConsolePage("day", "console.page.day", Permission.VIEW_STATION_DAY),
    ConsolePage("outbox", "console.page.outbox", Permission.MANAGE_OUTBOX),
    ConsolePage("audit", "console.page.audit", Permission.VERIFY_AUDIT),
)


class Landing(StrEnum):
    ENROLMENT = "enrolment"  # the clerk's flow: a new visit starts
    CONSOLE = "console"  # the console, first page the role may open
    NOTHING = "nothing"  # a role with neither: said plainly


def page(key: str) -> ConsolePage:
    for candidate in PAGES:
        if candidate.key == key:
            return candidate
    raise KioskError("console.unknown_page", page=key)


def pages_for(role: str | Role) -> list[ConsolePage]:
    """The pages `role` may open, in console order."""
    parsed = parse_role(role)
    return [p for p in PAGES if allowed(parsed, p.permission)]


def may_open(role: str | Role, key: str) -> bool:
    return allowed(parse_role(role), page(key).permission)


def require_page(role: str | Role, key: str) -> ConsolePage:
    """The page, or `KioskError("roles.forbidden")` when the role may not open it."""
    found = page(key)
    if not allowed(parse_role(role), found.permission):
        raise KioskError("roles.forbidden", role=str(role), permission=found.permission.value)
    return found


def may_enrol(role: str | Role) -> bool:
    return allowed(parse_role(role), Permission.CAPTURE_BIOMETRICS)


def landing(role: str | Role) -> Landing:
    """Where a login opens: enrolment for whoever enrols, else the console, else a plain 'nothing here'."""
    if may_enrol(role):
        return Landing.ENROLMENT
    if pages_for(role):
        return Landing.CONSOLE
    return Landing.NOTHING


def may_leave_visit(visit_open: bool, person_found: bool) -> bool:
    """A supervisor may leave for the console from an empty lookup; a person being served is finished
    (or sent away) first, so nothing of theirs waits behind the console."""
    return not visit_open or not person_found


def offers_console(role: str | Role) -> bool:
    """The station bar's console button: for a role that enrols and has console pages (a supervisor);
    a technician is in the console already and has no enrolment to go back to."""
    return may_enrol(role) and bool(pages_for(role))
