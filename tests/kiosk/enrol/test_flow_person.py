"""Finding the person, the document, the consent: each rule decided by the flow, each with its message."""

from __future__ import annotations

import pytest

from kiosk.enrol.confirm import Decision
from kiosk.enrol.flow import Step
from kiosk.enrol.lookup import Outcome
from kiosk.errors import KioskError
from kiosk.identity.result import positions
from tests.fixtures.enrolment import PERSON, SUPERVISOR, Bench, audit_events, minor_at_consent, person_model


def test_a_wrong_check_digit_never_reaches_the_backend_and_says_where(bench: Bench) -> None:
    flow = bench.start()
    last = "1" if PERSON.curp[-1] != "1" else "2"
    result = flow.lookup(PERSON.curp[:-1] + last)()
    assert result.outcome is Outcome.INVALID and flow.step is Step.LOOKUP
    assert bench.client.calls == []
    assert 18 in positions(result.check.errors)


def test_an_rfc_is_not_a_person_key(bench: Bench) -> None:
    result = bench.start().lookup("XAXX010101000")()
    assert result.outcome is Outcome.INVALID and bench.client.calls == []
    assert result.check.errors[0].code == "enrol.lookup_wrong_kind"


def test_no_biometric_record_goes_on_to_the_document(bench: Bench) -> None:
    flow = bench.start()
    result = flow.lookup(PERSON.nss)()
    assert result.outcome is Outcome.NO_RECORD and result.message.code == "enrol.lookup_no_record"
    assert flow.step is Step.LOOKUP and flow.person.curp == PERSON.curp  # the clerk sees the record first
    flow.proceed()
    assert flow.step is Step.IDENTITY


def test_not_found_gives_the_referral_and_captures_nothing(bench: Bench) -> None:
    bench.client.people.clear()
    flow = bench.start()
    result = flow.lookup(PERSON.curp)()
    assert result.outcome is Outcome.NOT_FOUND and result.message.code == "enrol.lookup_not_found"
    assert flow.step is Step.LOOKUP
    with pytest.raises(KioskError):
        flow.proceed()
    with pytest.raises(KioskError):
        flow.record_identity("ine", "AB12", attested=True)


def test_an_enrolled_person_needs_a_reason_and_the_supervisor(bench: Bench) -> None:
    bench.client.people[PERSON.curp] = person_model("enrolled")
    flow = bench.start()
    assert flow.lookup(PERSON.curp)().outcome is Outcome.ENROLLED and flow.step is Step.LOOKUP
    with pytest.raises(KioskError) as no_reason:
        flow.reenrol("because")
    assert no_reason.value.message.code == "enrol.reenrol_bad_reason"
    with pytest.raises(KioskError) as no_supervisor:
        flow.reenrol("poor_quality")
    assert no_supervisor.value.message.code == "enrol.supervisor_needed"
    with pytest.raises(KioskError):
        flow.supervisor_job(Decision.REENROLMENT, flow.reenrol_subject("poor_quality"), "sup", "mala")()
    confirmation = flow.supervisor_job(
        Decision.REENROLMENT, flow.reenrol_subject("poor_quality"), "sup", "correcta"
    )()
    with pytest.raises(KioskError) as other_subject:
        flow.reenrol("data_correction", confirmation=confirmation)
    assert other_subject.value.message.code == "enrol.confirmation_mismatch"
    flow.reenrol("poor_quality", confirmation=confirmation)
    assert flow.step is Step.IDENTITY
    assert flow.reenrolment is not None and flow.reenrolment.confirmed_by == SUPERVISOR.operator_id
    assert {"supervisor_confirmed", "reenrolment"} <= set(audit_events(bench))


def test_a_confirmation_is_used_once(bench: Bench) -> None:
    bench.client.people[PERSON.curp] = person_model("pending")
    flow = bench.start()
    flow.lookup(PERSON.curp)()
    confirmation = flow.supervisor_job(
        Decision.REENROLMENT, flow.reenrol_subject("poor_quality"), "sup", "correcta"
    )()
    flow.reenrol("poor_quality", confirmation=confirmation)
    flow.back()  # back to the lookup: a different person, or the same one again
    flow.lookup(PERSON.curp)()
    with pytest.raises(KioskError) as again:
        flow.reenrol("poor_quality", confirmation=confirmation)
    assert again.value.message.code == "enrol.confirmation_used"


def test_the_policy_may_let_the_operator_confirm_a_reenrolment(bench: Bench) -> None:
    bench.set_policy(**{"reenrolment.confirmation": "operator"})
    bench.client.people[PERSON.curp] = person_model("enrolled")
    flow = bench.start()
    flow.lookup(PERSON.curp)()
    flow.reenrol("other", note="requested at the window")
    assert flow.reenrolment is not None and flow.reenrolment.confirmed_by == "op-clerk"


def test_offline_the_policy_lets_a_curp_through_checked_locally(bench: Bench) -> None:
    bench.client.down = True
    flow = bench.start()
    result = flow.lookup(PERSON.curp)()
    assert result.outcome is Outcome.OFFLINE and result.message.code == "enrol.offline_enrol"
    flow.proceed()
    assert flow.step is Step.IDENTITY and flow.person.curp == PERSON.curp


def test_offline_an_nss_alone_cannot_be_enrolled(bench: Bench) -> None:
    bench.client.down = True
    flow = bench.start()
    assert flow.lookup(PERSON.nss)().message.code == "enrol.offline_needs_curp"
    with pytest.raises(KioskError):
        flow.proceed()


def test_offline_the_policy_may_refuse(bench: Bench) -> None:
    bench.client.down = True
    bench.set_policy(**{"offline.enrol_without_lookup": False})
    flow = bench.start()
    assert flow.lookup(PERSON.curp)().message.code == "enrol.offline_no_enrolment"
    with pytest.raises(KioskError):
        flow.proceed()


def test_the_document_must_be_attested(bench: Bench) -> None:
    flow = bench.start()
    flow.lookup(PERSON.curp)()
    flow.proceed()
    with pytest.raises(KioskError) as caught:
        flow.record_identity("ine", "AB12", attested=False)
    assert caught.value.message.code == "person.not_attested" and flow.step is Step.IDENTITY
    flow.record_identity("ine", "ab-12", attested=True)
    assert flow.step is Step.CONSENT and flow.proofing is not None and flow.proofing.last_four == "AB12"


def test_a_refusal_ends_the_visit_and_is_recorded(bench: Bench) -> None:
    flow = bench.start()
    flow.lookup(PERSON.curp)()
    flow.proceed()
    flow.record_identity("ine", "AB12", attested=True)
    assert flow.record_consent(False) is False
    assert flow.step is Step.ENDED and flow.end_reason == "consent_refused"
    assert audit_events(bench)[-2:] == ["consent_refused", "person_wiped"]


def test_a_minor_needs_a_guardian(bench: Bench) -> None:
    flow = minor_at_consent(bench)
    with pytest.raises(KioskError) as caught:
        flow.record_consent(True)
    assert caught.value.message.code == "person.guardian_required" and flow.step is Step.CONSENT


def test_going_back_from_the_document_forgets_the_person(bench: Bench) -> None:
    flow = bench.start()
    flow.lookup(PERSON.curp)()
    flow.proceed()
    flow.back()
    assert flow.step is Step.LOOKUP and flow.person is None
    with pytest.raises(KioskError):
        flow.back()
