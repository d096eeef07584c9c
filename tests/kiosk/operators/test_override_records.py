"""What a supervisor's confirmation leaves behind: the refusal entries name who tried and in which
role, the confirmation names both people and its audit entry, and a success clears the local lockout."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk.audit import AuditLog, events
from kiosk.errors import KioskError
from kiosk.operators.lockout import LockoutTracker
from kiosk.operators.override import SupervisorConfirmation, VerifiedOperator, confirm_over_session
from kiosk.operators.session import OperatorSession
from kiosk.roles import Permission, Role

AT = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
SUBJECT = {"finger": "left-ring", "code": "XX", "reason": "amputated"}
PEOPLE = {
    "mlopez": ("s3cret-Sup", VerifiedOperator("op-sup", Role.SUPERVISOR, "María López")),
    "otroclerk": ("clerk-pass", VerifiedOperator("op-c2", Role.CLERK)),
    "yo": ("mine", VerifiedOperator("op-clerk", Role.SUPERVISOR)),
}


def check(username: str, secret: str) -> VerifiedOperator | None:
    person = PEOPLE.get(username)
    return person[1] if person and person[0] == secret else None


@pytest.fixture
def session() -> OperatorSession:
    return OperatorSession.start(
        operator_id="op-clerk", role="clerk", station_id="st-01", auth_method="password", clock=lambda: AT
    )


@pytest.fixture
def log(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit")


def confirm(
    session: OperatorSession, log: AuditLog, username: str, secret: str, **options: Any
) -> SupervisorConfirmation:
    return confirm_over_session(
        session,
        station_id="st-01",
        username=username,
        secret=secret,
        check=check,
        audit=log,
        subject=SUBJECT,
        clock=lambda: AT,
        **options,
    )


def refused(
    session: OperatorSession, log: AuditLog, username: str, secret: str, **options: object
) -> KioskError:
    with pytest.raises(KioskError) as caught:
        confirm(session, log, username, secret, **options)
    return caught.value


def test_a_wrong_credential_is_logged_under_the_name_typed_with_no_role(
    session: OperatorSession, log: AuditLog
) -> None:
    refused(session, log, "mlopez", "wrong")
    (entry,) = log.entries()
    assert (entry.event, entry.actor, entry.role) == (events.SUPERVISOR_OVERRIDE_FAILED, "mlopez", None)
    assert entry.fields == {
        "session": session.session_id,
        "clerk": "op-clerk",
        **SUBJECT,
        "why": "operators.bad_credentials",
    }


def test_the_session_s_own_operator_is_logged_with_the_role_they_hold(
    session: OperatorSession, log: AuditLog
) -> None:
    error = refused(session, log, "yo", "mine")
    assert error.message.code == "operators.same_person"
    (entry,) = log.entries()
    assert (entry.actor, entry.role, entry.fields["why"]) == ("yo", "supervisor", "operators.same_person")


def test_a_confirmer_without_the_permission_is_told_the_role_and_the_permission(
    session: OperatorSession, log: AuditLog
) -> None:
    error = refused(session, log, "otroclerk", "clerk-pass")
    assert error.message.code == "roles.forbidden"
    assert error.message.params == {"role": "clerk", "permission": str(Permission.CONFIRM_EXCEPTION)}
    (entry,) = log.entries()
    assert (entry.actor, entry.role, entry.fields["why"]) == ("otroclerk", "clerk", "roles.forbidden")


def test_the_confirmation_names_both_people_and_its_audit_entry(
    session: OperatorSession, log: AuditLog
) -> None:
    log.append(events.LOGIN, actor="op-clerk")  # the confirmation is not the log's first entry
    confirmation = confirm(session, log, "mlopez", "s3cret-Sup")
    entry = list(log.entries())[-1]
    assert (confirmation.supervisor_id, confirmation.clerk_id, confirmation.session_id) == (
        "op-sup",
        "op-clerk",
        session.session_id,
    )
    assert (confirmation.audit_seq, confirmation.audit_hash) == (entry.seq, entry.hash) == (2, entry.hash)
    assert confirmation.confirmed_at == AT and confirmation.subject == SUBJECT


def test_a_confirmation_clears_the_supervisor_s_earlier_failures(
    session: OperatorSession, log: AuditLog
) -> None:
    lockout = LockoutTracker(clock=lambda: AT)
    for _ in range(4):
        refused(session, log, "mlopez", "guess", lockout=lockout)
    confirm(session, log, "mlopez", "s3cret-Sup", lockout=lockout)
    for _ in range(4):
        assert (
            refused(session, log, "mlopez", "guess", lockout=lockout).message.code
            == "operators.bad_credentials"
        )
    assert not lockout.status("mlopez").locked
