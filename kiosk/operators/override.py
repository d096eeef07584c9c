"""A supervisor confirms an exception over a clerk's session, without ending it.

An exception (a finger not captured) is where enrolment fraud hides, so the policy wants a second
person to confirm it: the supervisor walks to the window, signs in on top of the clerk's session and
confirms; the clerk's session, and the person's data in it, carry on. The supervisor's credential is
checked by a callable the caller provides (the backend's password login in the application, a fake
in tests), and every attempt, good or bad, goes into the audit log with both people named (masked).
The confirmer must hold `confirm_exception` and must be someone other than the session's operator:
four eyes, even when the session's operator is a supervisor themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk.audit import events
from kiosk.audit.log import AuditLog
from kiosk.clock import Clock, rfc3339, utcnow
from kiosk.errors import KioskError
from kiosk.operators.lockout import LockoutTracker
from kiosk.operators.session import OperatorSession
from kiosk.roles import Permission, Role, allowed, parse_role


@dataclass(frozen=True)
class VerifiedOperator:
    """Who a credential check found: what the caller's `check` returns."""

    operator_id: str
    role: Role
    name: str | None = None


# (user name, secret) -> the operator, or None / KioskError when the credential is wrong.
CredentialCheck = Callable[[str, str], VerifiedOperator | None]


@dataclass(frozen=True)
class SupervisorConfirmation:
    supervisor_id: str
    clerk_id: str
    session_id: str
    confirmed_at: datetime
    subject: dict[str, Any] = field(default_factory=dict)  # what was confirmed (finger, code, reason)
    audit_seq: int = 0
    audit_hash: str = ""

    def to_manifest(self) -> dict[str, Any]:
        return {
            "supervisor_id": self.supervisor_id,
            "confirmed_at": rfc3339(self.confirmed_at),
            "over_session": self.session_id,
            "audit_hash": self.audit_hash,
            **self.subject,
        }


def confirm_over_session(
    session: OperatorSession,
    *,
    station_id: str,
    username: str,
    secret: str,
    check: CredentialCheck,
    audit: AuditLog,
    subject: Mapping[str, Any],
    permission: Permission = Permission.CONFIRM_EXCEPTION,
    event: str = events.EXCEPTION_CONFIRMED,
    lockout: LockoutTracker | None = None,
    clock: Clock = utcnow,
) -> SupervisorConfirmation:
    """Check the supervisor's credential over `session` and record the confirmation of `subject`.

    Raises `KioskError` (and logs `supervisor_override_failed`) on a wrong or locked credential, a
    confirmer without `permission`, or the session's own operator; the session is left as it was.
    """
    session.use(station_id)
    base = {"session": session.session_id, "clerk": session.operator_id, **subject}

    def refuse(error: KioskError, role: str | None = None) -> KioskError:
        audit.append(
            events.SUPERVISOR_OVERRIDE_FAILED,
            actor=username,
            role=role,
            fields={**base, "why": error.message.code},
        )
        return error

    if lockout is not None:
        try:
            lockout.check(username)
        except KioskError as exc:
            raise refuse(exc) from None
    try:
        verified = check(username, secret)
    except KioskError as exc:
        verified = None
        failure: KioskError = exc
    else:
        failure = KioskError("operators.bad_credentials")
    if verified is None:
        if lockout is not None:
            lockout.failure(username)
        raise refuse(failure)
    if lockout is not None:
        lockout.success(username)
    role = parse_role(verified.role)
    if verified.operator_id == session.operator_id:
        raise refuse(KioskError("operators.same_person"), role.value)
    if not allowed(role, permission):
        raise refuse(KioskError("roles.forbidden", role=role.value, permission=str(permission)), role.value)
    entry = audit.append(event, actor=verified.operator_id, role=role.value, fields=base)
    return SupervisorConfirmation(
        verified.operator_id,
        session.operator_id,
        session.session_id,
        clock(),
        dict(subject),
        entry.seq,
        entry.hash,
    )
