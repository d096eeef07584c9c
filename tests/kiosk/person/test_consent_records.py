"""What a consent record says in the packet and in the audit log, and what each refusal tells the
operator: the exact fields (docs/packet-format.md, docs/consent.md) and the details in the messages."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.errors import KioskError
from kiosk.person.consent import ConsentGate, ConsentMethod, ConsentRecord, GuardianConsent, decide
from tests.kiosk.person.test_consent import ADULT, AT, GUARDIAN, MINOR, NOTICE, TODAY, TURNS_18, curp, record


def rendered(caught: pytest.ExceptionInfo[KioskError]) -> str:
    return caught.value.render("en")


def test_the_manifest_section_of_an_adult_s_consent() -> None:
    rec = record(
        method=ConsentMethod.VERBAL_WITNESSED, witness_id="op-77", optional_purposes=["digital_credential"]
    )
    assert rec.to_manifest() == {
        "notice": {"id": NOTICE.id, "version": NOTICE.version, "sha256": NOTICE.digest},
        "language": "es_MX",
        "given_at": "2025-03-01T09:00:00.000Z",
        "method": "verbal_witnessed",
        "given": True,
        "optional_purposes": ["digital_credential"],
        "witness_id": "op-77",
        "guardian": None,
    }


def test_the_manifest_section_names_the_guardian() -> None:
    rec = record(guardian=GuardianConsent(GUARDIAN, False, "mother"))
    section = rec.to_manifest()
    assert section["guardian"] == {"curp": GUARDIAN, "given": False, "relationship": "mother"}
    assert section["given"] is True and section["witness_id"] is None


def test_the_audit_fields_of_a_consent_with_and_without_a_guardian() -> None:
    plain = {
        "notice": NOTICE.id,
        "version": NOTICE.version,
        "language": "es_MX",
        "method": "touch",
        "given": True,
        "optional_purposes": [],
    }
    assert record().audit_fields() == plain
    with_guardian = record(guardian=GuardianConsent(GUARDIAN, True)).audit_fields()
    assert with_guardian == {**plain, "guardian_curp": GUARDIAN, "guardian_given": True}


def test_a_guardian_s_curp_is_kept_as_typed_without_spaces_in_capitals() -> None:
    typed = f" {GUARDIAN[:4].lower()} {GUARDIAN[4:10]}\t{GUARDIAN[10:].lower()} "
    assert GuardianConsent(typed, True).curp == GUARDIAN
    gate = ConsentGate(f" {MINOR[:9].lower()} {MINOR[9:]}", today=TODAY)
    assert gate.subject_curp == MINOR and gate.minor


def test_unknown_purposes_and_methods_are_named_to_the_operator() -> None:
    with pytest.raises(KioskError) as caught:
        record(optional_purposes=["marketing", "lottery"])
    assert "purposes this notice does not include: lottery, marketing" in rendered(caught)
    with pytest.raises(KioskError) as caught:
        record(method="telepathy")
    assert "unknown way of consenting 'telepathy'" in rendered(caught)


def test_a_guardian_s_invalid_curp_says_what_is_wrong_with_it() -> None:
    wrong_digit = GUARDIAN[:17] + ("0" if GUARDIAN[17] != "0" else "1")
    with pytest.raises(KioskError) as caught:
        decide(record(guardian=GuardianConsent(wrong_digit, True)), MINOR, TODAY)
    text = rendered(caught)
    assert text.startswith("the CURP of the person consenting for the minor is not valid: ")
    assert "18" in text  # the position of the check digit


def test_a_guardian_born_after_the_day_of_the_visit_is_an_invalid_curp() -> None:
    """The guardian's CURP is checked against the visit's date, not the machine's clock."""
    born_2020 = curp("GOPR200315MDFRRSA")
    with pytest.raises(KioskError) as caught:
        decide(record(guardian=GuardianConsent(born_2020, True)), MINOR, date(2019, 1, 1))
    assert caught.value.message.code == "person.guardian_curp_invalid"


def test_the_policy_s_adult_age_applies_to_the_person_and_the_guardian() -> None:
    twenty = curp("GOPR050301MDFRRSA")  # 20 on TODAY
    gate = ConsentGate(TURNS_18, today=TODAY, adult_age=21)
    assert gate.minor  # 18 is under the policy's 21
    with pytest.raises(KioskError) as caught:
        gate.submit(record(guardian=GuardianConsent(twenty, True)))
    assert rendered(caught) == "the person consenting for the minor is also under 21"
    with pytest.raises(KioskError) as caught:
        decide(record(guardian=GuardianConsent(twenty, True)), TURNS_18, TODAY, adult_age=21)
    assert rendered(caught) == "the person consenting for the minor is also under 21"
    assert gate.submit(record(guardian=GuardianConsent(GUARDIAN, True))).value == "consented"


def test_a_second_answer_is_refused_with_the_state_already_recorded() -> None:
    gate = ConsentGate(ADULT, today=TODAY)
    assert gate.record is None and gate.withdrawn_at is None
    gate.submit(record(given=False))
    with pytest.raises(KioskError) as caught:
        gate.submit(record())
    assert rendered(caught) == "consent was already recorded (refused); start a new session to change it"


def test_each_capture_is_counted_once() -> None:
    gate = ConsentGate(ADULT, today=TODAY)
    gate.submit(record())
    for _ in range(3):
        gate.note_capture()
    assert gate.captured == 3


def test_records_are_stamped_by_the_clock_given() -> None:
    rec = ConsentRecord.for_notice(NOTICE, given=True, method="touch", clock=lambda: AT)
    assert rec.given_at == AT and rec.notice_sha256 == NOTICE.digest
