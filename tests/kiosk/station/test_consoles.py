"""Which console pages a role opens and where a login lands: from the roles table, without Qt."""

from __future__ import annotations

import pytest

from kiosk.errors import KioskError
from kiosk.roles import PERSON_DATA, Permission, Role
from kiosk.station import consoles
from kiosk.station.consoles import Landing


def keys(role: str) -> list[str]:
    return [p.key for p in consoles.pages_for(role)]


def test_a_technician_lands_in_the_console_and_never_in_the_flow():
    assert consoles.landing("technician") is Landing.CONSOLE
    assert not consoles.may_enrol("technician")
    assert keys("technician") == ["devices", "outbox", "audit"]
    assert not consoles.offers_console("technician")


def test_a_supervisor_enrols_and_may_open_the_console():
    assert consoles.landing(Role.SUPERVISOR) is Landing.ENROLMENT
    assert keys("supervisor") == ["day", "outbox", "audit"]
    assert consoles.offers_console("supervisor")


def test_clerks_and_employers_have_no_console():
    for role in ("clerk", "employer"):
        assert consoles.landing(role) is Landing.ENROLMENT
        assert keys(role) == []
        assert not consoles.offers_console(role)


def test_no_technician_page_shows_person_data():
    for page in consoles.pages_for("technician"):
        assert page.permission not in PERSON_DATA


def test_a_page_the_role_may_not_open_is_refused():
    assert consoles.may_open("technician", "devices")
    assert not consoles.may_open("supervisor", "devices")
    with pytest.raises(KioskError) as caught:
        consoles.require_page("supervisor", "devices")
    assert caught.value.message.code == "roles.forbidden"
    assert caught.value.message.params["permission"] == Permission.MANAGE_DEVICES.value
    with pytest.raises(KioskError) as unknown:
        consoles.page("payroll")
    assert unknown.value.message.code == "console.unknown_page"


def test_leaving_a_visit_for_the_console():
    assert consoles.may_leave_visit(visit_open=False, person_found=False)
    assert consoles.may_leave_visit(visit_open=True, person_found=False)
    assert not consoles.may_leave_visit(visit_open=True, person_found=True)
