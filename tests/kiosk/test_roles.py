"""The permission table: a technician never sees a person's data, and the docs show the real table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.errors import KioskError
from kiosk.roles import (
    AUTH_METHODS,
    PERMISSIONS,
    PERSON_DATA,
    AuthMethod,
    Permission,
    Role,
    allowed,
    check_auth_method,
    permissions_of,
    require,
    roles_with,
    table,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"


def test_every_role_has_an_entry():
    assert set(PERMISSIONS) == set(Role) == set(AUTH_METHODS)


def test_a_technician_never_sees_a_persons_data():
    assert not PERMISSIONS[Role.TECHNICIAN] & PERSON_DATA
    for permission in PERSON_DATA:
        assert not allowed("technician", permission)
        with pytest.raises(KioskError) as caught:
            require(Role.TECHNICIAN, permission)
        assert caught.value.message.code == "roles.forbidden"


def test_only_supervisors_confirm_exceptions():
    assert roles_with(Permission.CONFIRM_EXCEPTION) == {Role.SUPERVISOR}
    assert roles_with(Permission.RECORD_EXCEPTION) == {Role.CLERK, Role.EMPLOYER, Role.SUPERVISOR}


def test_station_work_is_the_technicians():
    for permission in (Permission.REGISTER_STATION, Permission.MANAGE_DEVICES, Permission.RUN_DIAGNOSTICS):
        assert roles_with(permission) == {Role.TECHNICIAN}


def test_enrolling_roles_can_do_the_whole_enrolment():
    steps = [
        Permission.LOOKUP_PERSON,
        Permission.RECORD_IDENTITY_PROOFING,
        Permission.RECORD_CONSENT,
        Permission.CAPTURE_BIOMETRICS,
        Permission.SEAL_AND_SUBMIT,
        Permission.VIEW_RECEIPT,
    ]
    for role in (Role.CLERK, Role.EMPLOYER, Role.SUPERVISOR):
        assert all(allowed(role, step) for step in steps)


def test_unknown_names_hold_nothing():
    assert not allowed("admin", Permission.LOOKUP_PERSON)
    assert not allowed("clerk", "launch_missiles")
    with pytest.raises(KioskError):
        require("admin", Permission.LOOKUP_PERSON)
    with pytest.raises(KioskError) as caught:
        permissions_of("root")
    assert caught.value.message.code == "roles.unknown_role"


def test_auth_methods():
    check_auth_method("employer", AuthMethod.FIEL)
    for role in ("clerk", "supervisor", "technician"):
        check_auth_method(role, "password")
        with pytest.raises(KioskError):
            check_auth_method(role, "fiel")
    with pytest.raises(KioskError):
        check_auth_method("employer", "password")


def test_table_as_data():
    data = table()
    assert set(data) == {p.value for p in Permission}
    assert data["confirm_exception"] == {
        "clerk": False,
        "employer": False,
        "supervisor": True,
        "technician": False,
    }


def test_the_docs_show_the_real_table():
    rows = {}
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## The permission table", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        match = re.match(r"^\| `([a-z_]+)` \|(.*)\|\s*$", line)
        if match:
            cells = [c.strip() for c in match.group(2).split("|")]
            rows[match.group(1)] = cells
    assert set(rows) == {p.value for p in Permission}
    for permission in Permission:
        cells = rows[permission.value]
        assert [c == "✔" for c in cells[:4]] == [permission in PERMISSIONS[r] for r in Role], permission
        assert (cells[4] == "yes") == (permission in PERSON_DATA), permission
