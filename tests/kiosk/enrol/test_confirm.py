"""Who confirms each guarded decision, as the policy says, and what binds a supervisor's confirmation
to one subject, one session, one clerk and one use."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from kiosk.api import models
from kiosk.audit import events
from kiosk.enrol.confirm import Confirmations, Decision, audit_event, confirmer, subject
from kiosk.errors import KioskError
from kiosk.operators.override import SupervisorConfirmation
from kiosk.policy import default_policy

NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
ABOUT = {"decision": "exception", "finger": "left-little", "code": "XX", "reason": "amputated"}


def policy(**changes: Any) -> models.Policy:
    raw = default_policy(1, NOW)
    for dotted, value in changes.items():
        section, key = dotted.split(".")
        raw[section][key] = value
    return models.Policy.model_validate(raw)


def confirmation(**changes: Any) -> SupervisorConfirmation:
    fields: dict[str, Any] = {
        "supervisor_id": "op-sup",
        "clerk_id": "op-clerk",
        "session_id": "s-1",
        "confirmed_at": NOW,
        "subject": dict(ABOUT),
        "audit_hash": "h-1",
    }
    return SupervisorConfirmation(**(fields | changes))


SESSION = SimpleNamespace(session_id="s-1", operator_id="op-clerk")


def test_each_decision_is_confirmed_by_the_role_the_policy_names() -> None:
    assert confirmer(policy(), Decision.EXCEPTION) == "supervisor"
    assert (
        confirmer(policy(**{"fingers.exceptions_need_supervisor": False}), Decision.EXCEPTION) == "operator"
    )
    assert confirmer(
        policy(**{"fingers.below_threshold_confirmation": "supervisor"}), Decision.BELOW_THRESHOLD
    ) == ("supervisor")
    assert confirmer(
        policy(**{"face.below_threshold_confirmation": "supervisor"}), Decision.FACE_BELOW_THRESHOLD
    ) == ("supervisor")
    assert confirmer(policy(**{"reenrolment.confirmation": "operator"}), Decision.REENROLMENT) == "operator"


def test_an_exception_is_logged_as_such_and_the_rest_as_a_supervisor_s_confirmation() -> None:
    assert audit_event(Decision.EXCEPTION) == events.EXCEPTION_CONFIRMED
    for decision in (Decision.BELOW_THRESHOLD, Decision.FACE_BELOW_THRESHOLD, Decision.REENROLMENT):
        assert audit_event(decision) == events.SUPERVISOR_CONFIRMED


def test_the_subject_names_the_decision_and_its_details() -> None:
    assert subject(Decision.EXCEPTION, finger="left-little", code="XX", reason="amputated") == ABOUT


def test_the_operator_confirms_alone_when_the_policy_allows_it() -> None:
    checks = Confirmations(policy(**{"fingers.exceptions_need_supervisor": False}), SESSION)  # type: ignore[arg-type]
    assert not checks.needs_supervisor(Decision.EXCEPTION)
    assert checks.require(Decision.EXCEPTION, ABOUT, None) == "op-clerk"


def test_without_the_supervisor_the_operator_is_told_which_decision_needs_one() -> None:
    checks = Confirmations(policy(), SESSION)  # type: ignore[arg-type]
    with pytest.raises(KioskError) as caught:
        checks.require(Decision.EXCEPTION, ABOUT, None)
    assert caught.value.render("en") == "the policy asks for a supervisor's confirmation for this (exception)"


@pytest.mark.parametrize(
    "other",
    [
        {"session_id": "s-2"},  # another session, same clerk
        {"clerk_id": "op-other"},  # same session id, another clerk
        {"subject": {**ABOUT, "finger": "left-ring"}},  # another finger
    ],
)
def test_a_confirmation_binds_session_clerk_and_subject_each_on_its_own(other: dict[str, Any]) -> None:
    checks = Confirmations(policy(), SESSION)  # type: ignore[arg-type]
    with pytest.raises(KioskError) as caught:
        checks.require(Decision.EXCEPTION, ABOUT, confirmation(**other))
    assert caught.value.message.code == "enrol.confirmation_mismatch"


def test_a_confirmation_counts_once() -> None:
    checks = Confirmations(policy(), SESSION)  # type: ignore[arg-type]
    assert checks.require(Decision.EXCEPTION, ABOUT, confirmation()) == "op-sup"
    with pytest.raises(KioskError) as caught:
        checks.require(Decision.EXCEPTION, ABOUT, confirmation())
    assert caught.value.message.code == "enrol.confirmation_used"
    assert checks.require(Decision.EXCEPTION, ABOUT, confirmation(audit_hash="h-2")) == "op-sup"
