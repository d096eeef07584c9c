"""A supervisor confirms an exception over a clerk's session: recorded, and the session carries on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.audit import AuditLog, events, verify_log
from kiosk.errors import KioskError
from kiosk.operators.lockout import LockoutTracker
from kiosk.operators.override import VerifiedOperator, confirm_over_session
from kiosk.operators.session import OperatorSession
from kiosk.roles import Permission, Role

AT = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
EXCEPTION = {"finger": "left-ring", "code": "XX", "reason": "amputated"}
ACCOUNTS = {
    "mlopez": ("s3cret-Sup", VerifiedOperator("op-sup", Role.SUPERVISOR, "María López")),
    "otroclerk": ("clerk-pass", VerifiedOperator("op-c2", Role.CLERK)),
    "jperez": ("clerk-pass", VerifiedOperator("op-clerk", Role.SUPERVISOR)),
}


def check(username: str, secret: str) -> VerifiedOperator | None:
    account = ACCOUNTS.get(username)
    return account[1] if account and account[0] == secret else None


@pytest.fixture
def session() -> OperatorSession:
    return OperatorSession.start(
        operator_id="op-clerk", role="clerk", station_id="st-01", auth_method="password", clock=lambda: AT
    )


@pytest.fixture
def log(tmp_path) -> AuditLog:
    return AuditLog(tmp_path / "audit")


def confirm(session, log, username="mlopez", secret="s3cret-Sup", **options):
    return confirm_over_session(
        session,
        station_id="st-01",
        username=username,
        secret=secret,
        check=check,
        audit=log,
        subject=EXCEPTION,
        clock=lambda: AT,
        **options,
    )


def test_confirmation_is_recorded_and_the_clerk_session_goes_on(session, log):
    confirmation = confirm(session, log)
    assert session.active and session.operator_id == "op-clerk"
    session.require(Permission.CAPTURE_BIOMETRICS, "st-01")  # the clerk carries on
    assert not session.can(Permission.CONFIRM_EXCEPTION)  # without the supervisor's rights
    entries = list(log.entries())
    assert len(entries) == 1
    entry = entries[0]
    assert (
        entry.event == events.EXCEPTION_CONFIRMED and entry.actor == "op-sup" and entry.role == "supervisor"
    )
    assert entry.fields == {"session": session.session_id, "clerk": "op-clerk", **EXCEPTION}
    assert confirmation.audit_hash == entry.hash and confirmation.supervisor_id == "op-sup"
    assert confirmation.to_manifest() == {
        "supervisor_id": "op-sup",
        "confirmed_at": "2025-03-01T09:00:00.000Z",
        "over_session": session.session_id,
        "audit_hash": entry.hash,
        **EXCEPTION,
    }
    assert verify_log(log.directory, require_checkpoint=False).ok


@pytest.mark.parametrize(
    ("username", "secret", "expected"),
    [
        ("mlopez", "wrong", "operators.bad_credentials"),
        ("nobody", "x", "operators.bad_credentials"),
        ("otroclerk", "clerk-pass", "roles.forbidden"),  # another clerk cannot confirm
        ("jperez", "clerk-pass", "operators.same_person"),  # four eyes: not the session's own operator
    ],
)
def test_refusals_are_recorded_and_change_nothing(session, log, username, secret, expected):
    with pytest.raises(KioskError) as caught:
        confirm(session, log, username, secret)
    assert caught.value.message.code == expected
    assert session.active
    (entry,) = log.entries()
    assert entry.event == events.SUPERVISOR_OVERRIDE_FAILED and entry.fields["why"] == expected
    assert "wrong" not in str(entry.to_json()) and "clerk-pass" not in str(
        entry.to_json()
    )  # never the secret


def test_a_check_that_raises_is_a_refusal_too(session, log):
    def locked_backend(username: str, secret: str) -> VerifiedOperator:
        raise KioskError("operators.locked", minutes=3)

    with pytest.raises(KioskError) as caught:
        confirm_over_session(
            session,
            station_id="st-01",
            username="mlopez",
            secret="x",
            check=locked_backend,
            audit=log,
            subject={},
        )
    assert caught.value.message.code == "operators.locked"
    assert next(iter(log.entries())).fields["why"] == "operators.locked"


def test_not_on_another_station(session, log):
    with pytest.raises(KioskError) as caught:
        confirm_over_session(
            session,
            station_id="st-99",
            username="mlopez",
            secret="s3cret-Sup",
            check=check,
            audit=log,
            subject={},
        )
    assert caught.value.message.code == "operators.wrong_station"


def test_repeated_failures_lock_the_supervisor_locally(session, log):
    clock_now = [AT]
    lockout = LockoutTracker(clock=lambda: clock_now[0])
    for _ in range(5):
        with pytest.raises(KioskError):
            confirm(session, log, secret="guess", lockout=lockout)
    with pytest.raises(KioskError) as caught:
        confirm(session, log, lockout=lockout)  # even the right password, now
    assert caught.value.message.code == "operators.locked"
