"""Reprint by folio and the stages of a submission: both Qt-free, both over the bench's real outbox."""

from __future__ import annotations

import json

from kiosk.enrol.flow import Enrolment, Step
from kiosk.enrol.reprint import receipt_by_folio
from kiosk.enrol.submit import STAGES
from kiosk.masking import mask_curp
from tests.fixtures.enrolment import PERSON, Bench, all_fingers, face_capture, to_fingers
from tests.fixtures.receipts import answer_packets


def to_submit(bench: Bench) -> Enrolment:
    flow = to_fingers(bench.start())
    all_fingers(flow)
    flow.offer_face(face_capture(True))
    flow.confirm_review()
    assert flow.step is Step.SUBMIT
    return flow


def test_a_delivered_receipt_is_found_again_by_its_folio_after_the_person_left(bench: Bench) -> None:
    answer_packets(bench)
    flow = to_submit(bench)
    receipt = flow.submit_job()()
    assert receipt.kind == "acuse" and receipt.verified and receipt.folio
    flow.finish()
    row = bench.station.outbox.get(receipt.packet_id)
    assert row is not None and row.state == "purged" and row.blob is None  # nothing of the person left
    again = receipt_by_folio(bench.station, " " + receipt.folio.lower() + " ")
    assert again is not None and again.kind == "acuse" and again.verified
    assert (again.folio, again.packet_id, again.digest) == (receipt.folio, receipt.packet_id, receipt.digest)
    assert again.curp_masked == mask_curp(PERSON.curp) and again.person_name == ""
    assert again.document == receipt.document  # the signed envelope: what the QR code carries
    assert receipt_by_folio(bench.station, "ACU-19990101-0000001") is None
    assert receipt_by_folio(bench.station, "   ") is None


def test_a_receipt_edited_on_disk_is_never_reprinted_as_verified(bench: Bench) -> None:
    answer_packets(bench)
    receipt = to_submit(bench).submit_job()()
    assert receipt.folio is not None
    row = bench.station.outbox.get(receipt.packet_id)
    assert row is not None and row.receipt is not None
    stored = json.loads(row.receipt)
    stored["envelope"]["signature"] = stored["envelope"]["signature"][::-1]
    bench.station.outbox._db.execute(
        "UPDATE packets SET receipt = ? WHERE packet_id = ?", (json.dumps(stored), receipt.packet_id)
    )
    again = receipt_by_folio(bench.station, receipt.folio)
    assert again is not None and not again.verified


def test_a_pending_or_refused_packet_has_no_folio_to_reprint(bench: Bench) -> None:
    answer_packets(bench, refuse="unregistered_device")
    refused = to_submit(bench).submit_job()()
    assert refused.kind == "refused" and refused.folio is None
    assert bench.station.outbox.by_folio("") is None


def test_a_submission_names_its_stages_as_it_goes(bench: Bench) -> None:
    answer_packets(bench)
    heard: list[str] = []
    flow = to_submit(bench)
    flow.submit_job(on_stage=heard.append)()
    assert heard == list(STAGES)
    flow.finish()
    bench.station.online = False  # offline: sealed and queued, nothing to deliver now
    heard.clear()
    to_submit(bench).submit_job(on_stage=heard.append)()
    assert heard == ["sealing", "queued"]
