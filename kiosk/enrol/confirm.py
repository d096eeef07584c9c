"""Who must agree before the flow takes a step the policy guards, and proof that they did.

Four decisions are never the machine's alone: accepting a finger below the NFIQ 2 threshold, recording
a finger as an exception, accepting a face that failed its checks, and enrolling again a person the
backend already knows. The policy names, for each, whether the operator's own confirmation is enough or
a supervisor must come and sign in over the session (`kiosk.operators.override`). A supervisor's
confirmation is bound to what was confirmed (the subject), to this session and to one use: it cannot be
carried over to another finger or replayed.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from kiosk.api import models
from kiosk.audit import events
from kiosk.errors import KioskError
from kiosk.operators.override import SupervisorConfirmation
from kiosk.operators.session import OperatorSession


class Decision(StrEnum):
    BELOW_THRESHOLD = "below_threshold"
    EXCEPTION = "exception"
    FACE_BELOW_THRESHOLD = "face_below_threshold"
    REENROLMENT = "reenrolment"


def confirmer(policy: models.Policy, decision: Decision) -> str:
    """ "operator" or "supervisor": who the policy wants to confirm this decision."""
    if decision is Decision.BELOW_THRESHOLD:
        return policy.fingers.below_threshold_confirmation
    if decision is Decision.EXCEPTION:
        return "supervisor" if policy.fingers.exceptions_need_supervisor else "operator"
    if decision is Decision.FACE_BELOW_THRESHOLD:
        return policy.face.below_threshold_confirmation
    return policy.reenrolment.confirmation


def audit_event(decision: Decision) -> str:
    return events.EXCEPTION_CONFIRMED if decision is Decision.EXCEPTION else events.SUPERVISOR_CONFIRMED


def subject(decision: Decision, **details: Any) -> dict[str, Any]:
    return {"decision": decision.value, **details}


class Confirmations:
    """Checks a confirmation against the policy for one session, and remembers the ones used."""

    def __init__(self, policy: models.Policy, session: OperatorSession) -> None:
        self.policy = policy
        self.session = session
        self._used: set[str] = set()

    def needs_supervisor(self, decision: Decision) -> bool:
        return confirmer(self.policy, decision) == "supervisor"

    def require(
        self, decision: Decision, about: Mapping[str, Any], confirmation: SupervisorConfirmation | None
    ) -> str:
        """The id of whoever confirms `about`; raises when the policy's confirmer has not confirmed it."""
        if not self.needs_supervisor(decision):
            return self.session.operator_id
        if confirmation is None:
            raise KioskError("enrol.supervisor_needed", decision=decision.value)
        if (
            confirmation.session_id != self.session.session_id
            or confirmation.clerk_id != self.session.operator_id
            or dict(confirmation.subject) != dict(about)
        ):
            raise KioskError("enrol.confirmation_mismatch")
        if confirmation.audit_hash in self._used:
            raise KioskError("enrol.confirmation_used")
        self._used.add(confirmation.audit_hash)
        return confirmation.supervisor_id
