"""The review's retakes, the sealing job and the manifest's context at their edges: a print that returns
after the review sent its finger back, a submission that ends after the visit moved on, and every field
of who, where and under which consent the packet was made."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from devices.positions import Finger
from kiosk.enrol import flow as flow_module
from kiosk.enrol import submit
from kiosk.enrol.fingers import Attempt
from kiosk.enrol.flow import Enrolment, Step
from kiosk.errors import KioskError
from kiosk.packet import manifest as mf
from kiosk.packet.open import open_packet
from kiosk.person.notices import current_notice
from kiosk.synthetic_people import people
from tests.fixtures.enrolment import (
    CLERK_ID,
    PERSON,
    Bench,
    all_fingers,
    attempt,
    face_capture,
    minor_at_consent,
    to_fingers,
)


def to_review(flow: Enrolment) -> Enrolment:
    all_fingers(flow)
    flow.offer_face(face_capture(True))
    assert flow.step is Step.REVIEW
    return flow


def to_submit(bench: Bench) -> Enrolment:
    flow = to_review(to_fingers(bench.start()))
    flow.confirm_review()
    assert flow.step is Step.SUBMIT
    return flow


def manifest_of(bench: Bench, packet_id: str) -> mf.Manifest:
    row = bench.station.outbox.get(packet_id)
    assert row is not None and row.blob is not None
    return open_packet(row.blob, {bench.backend_key.key_id: bench.backend_key}).manifest


def with_template(score: int) -> Attempt:
    """A kept print that leaves a template in the duplicate check (a stand-in: only its presence matters)."""
    return Attempt(np.full((500, 400), score, np.uint8), 500, score, [], template=object())


def full_disk(*args: object, **kwargs: object) -> bool:
    raise KioskError("outbox.disk_full")


# -- the review sends a finger back ----------------------------------------------------------------------


def test_a_retake_is_logged_with_its_finger_and_as_a_retake(bench: Bench) -> None:
    flow = to_review(to_fingers(bench.start()))
    flow.retake_finger(Finger.LEFT_INDEX)
    entry = list(bench.station.audit.entries())[-1]
    assert entry.event == "capture"
    wanted = {"modality": "finger", "finger": Finger.LEFT_INDEX.slug, "retake": True}
    assert {key: entry.fields.get(key) for key in wanted} == wanted


def test_the_print_the_review_sends_back_leaves_the_duplicate_check(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    while flow.current is not None:
        flow.offer(with_template(70))
    flow.offer_face(face_capture(True))
    assert flow.checker is not None and Finger.LEFT_INDEX in flow.checker.fingers
    flow.retake_finger(Finger.LEFT_INDEX)
    assert Finger.LEFT_INDEX not in flow.checker.fingers
    assert len(flow.checker.fingers) == len(flow.slots) - 1  # the other prints still guard the retake


def test_a_print_on_its_way_when_its_finger_was_set_aside_is_not_taken_as_its_retake(bench: Bench) -> None:
    """The reader was still waiting when the clerk recorded the finger as bandaged; the review then sent
    the face and that finger back. The old capture, returning now, is not the retake."""
    bench.set_policy(**{"fingers.exceptions_need_supervisor": False})
    flow = to_fingers(bench.start())
    finger = flow.current
    assert finger is not None
    waiting = flow.capture_job()
    flow.record_exception(finger, "UP", "bandaged")
    to_review(flow)
    flow.retake_face()
    flow.offer_face(face_capture(True))
    flow.retake_finger(finger)
    late = attempt(80)
    assert waiting.finish(late) is None and not late.image.any()
    assert flow.step is Step.FINGERS and flow.current == finger and not flow.slot(finger).done


def test_a_print_from_the_first_retake_is_not_taken_as_the_second(bench: Bench) -> None:
    bench.set_policy(**{"fingers.exceptions_need_supervisor": False})
    flow = to_review(to_fingers(bench.start()))
    flow.retake_finger(Finger.RIGHT_INDEX)
    waiting = flow.capture_job()
    flow.record_exception(Finger.RIGHT_INDEX, "UP", "injured")
    assert flow.step is Step.REVIEW
    flow.retake_finger(Finger.RIGHT_INDEX)
    late = attempt(80)
    assert waiting.finish(late) is None and not late.image.any()
    assert flow.step is Step.FINGERS and not flow.slot(Finger.RIGHT_INDEX).done


# -- sealing and the receipt ------------------------------------------------------------------------------


def test_the_receipt_names_the_person_and_stays_for_a_reprint(bench: Bench) -> None:
    flow = to_submit(bench)
    announced: list[Any] = []
    flow.events.receipt.connect(announced.append)
    receipt = flow.submit_job()()
    assert receipt.person_name == PERSON.name
    assert flow.step is Step.RECEIPT and flow.receipt is receipt
    assert [event.receipt for event in announced] == [receipt]


def test_the_seal_is_logged_as_the_clerk_in_the_visit_s_session(bench: Bench) -> None:
    login = bench.login()
    flow = to_review(to_fingers(bench.start(login)))
    flow.confirm_review()
    flow.submit_job()()
    entries = list(bench.station.audit.entries())
    started = next(e for e in entries if e.event == "enrolment_started")
    seal = next(e for e in entries if e.event == "seal")
    assert seal.role == "clerk" and seal.actor is not None and seal.actor == started.actor
    assert seal.fields["session"] == login.session.session_id == started.fields["session"]


def test_the_window_waits_at_most_fifteen_seconds_for_the_backend(
    bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past that the person leaves with the provisional receipt and the outbox keeps trying."""
    handed: list[submit.Submission] = []

    def worker(submission: submit.Submission, station: Any) -> submit.ReceiptView:
        handed.append(submission)
        return submit.run(submission, station)

    monkeypatch.setattr(flow_module, "run_submission", worker)
    flow = to_submit(bench)
    flow.submit_job()()
    assert [s.deliver_within for s in handed] == [15.0]


def test_a_full_outbox_disk_is_said_as_an_error(bench: Bench, monkeypatch: pytest.MonkeyPatch) -> None:
    flow = to_submit(bench)
    monkeypatch.setattr(type(bench.station.outbox), "add", full_disk)
    said: list[Any] = []
    flow.events.message.connect(said.append)
    with pytest.raises(KioskError):
        flow.submit_job()()
    assert [(e.message.code, e.level) for e in said] == [("outbox.disk_full", "error")]


def test_a_submission_failing_after_the_visit_was_wiped_says_nothing_to_the_next_person(
    bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    flow = to_submit(bench)
    monkeypatch.setattr(type(bench.station.outbox), "add", full_disk)
    said: list[Any] = []
    flow.events.message.connect(said.append)
    job = flow.submit_job()
    with pytest.raises(KioskError) as caught:
        job.work()
    flow.wipe("idle")  # the clerk walked away while the worker sealed
    with pytest.raises(KioskError):
        job.fail(caught.value)
    assert said == [] and flow.step is Step.ENDED


def test_a_second_tap_on_submit_while_the_first_seals_makes_no_second_packet(bench: Bench) -> None:
    flow = to_submit(bench)
    first = flow.submit_job()
    with pytest.raises(KioskError) as again:
        flow.submit_job()
    assert again.value.message.code == "enrol.already_sealing"
    receipt = first()
    assert flow.step is Step.RECEIPT and flow.receipt is receipt
    assert [p.packet_id for p in bench.station.outbox.all()] == [receipt.packet_id]


def test_after_a_failed_sealing_the_clerk_may_seal_again(
    bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk was full: nothing was queued and the person's captures are still here to seal."""
    flow = to_submit(bench)
    with monkeypatch.context() as patch:
        patch.setattr(type(bench.station.outbox), "add", full_disk)
        with pytest.raises(KioskError):
            flow.submit_job()()
    receipt = flow.submit_job()()
    assert flow.step is Step.RECEIPT and bench.station.outbox.get(receipt.packet_id) is not None


# -- the manifest's context ---------------------------------------------------------------------------------


def test_the_manifest_says_who_where_and_under_which_consent(bench: Bench) -> None:
    flow = to_fingers(bench.start())
    to_review(flow)
    flow.confirm_review()
    assert flow.consent is not None and flow.consent.record is not None
    given_at = flow.consent.record.given_at
    notice = current_notice("simplified", "es_MX")
    manifest = manifest_of(bench, flow.submit_job()().packet_id)
    assert manifest.station == mf.Station("ST-TEST-0001", "Ventanilla de prueba")
    assert manifest.operator == mf.Operator("clerk", CLERK_ID, "password", None)
    assert manifest.person == mf.Person(PERSON.curp, PERSON.nss)
    assert manifest.identity_document == mf.IdentityDocument("ine", "AB12", True)
    assert manifest.consent == mf.Consent(notice.id, notice.version, given_at, "touch_screen", True, None)
    assert manifest.policy_version == bench.station.policy.version
    assert manifest.lookup == "online" and manifest.reenrolment is None and manifest.test


def test_a_minor_s_packet_names_the_guardian_who_consented(bench: Bench) -> None:
    guardian = next(p for p in people(5) if p.birth_date.year <= PERSON.birth_date.year - 10)  # an adult then
    flow = minor_at_consent(bench)
    flow.record_consent(True, guardian_curp=guardian.curp)
    to_review(flow)
    flow.confirm_review()
    manifest = manifest_of(bench, flow.submit_job()().packet_id)
    assert manifest.consent.guardian_curp == guardian.curp and manifest.consent.given
    assert manifest.identity_document == mf.IdentityDocument("birth_certificate", "1234", True)
