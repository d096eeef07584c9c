"""Finding the person, rule by rule: which identifiers are a person's key, what each backend answer means
for the clerk (the outcome, the message and its status), when the flow may go on to capture, what the
screen is sent, and how little an offline station claims to know of the person."""

from __future__ import annotations

import pytest

from kiosk.enrol.lookup import (
    LookupResult,
    Outcome,
    check_identifier,
    classify,
    offline_person,
)
from kiosk.identity import check
from kiosk.messages import Message
from tests.fixtures.enrolment import PERSON, person_model


def test_a_curp_an_nss_and_an_unknown_shape_are_checked_as_they_are() -> None:
    """The person's keys pass unchanged; a shape nobody recognises keeps its own error, nothing is added."""
    for text in (PERSON.curp, PERSON.nss, "hello"):
        assert check_identifier(text) == check(text)
    assert check_identifier(PERSON.curp.lower()).valid
    assert [m.code for m in check_identifier("hello").errors] == ["identity.unknown_shape"]


@pytest.mark.parametrize(
    ("text", "kind", "rendered"),
    [("xaxx-010101-000", "rfc", "RFC"), ("E8512345671", "registro_patronal", None)],
)
def test_an_rfc_or_an_employer_registration_is_refused_by_its_name(
    text: str, kind: str, rendered: str | None
) -> None:
    """The clerk reads what was typed instead of a CURP; what the identity check found is kept after it."""
    plain = check(text)
    result = check_identifier(text)
    assert not result.valid
    assert (result.input, result.kind, result.normalized) == (text, kind, plain.normalized)
    assert result.errors[0] == Message("enrol.lookup_wrong_kind", {"kind": Message(f"identity.kind.{kind}")})
    assert result.errors[1:] == plain.errors and result.warnings == plain.warnings
    if rendered:
        assert result.errors[0].render("en") == f"this looks like {rendered}; type the person's CURP or NSS"


def test_the_wrong_kind_comes_first_and_the_identity_errors_follow() -> None:
    result = check_identifier("XAXX011301000")  # an RFC with a thirteenth month
    assert [m.code for m in result.errors] == ["enrol.lookup_wrong_kind", "identity.bad_date"]


@pytest.mark.parametrize("status", ["enrolled", "pending", "exception"])
def test_a_record_or_one_on_its_way_means_enrolled_and_says_which(status: str) -> None:
    """`pending` and `exception` are biometrics on record too: enrolling again needs a reason."""
    found = person_model(status)
    checked = check(PERSON.curp)
    result = classify(found, checked)
    assert result == LookupResult(
        Outcome.ENROLLED,
        checked,
        Message("enrol.lookup_enrolled", {"status": Message(f"enrol.status.{status}")}),
        found,
    )
    assert not result.may_enrol


def test_no_biometrics_on_record_means_enrol() -> None:
    found = person_model("none")
    checked = check(PERSON.nss)
    result = classify(found, checked)
    assert result == LookupResult(Outcome.NO_RECORD, checked, Message("enrol.lookup_no_record"), found)
    assert result.may_enrol


@pytest.mark.parametrize(
    ("outcome", "with_person", "may"),
    [
        (Outcome.NO_RECORD, True, True),
        (Outcome.OFFLINE, True, True),
        (Outcome.OFFLINE, False, False),  # offline with an NSS only, or the policy refuses
        (Outcome.NO_RECORD, False, False),
        (Outcome.ENROLLED, True, False),
        (Outcome.NOT_FOUND, False, False),
        (Outcome.REFUSED, False, False),
        (Outcome.INVALID, False, False),
    ],
)
def test_capture_follows_only_a_person_without_a_record_or_offline(
    outcome: Outcome, with_person: bool, may: bool
) -> None:
    result = LookupResult(outcome, check(PERSON.curp), Message("x"), person_model() if with_person else None)
    assert result.may_enrol is may


def test_the_screen_gets_the_outcome_the_message_the_status_and_the_errors_in_its_language() -> None:
    enrolled = classify(person_model("pending"), check(PERSON.curp))
    assert enrolled.to_json("en") == {
        "outcome": "enrolled",
        "message": (
            "this person already has a biometric record (enrolment in process);"
            " enrol again only with a reason"
        ),
        "biometric_status": "pending",
        "errors": [],
    }
    assert enrolled.to_json()["message"].startswith("esta persona ya tiene registro biométrico (registro en")


def test_an_invalid_identifier_is_sent_with_its_errors_and_no_status() -> None:
    checked = check_identifier("XAXX010101000")
    view = LookupResult(Outcome.INVALID, checked, Message("enrol.lookup_invalid"), None).to_json("en")
    assert view == {
        "outcome": "invalid",
        "message": "check the CURP or NSS: it is not valid as typed",
        "biometric_status": None,
        "errors": ["this looks like RFC; type the person's CURP or NSS"],
    }
    spanish = LookupResult(Outcome.INVALID, checked, Message("enrol.lookup_invalid")).to_json()
    assert spanish["errors"] == ["esto parece RFC; escriba el CURP o el NSS de la persona"]


def test_offline_the_station_knows_the_curp_it_checked_and_nothing_else() -> None:
    person = offline_person(check(PERSON.curp.lower()))
    assert person.model_dump() == {
        "curp": PERSON.curp,
        "nss": None,
        "name": "",
        "birth_date": None,
        "biometric_status": "none",
    }


def test_offline_an_nss_is_kept_as_the_nss_and_never_as_a_curp() -> None:
    person = offline_person(check(PERSON.nss))
    assert (person.curp, person.nss, person.name, person.birth_date) == ("", PERSON.nss, "", None)
    assert person.biometric_status == "none"
