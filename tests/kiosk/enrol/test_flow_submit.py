"""Face, review, sealing: a face that fails is never sealed silently; the packet says what was decided;
nothing of the person stays in memory once sealed."""

from __future__ import annotations

import pytest

from devices.positions import Finger
from kiosk.enrol.confirm import Decision
from kiosk.enrol.face import FaceVerdict
from kiosk.enrol.flow import Enrolment, Step
from kiosk.errors import KioskError
from kiosk.packet.open import open_packet
from tests.fixtures.enrolment import (
    PERSON,
    Bench,
    all_fingers,
    attempt,
    audit_events,
    face_capture,
    person_model,
    to_fingers,
)


def to_face(bench: Bench) -> Enrolment:
    flow = to_fingers(bench.start())
    all_fingers(flow)
    assert flow.step is Step.FACE
    return flow


def opened(bench: Bench, packet_id: str) -> object:
    row = bench.station.outbox.get(packet_id)
    assert row is not None and row.blob is not None
    return open_packet(row.blob, {bench.backend_key.key_id: bench.backend_key})


def test_a_passing_face_goes_to_the_review(bench: Bench) -> None:
    flow = to_face(bench)
    assert flow.offer_face(face_capture(True)) is FaceVerdict.ACCEPTED
    assert flow.step is Step.REVIEW


def test_a_failing_face_is_retried_then_needs_a_confirmation(bench: Bench) -> None:
    flow = to_face(bench)
    asked: list[object] = []
    flow.events.confirmation.connect(asked.append)
    assert [flow.offer_face(face_capture(False, s)) for s in (50, 70, 60)] == [
        FaceVerdict.RETRY,
        FaceVerdict.RETRY,
        FaceVerdict.NEEDS_CONFIRMATION,
    ]
    assert flow.step is Step.FACE and asked[-1].decision is Decision.FACE_BELOW_THRESHOLD  # type: ignore[attr-defined]
    assert flow.face.best is not None and flow.face.best.score == 70
    with pytest.raises(KioskError):
        flow.confirm_review()  # still at the face: nothing is sealed silently
    with pytest.raises(KioskError):
        flow.offer_face(face_capture(True))  # no fourth attempt
    flow.accept_face_below_threshold()
    assert flow.step is Step.REVIEW and flow.face.accepted_below_threshold


def test_the_policy_may_want_a_supervisor_for_the_face(bench: Bench) -> None:
    bench.set_policy(**{"face.below_threshold_confirmation": "supervisor", "face.attempts": 1})
    flow = to_face(bench)
    flow.offer_face(face_capture(False))
    with pytest.raises(KioskError) as caught:
        flow.accept_face_below_threshold()
    assert caught.value.message.code == "enrol.supervisor_needed"
    confirmation = flow.supervisor_job(
        Decision.FACE_BELOW_THRESHOLD, flow.face_subject(), "sup", "correcta"
    )()
    flow.accept_face_below_threshold(confirmation)
    assert flow.face.confirmed_by == "op-supervisor"


def test_the_review_may_send_a_finger_back(bench: Bench) -> None:
    flow = to_face(bench)
    flow.offer_face(face_capture(True))
    old = flow.slot(Finger.LEFT_INDEX).best
    assert old is not None
    flow.retake_finger(Finger.LEFT_INDEX)
    assert flow.step is Step.FINGERS and flow.current == Finger.LEFT_INDEX and not old.image.any()
    flow.offer(attempt(77))
    assert flow.step is Step.REVIEW  # the face was already done


def test_sealing_records_every_decision_and_wipes_the_person(bench: Bench) -> None:
    bench.client.people[PERSON.curp] = person_model("enrolled")
    bench.set_policy(**{"reenrolment.confirmation": "operator", "fingers.exceptions_need_supervisor": False})
    flow = bench.start()
    flow.lookup(PERSON.curp)()
    flow.reenrol("injury_healed")
    flow.record_identity("passport", "G123", attested=True)
    flow.record_consent(True)
    flow.record_exception(Finger.LEFT_LITTLE, "UP", "bandaged")
    for _ in range(3):
        flow.offer(attempt(20))
    flow.accept_below_threshold()  # right thumb, below the threshold, confirmed by the clerk
    kept = []
    while flow.current is not None:
        a = attempt(66)
        kept.append(a)
        flow.offer(a)
    for score in (50, 55, 52):
        flow.offer_face(face_capture(False, score))
    flow.accept_face_below_threshold()
    face = flow.face.best
    flow.confirm_review()
    receipt = flow.submit_job()()
    assert flow.step is Step.RECEIPT and receipt.kind == "provisional"
    assert receipt.reason is not None and receipt.reason.code == "enrol.pending_backend"
    # Nothing of the person's biometrics stays in the flow's memory.
    assert all(s.best is None for s in flow.slots) and flow.face.best is None
    assert all(not a.image.any() for a in kept) and face is not None and not face.token.any()
    packet = opened(bench, receipt.packet_id)
    manifest = packet.manifest  # type: ignore[attr-defined]
    assert (
        manifest.reenrolment.reason == "injury_healed" and manifest.reenrolment.previous_status == "enrolled"
    )
    entries = {f.position: f for f in manifest.fingers}
    assert entries[Finger.LEFT_LITTLE].exception_code == "UP"
    assert entries[Finger.LEFT_LITTLE].exception_reason == "bandaged"
    assert entries[Finger.RIGHT_THUMB].accepted_below_threshold and entries[Finger.RIGHT_THUMB].nfiq2 == 20
    assert manifest.face.accepted_below_threshold and manifest.face.confirmed_by == "op-clerk"
    assert not manifest.face.passed and manifest.test and manifest.lookup == "online"
    assert manifest.identity_document.type == "passport"
    assert set(packet.records) == {"fingers", "face"}  # type: ignore[attr-defined]
    events = audit_events(bench)
    assert events.index("seal") < events.index("delivery_failed")
    flow.finish()
    assert flow.step is Step.ENDED and flow.receipt is None


def test_an_offline_enrolment_is_marked_in_the_packet(bench: Bench) -> None:
    bench.client.down = True
    bench.station.online = False
    flow = to_face(bench)
    flow.offer_face(face_capture(True))
    flow.confirm_review()
    receipt = flow.submit_job()()
    assert receipt.kind == "provisional" and receipt.reason is not None
    assert opened(bench, receipt.packet_id).manifest.lookup == "offline"  # type: ignore[attr-defined]


def test_a_full_outbox_disk_keeps_the_person_on_screen(bench: Bench, monkeypatch: pytest.MonkeyPatch) -> None:
    flow = to_face(bench)
    flow.offer_face(face_capture(True))
    flow.confirm_review()

    def full(*args: object, **kwargs: object) -> bool:
        raise KioskError("outbox.disk_full")

    monkeypatch.setattr(type(bench.station.outbox), "add", full)
    messages: list[object] = []
    flow.events.message.connect(messages.append)
    with pytest.raises(KioskError):
        flow.submit_job()()
    assert flow.step is Step.SUBMIT and all(s.best is not None and s.best.image.any() for s in flow.slots)
    assert messages[-1].message.code == "outbox.disk_full"  # type: ignore[attr-defined]
    monkeypatch.undo()
    assert flow.submit_job()().kind == "provisional"


@pytest.mark.parametrize("outbox", ["takes the packet", "disk full"])
def test_the_worker_s_copies_of_the_biometrics_are_zeroed_when_it_returns(
    bench: Bench, monkeypatch: pytest.MonkeyPatch, outbox: str
) -> None:
    """The worker seals copies (an idle wipe of the flow cannot tear the packet); by the time it
    returns, sealed or refused by the outbox, those copies are zero, not left for the collector."""
    from kiosk.enrol import flow as flow_module
    from kiosk.enrol import submit

    flow = to_face(bench)
    flow.offer_face(face_capture(True))
    flow.confirm_review()
    if outbox == "disk full":

        def full(*args: object, **kwargs: object) -> bool:
            raise KioskError("outbox.disk_full")

        monkeypatch.setattr(type(bench.station.outbox), "add", full)
    zeroed_on_return: list[bool] = []

    def worker(submission: submit.Submission, station: object) -> submit.ReceiptView:
        copies = [s.best.image for s in submission.slots if s.best is not None]
        assert submission.face is not None and len(copies) == 10
        copies.append(submission.face.token)
        assert all(copy.any() for copy in copies)
        try:
            return submit.run(submission, station)  # type: ignore[arg-type]
        finally:
            zeroed_on_return.append(not any(copy.any() for copy in copies))

    monkeypatch.setattr(flow_module, "run_submission", worker)
    if outbox == "disk full":
        with pytest.raises(KioskError):
            flow.submit_job()()
    else:
        assert flow.submit_job()().kind == "provisional"
    assert zeroed_on_return == [True]


def test_an_employer_s_packet_carries_the_fiel_signature(bench: Bench) -> None:
    from tests.kiosk.packet.conftest import FIEL_NUMBER, make_fiel

    signer, _key = make_fiel()
    login = bench.login(role="employer", certificate_number=FIEL_NUMBER, signer=signer)
    flow = to_fingers(bench.start(login))
    all_fingers(flow)
    flow.offer_face(face_capture(True))
    flow.confirm_review()
    receipt = flow.submit_job()()
    packet = opened(bench, receipt.packet_id)
    assert packet.verification.operator_signed  # type: ignore[attr-defined]
    assert packet.manifest.operator.login == "fiel"  # type: ignore[attr-defined]


def test_a_log_that_cannot_be_written_after_sealing_never_seals_twice(
    bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The packet is in the outbox: the person gets their receipt and nobody seals a second packet."""
    flow = to_face(bench)
    flow.offer_face(face_capture(True))
    flow.confirm_review()
    audit = bench.station.audit
    original = type(audit).append

    def full_disk(self: object, event: str, **kwargs: object) -> object:
        if event in ("seal", "delivery_failed"):
            raise KioskError("audit.disk_full")
        return original(self, event, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(type(audit), "append", full_disk)
    receipt = flow.submit_job()()
    assert flow.step is Step.RECEIPT and receipt.kind == "provisional"
    assert receipt.warning is not None and receipt.warning.code == "enrol.sealed_not_audited"
    assert bench.station.outbox.counts()["sealed"] == 1
