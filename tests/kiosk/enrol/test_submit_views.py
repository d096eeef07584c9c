"""What the person takes home after sealing, for each way delivery can go: the backend's verified Acuse,
its refusal with the reason, or a station-signed provisional receipt that says why it waits (offline, or
the backend not answering in time); what the receipt screen is sent and what it is never sent; what the
audit log records; and that a person never waits out the deadline for a backend that is down.

`submit.run` is driven directly with one finger and a face (sealing ten prints per test would be slow)."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pytest

from devices.positions import Finger
from kiosk.client.http import BackendError
from kiosk.enrol import submit
from kiosk.enrol.fingers import FingerSlot
from kiosk.enrol.rules import FingerRules
from kiosk.enrol.submit import ReceiptView, Submission, receipt_for, run
from kiosk.errors import KioskError
from kiosk.masking import mask_curp
from kiosk.messages import Message
from kiosk.outbox.delivery import deliver_with
from kiosk.outbox.provisional import verify_provisional
from kiosk.outbox.sender import Sender
from kiosk.packet import manifest as mf
from kiosk.packet.open import open_packet
from tests.fixtures.enrolment import PERSON, Bench, attempt, audit_entries, face_capture, sample_context
from tests.fixtures.receipts import SigningClient, answer_packets

SESSION = "sess-0042"
NAME = "ARTURO VAZQUEZ VAZQUEZ"


def slots() -> list[FingerSlot]:
    slot = FingerSlot(Finger.RIGHT_THUMB, FingerRules(order=(Finger.RIGHT_THUMB,)))
    slot.offer(attempt(70, value=70))
    return [slot]


def submission(test: bool = True, **options: Any) -> Submission:
    context = sample_context(
        person=mf.Person(PERSON.curp, PERSON.nss), policy_version=3, audit_chain_head="0" * 64, test=test
    )
    fields: dict[str, Any] = {
        "face_confirmed_by": None,
        "signer": None,
        "actor": "op-clerk",
        "role": "clerk",
        "session_id": SESSION,
        "person_name": NAME,
    }
    return Submission.copy_of(slots(), face_capture(True), context=context, **(fields | options))


# -- the receipt screen's view ------------------------------------------------------------------------------


def view(**changes: Any) -> ReceiptView:
    base = ReceiptView(
        kind="acuse",
        packet_id="0190c2a4-0000-7000-8000-000000000001",
        digest="d" * 64,
        station_id="ST-TEST-0001",
        station_name="Ventanilla 3",
        curp_masked="VAVA************56",
        person_name=NAME,
        sealed_at="2026-03-02T10:15:30Z",
        folio="ACU-20260302-0000001",
        received_at="2026-03-02T10:15:31Z",
        verified=True,
        test=True,
        warning=Message("enrol.sealed_not_audited"),
        document={"payload": "..."},
    )
    return replace(base, **changes)


def test_the_receipt_json_says_what_the_receipt_proves_and_never_the_person_s_name() -> None:
    assert view().to_json() == {
        "kind": "acuse",
        "packet_id": "0190c2a4-0000-7000-8000-000000000001",
        "folio": "ACU-20260302-0000001",
        "digest": "d" * 64,
        "station_id": "ST-TEST-0001",
        "curp_masked": "VAVA************56",
        "sealed_at": "2026-03-02T10:15:30Z",
        "received_at": "2026-03-02T10:15:31Z",
        "verified": True,
        "test": True,
        "reason": None,
    }


def test_a_refusal_s_reason_is_sent_in_the_screen_s_language() -> None:
    why = Message("enrol.refused", {"code": "unregistered_device", "why": Message("enrol.pending_offline")})
    # Only the packet's own facts: a view is unverified, live, without folio or time until told otherwise.
    refused = ReceiptView(
        "refused", "p-1", "d" * 64, "ST-TEST-0001", "Ventanilla 3", "VAVA**56", NAME, "", reason=why
    )
    assert refused.document == {} and refused.warning is None
    english = refused.to_json("en")
    assert english["reason"] == "the backend REFUSED the enrolment: " + Message(
        "enrol.pending_offline"
    ).render("en")
    assert refused.to_json()["reason"] == why.render("es_MX") != english["reason"]
    assert (
        english["kind"],
        english["folio"],
        english["received_at"],
        english["verified"],
        english["test"],
    ) == (
        "refused",
        None,
        None,
        False,
        False,
    )


# -- sealing and what comes back ----------------------------------------------------------------------------


def test_offline_the_person_gets_a_station_signed_receipt_that_says_it_waits_for_the_connection(
    bench: Bench,
) -> None:
    bench.station.client = None
    heard: list[str] = []
    receipt = run(submission(on_stage=heard.append), bench.station)
    assert heard == ["sealing", "queued"]  # nothing to deliver to
    assert (receipt.kind, receipt.verified, receipt.folio, receipt.received_at) == (
        "provisional",
        False,
        None,
        None,
    )
    assert receipt.reason == Message("enrol.pending_offline") and receipt.warning is None
    row = bench.station.outbox.get(receipt.packet_id)
    assert row is not None and row.state == "sealed" and row.digest == receipt.digest and row.test
    assert (receipt.station_id, receipt.station_name) == ("ST-TEST-0001", "Ventanilla de prueba")
    assert receipt.curp_masked == mask_curp(PERSON.curp) and receipt.person_name == NAME and receipt.test
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", receipt.sealed_at)
    signed = verify_provisional(receipt.document, bench.station.keys.public)
    assert signed is not None
    assert (signed["packet_id"], signed["digest"], signed["station_id"]) == (
        receipt.packet_id,
        receipt.digest,
        "ST-TEST-0001",
    )
    assert signed["curp_masked"] == receipt.curp_masked and signed["sealed_at"].startswith(
        receipt.sealed_at[:19]
    )


def test_a_live_enrolment_is_not_marked_as_a_test(bench: Bench) -> None:
    bench.station.client = None
    receipt = run(submission(test=False), bench.station)
    row = bench.station.outbox.get(receipt.packet_id)
    assert not receipt.test and row is not None and not row.test


def test_the_seal_and_the_waiting_receipt_are_audited_under_the_operator_s_session(bench: Bench) -> None:
    bench.station.client = None
    receipt = run(submission(), bench.station)
    (seal,) = audit_entries(bench, "seal")
    assert (seal.actor, seal.role) == ("op-clerk", "clerk")
    assert seal.fields == {"session": SESSION, "packet_id": receipt.packet_id}
    (waiting,) = audit_entries(bench, "delivery_failed")
    assert (waiting.actor, waiting.role) == ("op-clerk", "clerk")
    assert waiting.fields == {
        "session": SESSION,
        "packet_id": receipt.packet_id,
        "final": False,
        "provisional_receipt": True,
    }


def test_a_backend_that_is_down_gives_the_waiting_receipt_at_once_not_after_the_deadline(
    bench: Bench,
) -> None:
    heard: list[str] = []
    started = time.monotonic()
    receipt = run(submission(deliver_within=15.0, on_stage=heard.append), bench.station)
    assert time.monotonic() - started < 5.0
    assert heard == ["sealing", "queued", "delivering"]
    assert receipt.kind == "provisional" and receipt.reason == Message("enrol.pending_backend")
    row = bench.station.outbox.get(receipt.packet_id)
    assert row is not None and row.state == "sealed" and row.attempts == 1  # tried once, queued for later


def test_with_no_time_to_deliver_nothing_is_sent_now(bench: Bench) -> None:
    client = answer_packets(bench)
    heard: list[str] = []
    receipt = run(submission(deliver_within=0.0, on_stage=heard.append), bench.station)
    assert heard == ["sealing", "queued"] and client.delivered == []
    assert receipt.kind == "provisional" and receipt.reason == Message("enrol.pending_backend")


def test_a_short_deadline_still_tries_the_backend_once(bench: Bench) -> None:
    client = answer_packets(bench)
    heard: list[str] = []
    receipt = run(submission(deliver_within=0.5, on_stage=heard.append), bench.station)
    assert client.delivered == [receipt.packet_id] and receipt.kind == "acuse"
    assert heard == ["sealing", "queued", "delivering"]


def test_a_station_known_to_be_offline_leaves_its_sender_s_back_off_alone(bench: Bench) -> None:
    """The flow gives an offline station no time to deliver; the new packet must not make the background
    sender retry a backend it is backing off from, once per person."""
    client = answer_packets(bench)
    sender = Sender(bench.station.outbox, deliver_with(client), audit=bench.station.audit)  # type: ignore[arg-type]
    bench.station.sender = sender
    sender.paused_until = backing_off = time.time() + 600
    run(submission(deliver_within=0.0), bench.station)
    assert sender.paused_until == backing_off and client.delivered == []
    receipt = run(submission(deliver_within=5.0), bench.station)  # online again: try now
    assert not sender.paused and receipt.kind == "acuse"


class BusySender(Sender):
    """The station's background sender, woken by the new packet, claims it before the worker can."""

    sending: threading.Event  # set by the backend when the claimed packet reaches it

    def poke(self) -> None:
        super().poke()
        self.worker = threading.Thread(target=self.deliver_one)
        self.worker.start()
        assert self.sending.wait(10), "the background sender never sent the packet"


def test_a_packet_the_background_sender_is_delivering_is_waited_for_not_given_up(bench: Bench) -> None:
    client = answer_packets(bench)
    answer = deliver_with(client)  # type: ignore[arg-type]

    def slow(packet_id: str, blob: bytes) -> Any:
        sender.sending.set()  # claimed, and now on the wire
        time.sleep(0.3)  # the backend takes its time: the worker must wait for it, not give up
        return answer(packet_id, blob)

    sender = BusySender(bench.station.outbox, slow, audit=bench.station.audit)
    sender.sending = threading.Event()
    bench.station.sender = sender
    receipt = run(submission(deliver_within=5.0), bench.station)
    sender.worker.join()
    assert receipt.kind == "acuse" and receipt.verified
    assert client.delivered == [receipt.packet_id]  # sent once, by the sender that claimed it


def test_an_answering_backend_gives_the_verified_acuse_with_its_folio(
    bench: Bench, caplog: pytest.LogCaptureFixture
) -> None:
    client = answer_packets(bench)
    with caplog.at_level(logging.ERROR, logger=submit.__name__):
        receipt = run(submission(), bench.station)
    assert caplog.records == []  # delivered as it should be: nothing for the technician to read
    assert client.delivered == [receipt.packet_id]
    row = bench.station.outbox.get(receipt.packet_id)
    assert row is not None and row.receipt is not None and row.folio is not None
    assert (receipt.kind, receipt.verified, receipt.folio, receipt.reason) == ("acuse", True, row.folio, None)
    stored = json.loads(row.receipt)
    assert receipt.received_at == stored["body"]["received_at"] and receipt.received_at is not None
    assert receipt.document == stored["envelope"]
    assert audit_entries(bench, "delivery_failed") == []  # settled: nothing is waiting


def test_packets_queued_before_are_delivered_first_and_this_one_still_gets_its_acuse(bench: Bench) -> None:
    bench.station.client = None
    earlier = run(submission(), bench.station)
    client = answer_packets(bench)
    receipt = run(submission(), bench.station)
    assert client.delivered == [earlier.packet_id, receipt.packet_id]
    assert receipt.kind == "acuse" and receipt.verified


def test_a_station_that_cannot_reach_the_backend_does_not_call_a_stored_acuse_verified(bench: Bench) -> None:
    answer_packets(bench)
    delivered = run(submission(), bench.station)
    bench.station.client = None
    again = receipt_for(bench.station, replace(delivered, kind="provisional", folio=None, verified=False))
    assert again.kind == "acuse" and again.folio == delivered.folio and not again.verified


def test_a_waiting_packet_is_never_shown_as_an_acuse_whatever_view_is_asked_about(bench: Bench) -> None:
    """A reprint asks about an Acuse; if the outbox says the packet still waits, the answer says so."""
    bench.station.client = None
    waiting = run(submission(), bench.station)
    asked = replace(waiting, kind="acuse", verified=True, folio="ACU-20260302-0000001")
    again = receipt_for(bench.station, asked)
    assert (again.kind, again.verified) == ("provisional", False)
    assert again.reason == Message("enrol.pending_offline")


def test_a_packet_the_outbox_no_longer_holds_still_gets_the_station_signed_receipt(bench: Bench) -> None:
    bench.station.client = None
    waiting = run(submission(), bench.station)
    unknown = replace(waiting, packet_id="0190c2a4-0000-7000-8000-0000000000cc")
    again = receipt_for(bench.station, unknown)
    assert again.kind == "provisional" and verify_provisional(again.document, bench.station.keys.public)


def test_a_delivered_packet_whose_bytes_are_not_purged_yet_shows_its_acuse(bench: Bench) -> None:
    answer_packets(bench)
    delivered = run(submission(), bench.station)
    bench.station.outbox._db.execute(
        "UPDATE packets SET state = 'delivered' WHERE packet_id = ?", (delivered.packet_id,)
    )
    again = receipt_for(bench.station, replace(delivered, kind="provisional", folio=None))
    assert (again.kind, again.folio, again.verified) == ("acuse", delivered.folio, True)


def test_a_refused_packet_is_said_with_the_backend_s_reason_never_as_pending(bench: Bench) -> None:
    answer_packets(bench, refuse="unregistered_device")
    receipt = run(submission(), bench.station)
    assert receipt.kind == "refused" and not receipt.verified and receipt.folio is None
    assert receipt.reason == Message(
        "enrol.refused", {"code": "unregistered_device", "why": Message("backend.error.unregistered_device")}
    )
    assert receipt.reason.render("en").startswith("the backend REFUSED the enrolment: ")
    assert [e.fields.get("provisional_receipt") for e in audit_entries(bench, "delivery_failed")] == [None]


def test_a_delivery_that_breaks_leaves_the_packet_queued_and_the_person_with_a_receipt(
    bench: Bench, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> ReceiptView:
        raise RuntimeError("a bug in delivery")

    monkeypatch.setattr(submit, "deliver", broken)
    with caplog.at_level(logging.ERROR, logger=submit.__name__):
        receipt = run(submission(), bench.station)
    assert receipt.kind == "provisional" and receipt.reason == Message("enrol.pending_backend")
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == [
        "delivery right after sealing failed; the packet stays queued"
    ]
    row = bench.station.outbox.get(receipt.packet_id)
    assert row is not None and row.state == "sealed"
    assert len(audit_entries(bench, "delivery_failed")) == 1


def test_the_packet_names_the_audit_head_the_station_signed_just_before_sealing(bench: Bench) -> None:
    """The manifest's audit head is covered by a signed checkpoint: the backend can hold the log to it."""
    bench.station.client = None
    bench.station.audit.append("enrolment_started", actor="op-clerk", fields={"session": SESSION})
    receipt = run(submission(), bench.station)
    row = bench.station.outbox.get(receipt.packet_id)
    assert row is not None and row.blob is not None
    manifest = open_packet(row.blob, {bench.backend_key.key_id: bench.backend_key}).manifest
    last = (bench.station.audit.directory / "checkpoints.jsonl").read_text(encoding="utf-8").splitlines()[-1]
    assert manifest.audit_chain_head == json.loads(last)["hash"] != "0" * 64
    started = next(e for e in bench.station.audit.entries() if e.event == "enrolment_started")
    assert manifest.audit_chain_head == started.hash  # the head before the seal entry was written


def test_the_packet_names_who_accepted_a_face_that_failed_its_checks(bench: Bench) -> None:
    bench.station.client = None
    work = submission(face_confirmed_by="op-sup")
    work.face = face_capture(False, 55.0)
    receipt = run(work, bench.station)
    row = bench.station.outbox.get(receipt.packet_id)
    assert row is not None and row.blob is not None
    face = open_packet(row.blob, {bench.backend_key.key_id: bench.backend_key}).manifest.face
    assert face is not None and face.accepted_below_threshold and face.confirmed_by == "op-sup"


@dataclass
class PickyClient(SigningClient):
    """Answers every packet but one, which it cannot take now (a retryable error)."""

    busy: str = ""

    def submit(self, packet_id: str, blob: bytes) -> Any:
        if packet_id == self.busy:
            raise BackendError("backend.unreachable", retryable=True, url="https://backend.invalid")
        return super().submit(packet_id, blob)


def test_an_older_packet_the_backend_cannot_take_now_does_not_hold_back_this_person_s(bench: Bench) -> None:
    bench.station.client = None
    earlier = run(submission(), bench.station)
    client = PickyClient(people=bench.client.people, busy=earlier.packet_id)
    bench.station.client = client  # type: ignore[assignment]
    receipt = run(submission(), bench.station)
    assert receipt.kind == "acuse" and client.delivered == [receipt.packet_id]
    row = bench.station.outbox.get(earlier.packet_id)
    assert row is not None and row.state == "sealed"  # still queued, for later


def test_a_seal_the_log_could_not_record_is_said_in_the_station_s_log_file(
    bench: Bench, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    bench.station.client = None
    audit = bench.station.audit
    original = type(audit).append

    def full_disk(self: object, event: str, **kwargs: object) -> object:
        if event == "seal":
            raise KioskError("audit.disk_full")
        return original(self, event, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(type(audit), "append", full_disk)
    with caplog.at_level(logging.WARNING, logger=submit.__name__):
        receipt = run(submission(), bench.station)
    assert receipt.warning == Message("enrol.sealed_not_audited")
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        "audit entry seal not written: audit.disk_full"
    ]


# -- the worker's copies ------------------------------------------------------------------------------------


def worker_copy(finger: list[FingerSlot], face: Any) -> Submission:
    """What the flow hands its worker, for a clerk's session with nothing else to seal."""
    return Submission.copy_of(
        finger,
        face,
        context=None,
        face_confirmed_by=None,
        signer=None,
        actor="a",
        role="clerk",
        session_id="s",
        person_name="",
    )


def test_the_worker_seals_its_own_copies_of_the_prints_and_the_face() -> None:
    finger = slots()
    face = face_capture(True)
    copy = worker_copy(finger, face)
    assert copy.slots[0] is not finger[0] and copy.face is not face
    assert copy.slots[0].finger == Finger.RIGHT_THUMB and copy.slots[0].accepted
    assert copy.face is not None and copy.face.score == face.score and copy.deliver_within == 15.0
    finger[0].wipe()
    face.wipe()  # the flow wipes its own (an idle timeout) while the worker seals
    best = copy.slots[0].best
    assert best is not None and best.image.any() and copy.face.token.any()
    assert np.array_equal(best.image, np.full((500, 400), 70, np.uint8))
    untaken = FingerSlot(Finger.LEFT_LITTLE, FingerRules(order=(Finger.LEFT_LITTLE,)))  # an exception finger
    bare = worker_copy([untaken], None)
    assert bare.face is None and bare.slots[0].best is None and bare.slots[0].finger is Finger.LEFT_LITTLE
    assert worker_copy([], None).face is None
