"""Sessions: bound to their station, checked against the role table, ended for good."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.audit import AuditLog, events
from kiosk.errors import KioskError
from kiosk.operators.session import OperatorSession
from kiosk.roles import AuthMethod, Permission, Role

AT = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
CERT = "30001000000500003416"


def clerk(**changes: object) -> OperatorSession:
    options: dict[str, object] = {
        "operator_id": "jperez",
        "role": "clerk",
        "station_id": "st-01",
        "auth_method": "password",
        "clock": lambda: AT,
    }
    options.update(changes)
    return OperatorSession.start(**options)  # type: ignore[arg-type]


def code(exc: pytest.ExceptionInfo[KioskError]) -> str:
    return exc.value.message.code


def test_start_and_manifest():
    session = clerk()
    assert session.role is Role.CLERK and session.auth_method is AuthMethod.PASSWORD and session.active
    manifest = session.to_manifest()
    assert manifest == {
        "operator_id": "jperez",
        "role": "clerk",
        "auth_method": "password",
        "certificate_number": None,
        "station_id": "st-01",
        "session_id": session.session_id,
        "started_at": "2025-03-01T09:00:00.000Z",
    }


def test_bound_to_its_station():
    session = clerk()
    session.use("st-01")
    session.require(Permission.CAPTURE_BIOMETRICS, "st-01")
    with pytest.raises(KioskError) as caught:
        session.use("st-02")
    assert code(caught) == "operators.wrong_station" and caught.value.message.params["bound"] == "st-01"
    with pytest.raises(KioskError):
        session.require(Permission.CAPTURE_BIOMETRICS, "st-02")


def test_role_checked_on_use():
    session = clerk()
    with pytest.raises(KioskError) as caught:
        session.require(Permission.CONFIRM_EXCEPTION, "st-01")
    assert code(caught) == "roles.forbidden"
    assert session.can(Permission.LOOKUP_PERSON) and not session.can(Permission.MANAGE_DEVICES)


def test_ended_session_refuses_everything():
    session = clerk()
    session.end("idle", clock=lambda: AT)
    session.end("logout")  # idempotent: the first reason stands
    assert not session.active and session.end_reason == "idle"
    with pytest.raises(KioskError) as caught:
        session.use("st-01")
    assert code(caught) == "operators.session_ended"
    assert not session.can(Permission.LOOKUP_PERSON)


def test_employer_logs_in_with_fiel_and_carries_the_certificate_number():
    session = clerk(operator_id="EKU9003173C9", role="employer", auth_method="fiel", certificate_number=CERT)
    assert session.to_manifest()["certificate_number"] == CERT


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"role": "employer"}, "roles.wrong_auth_method"),  # an employer with a password
        ({"auth_method": "fiel", "certificate_number": CERT}, "roles.wrong_auth_method"),  # a clerk with FIEL
        ({"auth_method": "sms"}, "roles.wrong_auth_method"),
        ({"role": "admin"}, "roles.unknown_role"),
        ({"role": "employer", "auth_method": "fiel"}, "operators.bad_certificate_number"),
        (
            {"role": "employer", "auth_method": "fiel", "certificate_number": "123"},
            "operators.bad_certificate_number",
        ),
        ({"certificate_number": CERT}, "operators.bad_certificate_number"),
        ({"station_id": " "}, "operators.incomplete_session"),
    ],
)
def test_inconsistent_sessions_are_refused(changes, expected):
    with pytest.raises(KioskError) as caught:
        clerk(**changes)
    assert code(caught) == expected


def test_record_logs_as_the_operator_with_the_session(tmp_path):
    log = AuditLog(tmp_path / "audit")
    session = clerk()
    entry = session.record(log, events.LOOKUP, {"curp": "GOMA080512HDFRRNA5"})
    assert entry.actor == "jperez" and entry.role == "clerk"
    assert entry.fields == {"session": session.session_id, "curp": "GOMA************A5"}
