"""The capture rules a session follows are the signed policy's, field by field: a value the policy sets is
never replaced by a built-in default, and a policy signed before a field existed gets the documented one."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from devices.positions import Finger
from kiosk.api import models
from kiosk.enrol.rules import FaceRules, FingerRules
from kiosk.policy import FINGER_ORDER, default_policy

NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_the_built_in_defaults_are_the_default_policy_s() -> None:
    """Code that builds rules without a policy (a slot in a test, a tool) gets what a fresh station gets."""
    policy = default_policy(1, NOW)
    order = tuple(Finger.parse(f) for f in FINGER_ORDER)
    assert FingerRules(order=order) == FingerRules.from_policy(policy["fingers"])
    assert FaceRules() == FaceRules.from_policy(policy["face"])
    assert FingerRules(order=order) == FingerRules(order, 40, 3, 40, True, "operator")
    assert FaceRules() == FaceRules(3, "operator")


def test_every_finger_rule_comes_from_the_policy() -> None:
    """Each value differs from its default, so a rule read from the wrong key or left at the default shows."""
    rules = FingerRules.from_policy(
        {
            "order": ["left-little", "RIGHT_THUMB", 7],
            "min_nfiq2": "55",
            "attempts": 5,
            "duplicate_threshold": 33,
            "exceptions_need_supervisor": False,
            "below_threshold_confirmation": "supervisor",
        }
    )
    assert rules == FingerRules(
        order=(Finger.LEFT_LITTLE, Finger.RIGHT_THUMB, Finger.LEFT_INDEX),
        min_nfiq2=55,
        attempts=5,
        duplicate_threshold=33,
        exceptions_need_supervisor=False,
        below_threshold_confirmation="supervisor",
    )
    assert isinstance(rules.min_nfiq2, int)


def test_a_policy_signed_before_the_confirmation_field_lets_the_operator_confirm() -> None:
    fingers = default_policy(1, NOW)["fingers"]
    del fingers["below_threshold_confirmation"]
    assert FingerRules.from_policy(fingers).below_threshold_confirmation == "operator"


def test_every_face_rule_comes_from_the_policy_and_an_old_policy_gets_the_defaults() -> None:
    assert FaceRules.from_policy({"attempts": 6, "below_threshold_confirmation": "supervisor"}) == FaceRules(
        6, "supervisor"
    )
    assert FaceRules.from_policy({"attempts": "2"}).attempts == 2
    assert FaceRules.from_policy({"below_threshold_confirmation": "supervisor"}) == FaceRules(3, "supervisor")
    assert FaceRules.from_policy({}) == FaceRules(attempts=3, below_threshold_confirmation="operator")


def test_a_policy_without_fingers_is_refused_before_any_visit_starts() -> None:
    """An empty order would open visits with nothing to capture and no way past the fingers step."""
    policy = default_policy(1, NOW)
    policy["fingers"]["order"] = []
    with pytest.raises(ValidationError) as refused:
        models.Policy.model_validate(policy)
    assert [e["loc"] for e in refused.value.errors()] == [("fingers", "order")]


def test_a_policy_naming_a_finger_twice_is_refused() -> None:
    """Slots are found by finger: the second one could never be captured and the visit would stall."""
    policy = default_policy(1, NOW)
    policy["fingers"]["order"] = ["right-thumb", "right-index", "right-thumb"]
    with pytest.raises(ValidationError) as refused:
        models.Policy.model_validate(policy)
    assert [e["loc"] for e in refused.value.errors()] == [("fingers", "order")]
