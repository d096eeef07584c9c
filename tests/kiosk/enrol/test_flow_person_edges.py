"""The person's side of the flow at its edges: what each refusal says, what the audit log and the screen's
events carry, what going back and ending the visit forget; written where the coarser flow tests left the
mutation run's survivors (`tools/mutation_report.py flow`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from devices.positions import Finger
from kiosk import session_lock
from kiosk.client.http import BackendError
from kiosk.enrol.confirm import Decision
from kiosk.enrol.face import FaceCapture, FaceVerdict
from kiosk.enrol.fingers import Verdict
from kiosk.enrol.flow import Enrolment, Step
from kiosk.enrol.lookup import Outcome
from kiosk.errors import KioskError
from kiosk.identity.result import positions
from kiosk.masking import mask_curp
from kiosk.messages import Message
from kiosk.person.consent import ConsentMethod
from kiosk.synthetic_people import people
from tests.fixtures.enrolment import (
    CLERK_ID,
    PERSON,
    SUPERVISOR,
    Bench,
    all_fingers,
    attempt,
    audit_entries,
    face_capture,
    heard,
    minor_at_consent,
    person_model,
    to_fingers,
)

GUARDIAN = people(3)[2]  # born in 1952: an adult when PERSON (born in 1970) is ten


class Backend:
    """A backend stand-in that notes the token and identifier of each lookup and gives one answer."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.asked: list[tuple[str | None, str]] = []

    def lookup(self, token: str | None, identifier: str) -> Any:
        self.asked.append((token, identifier))
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer


def refusal(call: Any, *args: Any, **kwargs: Any) -> Message:
    with pytest.raises(KioskError) as caught:
        call(*args, **kwargs)
    return caught.value.message


def enrolled(bench: Bench, *, confirmation: str = "operator") -> Enrolment:
    """A flow at the lookup with a person the backend knows as enrolled, confirmed as the policy says."""
    bench.set_policy(**{"reenrolment.confirmation": confirmation})
    bench.client.people[PERSON.curp] = person_model("enrolled")
    flow = bench.start()
    assert flow.lookup(PERSON.curp)().outcome is Outcome.ENROLLED
    return flow


def at_consent(bench: Bench) -> Enrolment:
    flow = bench.start()
    flow.lookup(PERSON.curp)()
    flow.proceed()
    flow.record_identity("ine", "AB12", attested=True)
    assert flow.step is Step.CONSENT
    return flow


# -- the start -----------------------------------------------------------------------------------------------
def test_a_refused_start_says_why_with_its_details_and_logs_it(bench: Bench) -> None:
    assert refusal(bench.start, bench.login("technician")) == Message(
        "roles.forbidden", {"role": "technician", "permission": "enrol"}
    )
    assert audit_entries(bench, "enrolment_refused")[-1].fields["why"] == "roles.forbidden"
    assert not session_lock.enrolment_open(bench.station.data_dir)


def test_the_start_is_logged_with_the_policy_in_force(bench: Bench) -> None:
    bench.start()
    entry = audit_entries(bench, "enrolment_started")[-1]
    assert entry.fields["policy_version"] == bench.station.policy.version == 3
    assert entry.actor == CLERK_ID


def test_a_new_visit_waits_at_the_lookup_knowing_nobody(bench: Bench) -> None:
    flow = bench.start()
    assert flow.step is Step.LOOKUP and flow.current == Finger.RIGHT_THUMB
    assert (flow.lookup_result, flow.person, flow.receipt, flow.end_reason) == (None, None, None, None)
    assert (flow.proofing, flow.consent, flow.reenrolment) == (None, None, None) and not flow.minor
    assert refusal(flow.proceed).code == "enrol.cannot_proceed"


def test_a_step_out_of_order_names_the_step_expected_and_the_one_the_visit_is_at(bench: Bench) -> None:
    flow = bench.start()
    assert refusal(flow.record_identity, "ine", "AB12", attested=True) == Message(
        "enrol.wrong_step", {"expected": "identity", "actual": "lookup"}
    )


def test_once_the_operator_signed_out_the_visit_takes_no_step(bench: Bench) -> None:
    login = bench.login()
    flow = bench.start(login)
    login.session.end("logout")
    assert refusal(flow.lookup, PERSON.curp).code == "operators.session_ended"
    assert bench.client.calls == []


# -- the identifier as it is typed ---------------------------------------------------------------------------
def test_the_live_check_points_at_the_wrong_character_and_sends_nothing(bench: Bench) -> None:
    flow = bench.start()
    last = "1" if PERSON.curp[-1] != "1" else "2"
    typo = flow.check_identifier(PERSON.curp[:-1] + last)
    assert not typo.valid and 18 in positions(typo.errors)
    assert flow.check_identifier(PERSON.curp.lower()).valid
    assert bench.client.calls == [] and flow.step is Step.LOOKUP and flow.lookup_result is None


def test_an_invalid_identifier_says_to_check_it_and_is_logged_without_a_person(bench: Bench) -> None:
    flow = bench.start()
    shown = heard(flow, "lookup")
    result = flow.lookup("XAXX010101000")()
    assert result.outcome is Outcome.INVALID and result.message.code == "enrol.lookup_invalid"
    assert [e.result for e in shown] == [result]
    assert audit_entries(bench, "lookup")[-1].fields == {
        "session": flow.operator.session.session_id,
        "outcome": "invalid",
    }


def test_a_found_person_is_logged_with_the_curp_the_status_and_the_outcome(bench: Bench) -> None:
    flow = bench.start()
    shown = heard(flow, "lookup")
    result = flow.lookup(PERSON.nss)()
    fields = audit_entries(bench, "lookup")[-1].fields
    assert (fields["curp"], fields["biometric_status"], fields["outcome"]) == (
        mask_curp(PERSON.curp),  # the log keeps the CURP masked
        "none",
        "no_record",
    )
    assert [e.result for e in shown] == [result] and flow.lookup_result == result


def test_not_found_keeps_the_identifier_as_checked_for_the_screen(bench: Bench) -> None:
    bench.client.people.clear()
    result = bench.start().lookup(PERSON.nss)()
    assert result.outcome is Outcome.NOT_FOUND
    assert (result.check.kind, result.check.normalized) == ("nss", PERSON.nss)
    assert result.to_json("en")["errors"] == []


def test_the_backend_is_asked_with_the_operators_token_and_the_normalised_identifier(bench: Bench) -> None:
    backend = Backend(person_model())
    bench.station.client = backend  # type: ignore[assignment]
    login = bench.login()
    login.token = "tok-7f3a"
    bench.start(login).lookup(f"  {PERSON.curp.lower()} ")()
    assert backend.asked == [("tok-7f3a", PERSON.curp)]


def test_an_operator_without_a_backend_session_is_looked_up_offline_and_nothing_is_sent(bench: Bench) -> None:
    login = bench.login()
    login.token = None
    result = bench.start(login).lookup(PERSON.curp)()
    assert result.outcome is Outcome.OFFLINE and result.message.code == "enrol.offline_enrol"
    assert bench.client.calls == []


def test_a_station_without_a_backend_looks_people_up_offline(bench: Bench) -> None:
    bench.station.client = None
    flow = bench.start()
    result = flow.lookup(PERSON.curp)()
    assert result.outcome is Outcome.OFFLINE and result.message.code == "enrol.offline_enrol"
    flow.proceed()
    assert flow.step is Step.IDENTITY


def test_a_backend_refusal_that_is_not_about_the_person_is_shown_as_the_backend_said(bench: Bench) -> None:
    expired = BackendError("backend.error.session_expired", retryable=False, api_code="session_expired")
    bench.station.client = Backend(expired)  # type: ignore[assignment]
    flow = bench.start()
    result = flow.lookup(PERSON.curp)()
    assert result.outcome is Outcome.REFUSED and result.message == expired.message
    assert result.check.normalized == PERSON.curp and result.person is None
    assert audit_entries(bench, "lookup")[-1].fields["outcome"] == "refused"
    assert refusal(flow.proceed).code == "enrol.cannot_proceed"


def test_for_an_operator_signed_in_offline_any_backend_failure_means_offline(bench: Bench) -> None:
    broken = BackendError("backend.tls_pin_mismatch", retryable=False)
    bench.station.client = Backend(broken)  # type: ignore[assignment]
    result = bench.start(bench.login(offline=True)).lookup(PERSON.curp)()
    assert result.outcome is Outcome.OFFLINE and result.message.code == "enrol.offline_enrol"


def test_an_answer_that_comes_back_after_the_clerk_went_on_changes_nothing(bench: Bench) -> None:
    flow = bench.start()
    first = flow.lookup(PERSON.curp)()
    late = flow.lookup(PERSON.nss)
    answer = late.work()  # the backend answers while the clerk goes on with the first answer
    flow.proceed()
    shown = heard(flow, "lookup")
    assert late.finish(answer).outcome is Outcome.NO_RECORD
    assert flow.lookup_result is first and flow.step is Step.IDENTITY and shown == []
    assert [e.event for e in bench.station.audit.entries()].count("lookup") == 1


def test_an_answer_that_comes_back_after_the_visit_ended_is_not_kept(bench: Bench) -> None:
    flow = bench.start()
    late = flow.lookup(PERSON.curp)
    answer = late.work()
    flow.wipe("idle")
    late.finish(answer)
    assert flow.lookup_result is None and flow.person is None
    assert "lookup" not in [e.event for e in bench.station.audit.entries()]


# -- offline -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "allowed", "code", "kind"),
    [
        (PERSON.curp, False, "enrol.offline_no_enrolment", "curp"),
        (PERSON.nss, True, "enrol.offline_needs_curp", "nss"),
        (PERSON.curp, True, "enrol.offline_enrol", "curp"),
    ],
)
def test_an_offline_answer_keeps_the_identifier_as_checked_for_the_screen(
    bench: Bench, typed: str, allowed: bool, code: str, kind: str
) -> None:
    bench.client.down = True
    bench.set_policy(**{"offline.enrol_without_lookup": allowed})
    result = bench.start().lookup(typed)()
    assert result.outcome is Outcome.OFFLINE and result.message.code == code
    assert (result.check.kind, result.check.normalized) == (kind, typed)
    assert result.to_json("en")["errors"] == []


# -- the document --------------------------------------------------------------------------------------------
def test_the_document_is_logged_and_attested_in_the_clerks_name(bench: Bench) -> None:
    flow = bench.start()
    flow.lookup(PERSON.curp)()
    flow.proceed()
    proofing = flow.record_identity("ine", "ab-12", attested=True)
    assert flow.proofing is proofing and proofing.to_manifest()["attested_by"] == CLERK_ID
    fields = audit_entries(bench, "identity_proofed")[-1].fields
    assert (fields["document"], fields["attested"]) == ("ine", True)


def test_another_kind_of_document_keeps_its_description(bench: Bench) -> None:
    flow = bench.start()
    flow.lookup(PERSON.curp)()
    flow.proceed()
    proofing = flow.record_identity("other", "7788", attested=True, description=" cartilla militar ")
    assert (proofing.document.value, proofing.description) == ("other", "cartilla militar")
    assert flow.step is Step.CONSENT


@pytest.mark.parametrize(("minor_age", "minor"), [(21, True), (18, False)])
def test_the_policy_says_until_what_age_a_guardian_is_needed(
    bench: Bench, minor_age: int, minor: bool
) -> None:
    bench.set_policy(minor_age=minor_age)
    flow = bench.start()
    flow.today = PERSON.birth_date.replace(year=PERSON.birth_date.year + 20)  # twenty today
    flow.lookup(PERSON.curp)()
    flow.proceed()
    flow.record_identity("ine", "AB12", attested=True)
    assert flow.minor is minor


# -- consent -------------------------------------------------------------------------------------------------
def test_the_notice_shown_by_default_is_the_simplified_one_in_spanish(bench: Bench) -> None:
    flow = bench.start()
    notice = flow.notice()
    assert (notice.kind, notice.language) == ("simplified", "es_MX")
    full = flow.notice("full", "en")
    assert (full.kind, full.language) == ("full", "en")


def test_consent_given_opens_the_capture_and_logs_which_notice_and_how(bench: Bench) -> None:
    flow = at_consent(bench)
    assert flow.record_consent(True, language="en") is True
    assert flow.step is Step.FINGERS
    fields = audit_entries(bench, "consent")[-1].fields
    notice = flow.notice("simplified", "en")
    assert (fields["notice"], fields["version"], fields["language"]) == (notice.id, notice.version, "en")
    assert (fields["method"], fields["given"]) == ("touch", True)


def test_a_verbal_consent_is_recorded_with_its_witness(bench: Bench) -> None:
    flow = at_consent(bench)
    assert flow.record_consent(True, method=ConsentMethod.VERBAL_WITNESSED, witness_id="op-witness") is True
    assert flow.consent is not None and flow.consent.record is not None
    assert flow.consent.record.witness_id == "op-witness"
    assert audit_entries(bench, "consent")[-1].fields["method"] == "verbal_witnessed"


def test_a_minor_whose_guardian_agrees_goes_on_to_capture(bench: Bench) -> None:
    flow = minor_at_consent(bench)
    assert flow.record_consent(True, guardian_curp=GUARDIAN.curp) is True  # the guardian agrees with them
    assert flow.step is Step.FINGERS
    fields = audit_entries(bench, "consent")[-1].fields
    assert (fields["given"], fields["guardian_given"]) == (True, True)


def test_a_guardians_refusal_is_the_minors_refusal(bench: Bench) -> None:
    flow = minor_at_consent(bench)
    assert flow.record_consent(True, guardian_curp=GUARDIAN.curp, guardian_given=False) is False
    assert flow.step is Step.ENDED and flow.end_reason == "consent_refused"
    assert audit_entries(bench, "consent_refused")[-1].fields["guardian_given"] is False


# -- enrolling again -----------------------------------------------------------------------------------------
def test_reenrolment_before_any_lookup_is_refused_as_not_needed(bench: Bench) -> None:
    flow = bench.start()
    assert refusal(flow.reenrol, "poor_quality").code == "enrol.reenrol_not_needed"
    assert flow.step is Step.LOOKUP and flow.reenrolment is None


def test_a_person_without_a_biometric_record_is_enrolled_not_reenrolled(bench: Bench) -> None:
    bench.set_policy(**{"reenrolment.confirmation": "operator"})
    flow = bench.start()
    assert flow.lookup(PERSON.curp)().outcome is Outcome.NO_RECORD
    assert refusal(flow.reenrol, "poor_quality").code == "enrol.reenrol_not_needed"
    assert flow.step is Step.LOOKUP and flow.reenrolment is None


def test_a_reason_the_policy_does_not_list_is_named_in_the_refusal(bench: Bench) -> None:
    flow = enrolled(bench)
    assert refusal(flow.reenrol, "lost_card") == Message("enrol.reenrol_bad_reason", {"reason": "lost_card"})
    assert flow.step is Step.LOOKUP


def test_the_reasons_offered_are_the_policys(bench: Bench) -> None:
    bench.set_policy(**{"reenrolment.reasons": ["injury_healed", "other"]})
    flow = bench.start()
    assert flow.reenrolment_reasons() == ["injury_healed", "other"]


@pytest.mark.parametrize("note", [None, "", "   "])
def test_other_needs_a_note_and_blanks_are_no_note(bench: Bench, note: str | None) -> None:
    flow = enrolled(bench)
    assert refusal(flow.reenrol, "other", note=note).code == "enrol.reenrol_needs_note"
    assert flow.step is Step.LOOKUP and flow.reenrolment is None


def test_the_note_of_other_is_kept_trimmed_for_the_packet(bench: Bench) -> None:
    flow = enrolled(bench)
    flow.reenrol("other", note="  card reissued by the institute \n")
    assert flow.step is Step.IDENTITY
    assert flow.reenrolment is not None
    assert (flow.reenrolment.reason, flow.reenrolment.note) == ("other", "card reissued by the institute")


def test_a_listed_reason_needs_no_note_and_carries_none(bench: Bench) -> None:
    flow = enrolled(bench)
    flow.reenrol("poor_quality", note="  ")
    assert flow.reenrolment is not None
    assert flow.reenrolment.note is None
    assert (flow.reenrolment.previous_status, flow.reenrolment.confirmed_by) == ("enrolled", CLERK_ID)


def test_the_audit_log_says_why_and_who_agreed_to_enrol_again(bench: Bench) -> None:
    flow = enrolled(bench, confirmation="supervisor")
    about = flow.reenrol_subject("injury_healed")
    confirmation = flow.supervisor_job(Decision.REENROLMENT, about, "sup", "correcta")()
    flow.reenrol("injury_healed", confirmation=confirmation)
    entry = audit_entries(bench, "reenrolment")[-1]
    assert entry.fields["reason"] == "injury_healed"
    assert entry.fields["confirmed_by"] == SUPERVISOR.operator_id
    assert entry.role == "clerk"


# -- supervisor confirmations --------------------------------------------------------------------------------
def test_the_default_policy_wants_a_supervisor_for_exceptions_and_reenrolment_only(bench: Bench) -> None:
    flow = bench.start()
    assert {d: flow.needs_supervisor(d) for d in Decision} == {
        Decision.BELOW_THRESHOLD: False,
        Decision.EXCEPTION: True,
        Decision.FACE_BELOW_THRESHOLD: False,
        Decision.REENROLMENT: True,
    }


def test_without_a_credential_check_no_supervisor_can_be_asked(bench: Bench) -> None:
    flow = Enrolment.start(bench.station, bench.login())
    about = flow.reenrol_subject("poor_quality")
    assert refusal(flow.supervisor_job, Decision.REENROLMENT, about, "sup", "correcta").code == (
        "enrol.no_supervisor_check"
    )


def test_a_failed_supervisor_sign_in_names_who_tried(bench: Bench) -> None:
    flow = enrolled(bench, confirmation="supervisor")
    job = flow.supervisor_job(
        Decision.REENROLMENT, flow.reenrol_subject("poor_quality"), "sup.garcia", "mala"
    )
    assert refusal(job).code == "operators.bad_credentials"
    entry = audit_entries(bench, "supervisor_override_failed")[-1]
    assert entry.actor == "sup.garcia" and entry.fields["why"] == "operators.bad_credentials"


def test_a_supervisor_confirming_an_exception_is_logged_as_an_exception_confirmation(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    about = flow.exception_subject(Finger.RIGHT_THUMB, "XX", "amputation")
    confirmation = flow.supervisor_job(Decision.EXCEPTION, about, "sup", "correcta")()
    entry = audit_entries(bench, "exception_confirmed")[-1]
    assert entry.actor == SUPERVISOR.operator_id and entry.fields["finger"] == "right-thumb"
    assert confirmation.subject == about
    assert "supervisor_confirmed" not in [e.event for e in bench.station.audit.entries()]


# -- what the screen is asked and told -----------------------------------------------------------------------
@pytest.mark.parametrize("confirmer", ["operator", "supervisor"])
def test_a_finger_out_of_attempts_asks_for_that_finger_and_says_who_confirms(
    bench: Bench, confirmer: str
) -> None:
    bench.set_policy(**{"fingers.below_threshold_confirmation": confirmer})
    flow = to_fingers(bench.start())
    asked = heard(flow, "confirmation")
    verdicts = [flow.offer(attempt(20)) for _ in range(3)]
    assert verdicts[-1] is Verdict.NEEDS_CONFIRMATION
    assert len(asked) == 1
    assert asked[0].decision is Decision.BELOW_THRESHOLD and asked[0].finger == Finger.RIGHT_THUMB
    assert asked[0].supervisor is (confirmer == "supervisor")


def test_the_face_guidance_is_said_as_information(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    all_fingers(flow)
    said = heard(flow, "message")
    guidance = Message("quality.face.look_straight")
    capture = FaceCapture(
        np.full((320, 240, 3), 120, np.uint8), 40.0, False, 0, (0.5, 12.0, 1.0), {}, guidance, ("yaw",)
    )
    assert flow.offer_face(capture) is FaceVerdict.RETRY
    assert [(e.message, e.level) for e in said] == [(guidance, "info")]


# -- going back ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["lookup", "fingers"])
def test_where_there_is_no_step_back_the_refusal_names_the_step(bench: Bench, where: str) -> None:
    flow = to_fingers(bench.start()) if where == "fingers" else bench.start()
    assert refusal(flow.back) == Message("enrol.cannot_go_back", {"step": where})
    assert flow.step.value == where


def test_going_back_from_the_consent_takes_back_the_document_and_keeps_the_person(bench: Bench) -> None:
    flow = at_consent(bench)
    steps = heard(flow, "step")
    flow.back()
    assert flow.step is Step.IDENTITY and [(e.step, e.previous) for e in steps] == [
        (Step.IDENTITY, Step.CONSENT)
    ]
    assert flow.proofing is None and flow.consent is None and not flow.minor
    assert flow.person is not None and flow.person.curp == PERSON.curp
    flow.record_identity("passport", "X987", attested=True)  # the corrected document
    assert flow.proofing is not None and flow.proofing.document.value == "passport"


def test_going_back_to_the_lookup_forgets_the_reenrolment_and_its_answer(bench: Bench) -> None:
    flow = enrolled(bench)
    flow.reenrol("poor_quality")
    flow.back()
    assert flow.step is Step.LOOKUP
    assert flow.lookup_result is None and flow.reenrolment is None and flow.person is None
    assert refusal(flow.proceed).code == "enrol.cannot_proceed"


# -- the end of the visit ------------------------------------------------------------------------------------
def test_next_person_ends_the_visit_as_finished_in_the_log_and_on_the_screen(bench: Bench) -> None:
    flow = at_consent(bench)
    ended = heard(flow, "ended")
    flow.finish()
    assert flow.step is Step.ENDED and flow.end_reason == "finished"
    assert [e.reason for e in ended] == ["finished"]
    assert audit_entries(bench, "person_wiped")[-1].fields["reason"] == "finished"
    assert not session_lock.enrolment_open(bench.station.data_dir)


def test_a_wipe_leaves_nothing_of_the_person_for_the_next_screen(bench: Bench) -> None:
    flow = enrolled(bench)
    flow.reenrol("poor_quality")
    flow.record_identity("ine", "AB12", attested=True)
    flow.wipe("idle")
    assert (flow.lookup_result, flow.reenrolment, flow.proofing, flow.consent) == (None, None, None, None)
    assert flow.person is None and not flow.minor and flow.end_reason == "idle"
    assert audit_entries(bench, "person_wiped")[-1].fields["reason"] == "idle"


def test_a_failed_packet_of_a_wiped_visit_says_nothing_even_after_a_retake(bench: Bench) -> None:
    """One retake moved the visit's generation once; the wipe must still set it apart from the job's."""
    flow = to_fingers(bench.start())
    all_fingers(flow)
    flow.offer_face(face_capture(True))
    flow.retake_face()
    flow.offer_face(face_capture(True))
    flow.confirm_review()
    said = heard(flow, "message")
    shown = flow.submit_job()
    with pytest.raises(KioskError):
        shown.fail(KioskError("station.disk_low"))  # the work failed while the person was still here
    assert [(e.message.code, e.level) for e in said] == [("station.disk_low", "error")]
    gone = flow.submit_job()
    flow.wipe("idle")
    with pytest.raises(KioskError):
        gone.fail(KioskError("station.disk_low"))  # ... and now after the visit ended
    assert len(said) == 1


def test_a_found_person_s_result_keeps_the_check_of_what_was_typed(bench: Bench) -> None:
    """The lookup screen shows the identifier as checked (normalised, with its notes) next to the person."""
    flow = bench.start()
    typed = PERSON.curp.lower()
    result = flow.lookup(typed)()
    assert result.person is not None and result.check == flow.check_identifier(typed)
    assert result.to_json()["errors"] == []
