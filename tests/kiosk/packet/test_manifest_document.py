"""The manifest as docs/packet-format.md section 5 and resources/schemas/manifest-v1.json define it:
every optional part round-trips, absent parts are absent (not null) where the document says so,
times are UTC with three millisecond digits, and each rule beyond the schema is applied at its
boundary with the message the backend passes on.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from devices.positions import Finger
from kiosk.packet import FaceEntry, FingerEntry, Manifest, Operator, PacketError
from kiosk.packet.manifest import Consent, RecordRef, Reenrolment, canonical_json, validate_document
from kiosk.packet.samples import sample_manifest


def full_manifest() -> Manifest:
    """A manifest using every optional part the format has."""
    base = sample_manifest()
    return replace(
        base,
        created_at=datetime(2025, 1, 15, 16, 0, 0, 123456, tzinfo=UTC),
        consent=Consent(
            "aviso-biometricos",
            "2025.1",
            datetime(2025, 1, 15, 15, 50, tzinfo=UTC),
            "paper_form",
            True,
            "XEXX010101MNEXXXA8",
        ),
        fingers=(
            FingerEntry.captured(Finger.RIGHT_THUMB, 38, 3, accepted_below_threshold=True),
            FingerEntry.exception(Finger.RIGHT_INDEX, "XX", "amputated", supervisor_id="sup-01"),
            FingerEntry.exception(
                Finger.LEFT_LITTLE, "UP", "other", note="vendaje por quemadura", attempts=2
            ),
        ),
        face=FaceEntry(31.5, False, 4, 480, 640, {"yaw": 12.0, "eyes_open": None}, True, "sup-01"),
        lookup="offline",
        reenrolment=Reenrolment("injury_healed", "exception", "sup-01", "la mano sanó"),
        records=(RecordRef("fingers", "iso19794-4:2011", 10, "0" * 64),),
    )


def test_every_optional_part_round_trips() -> None:
    manifest = full_manifest()
    raw = manifest.to_bytes()
    assert Manifest.from_bytes(raw) == manifest
    assert Manifest.from_document(json.loads(raw)).to_bytes() == raw


def test_present_optional_parts_are_written_as_documented() -> None:
    document = full_manifest().to_document()
    assert document["lookup"] == "offline"
    assert document["reenrolment"] == {
        "reason": "injury_healed",
        "note": "la mano sanó",
        "previous_status": "exception",
        "confirmed_by": "sup-01",
    }
    assert (
        document["face"]["accepted_below_threshold"] is True and document["face"]["confirmed_by"] == "sup-01"
    )
    assert document["fingers"][1] == {
        "position": "right-index",
        "status": "exception",
        "nfiq2": None,
        "attempts": 0,  # an exception made without trying to capture
        "accepted_below_threshold": False,
        "exception_code": "XX",
        "exception_reason": "amputated",
        "exception_note": None,
        "supervisor_id": "sup-01",
    }
    assert document["consent"]["guardian_curp"] == "XEXX010101MNEXXXA8"
    validate_document(document)


def test_absent_parts_are_absent_and_read_back_as_their_default() -> None:
    """Section 5: `lookup` absent means online; `reenrolment` absent when there is none; a face not
    accepted below its threshold has neither `accepted_below_threshold` nor `confirmed_by`."""
    manifest = sample_manifest()
    document = manifest.to_document()
    assert "lookup" not in document and "reenrolment" not in document
    assert "accepted_below_threshold" not in document["face"] and "confirmed_by" not in document["face"]
    again = Manifest.from_document(document)
    assert again.lookup == "online" and again.reenrolment is None and again == manifest
    assert Manifest.from_document({**document, "reenrolment": None}).reenrolment is None


def test_a_manifest_without_a_face_round_trips() -> None:
    manifest = replace(sample_manifest(), face=None)
    document = manifest.to_document()
    assert document["face"] is None
    assert Manifest.from_document(document) == manifest


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2025, 1, 15, 16, 0, tzinfo=UTC), "2025-01-15T16:00:00.000Z"),  # always three digits
        (datetime(2025, 1, 15, 16, 0, 0, 999999, tzinfo=UTC), "2025-01-15T16:00:00.999Z"),  # cut, not rounded
        (
            datetime(2025, 1, 15, 10, 0, 0, 5000, tzinfo=timezone(timedelta(hours=-6))),
            "2025-01-15T16:00:00.005Z",
        ),
        (datetime(2025, 1, 15, 16, 0, 0, 1000), "2025-01-15T16:00:00.001Z"),  # naive means UTC
    ],
)
def test_times_are_utc_with_milliseconds(moment: datetime, text: str) -> None:
    manifest = replace(sample_manifest(), created_at=moment)
    manifest = replace(manifest, consent=replace(manifest.consent, given_at=moment))
    document = manifest.to_document()
    assert document["created_at"] == text and document["consent"]["given_at"] == text
    again = Manifest.from_document(document)
    assert again.created_at == again.consent.given_at == datetime.fromisoformat(text)
    assert again.created_at.tzinfo == UTC and again == manifest


def test_an_exception_entry_keeps_what_it_was_given() -> None:
    entry = FingerEntry.exception(Finger.LEFT_RING, "UP", "bandaged", note="venda", supervisor_id="sup-07")
    assert entry == FingerEntry(
        Finger.LEFT_RING, "exception", None, 0, False, "UP", "bandaged", "venda", "sup-07"
    )
    assert FingerEntry.exception(Finger.LEFT_RING, "XX", "missing", attempts=3).attempts == 3


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xff\xfe", "not JSON: "),
        (b"{", "not JSON: "),
        (b"[1, 2]", "not a JSON object"),
        (b'"manifest"', "not a JSON object"),
    ],
)
def test_a_manifest_that_is_not_a_json_object_says_so(raw: bytes, reason: str) -> None:
    with pytest.raises(PacketError) as caught:
        Manifest.from_bytes(raw)
    assert caught.value.code == "malformed_manifest"
    assert caught.value.message.params["reason"].startswith(reason)
    if reason == "not a JSON object":
        assert caught.value.message.params["reason"] == reason


def document() -> dict[str, Any]:
    return sample_manifest().with_records(()).to_document()


def rule_problems(change: Any) -> str:
    doc = document()
    change(doc)
    with pytest.raises(PacketError) as caught:
        validate_document(doc)
    assert caught.value.code == "malformed_manifest"
    reason: str = caught.value.message.params["reason"]
    return reason


def valid(change: Any) -> None:
    doc = document()
    change(doc)
    validate_document(doc)


FIEL = "30001000000500003416"


def test_a_certificate_number_exactly_when_the_login_is_fiel() -> None:
    message = "operator: certificate_number is required exactly when login is fiel"
    valid(lambda d: d["operator"].update(login="fiel", certificate_number=FIEL))
    valid(lambda d: d["operator"].update(login="password", certificate_number=None))
    assert rule_problems(lambda d: d["operator"].update(login="fiel", certificate_number=None)) == message
    assert rule_problems(lambda d: d["operator"].update(login="password", certificate_number=FIEL)) == message


def test_a_technician_seals_test_packets_only() -> None:
    valid(lambda d: d["operator"].update(role="technician"))  # the sample is a test enrolment
    valid(lambda d: (d["operator"].update(role="supervisor"), d.update(test=False)))
    assert rule_problems(lambda d: (d["operator"].update(role="technician"), d.update(test=False))) == (
        "operator: a technician seals test packets only"
    )


def test_a_captured_finger_has_an_attempt_and_no_exception() -> None:
    message = "fingers[right-thumb]: a captured finger has attempts and no exception"
    valid(lambda d: d["fingers"][0].update(attempts=1))
    assert rule_problems(lambda d: d["fingers"][0].update(attempts=0)) == message
    assert rule_problems(lambda d: d["fingers"][0].update(exception_code="UP")) == message
    assert rule_problems(lambda d: d["fingers"][0].update(exception_reason="worn")) == message


def exception(**fields: Any) -> Any:
    def change(d: dict[str, Any]) -> None:
        d["fingers"][9].update(
            {
                "status": "exception",
                "nfiq2": None,
                "exception_code": "XX",
                "exception_reason": "missing",
                **fields,
            }
        )

    return change


def test_an_exception_has_a_code_a_reason_and_no_score() -> None:
    message = "fingers[left-little]: an exception has a code and a reason and no score"
    valid(exception())
    valid(exception(attempts=0))
    assert rule_problems(exception(exception_code=None)) == message
    assert rule_problems(exception(exception_reason=None)) == message
    assert rule_problems(exception(nfiq2=0)) == message


def test_the_reason_other_needs_a_note() -> None:
    valid(exception(exception_reason="other", exception_note="quemadura"))
    assert (
        rule_problems(exception(exception_reason="other"))
        == "fingers[left-little]: reason 'other' needs a note"
    )
    assert rule_problems(exception(exception_reason="other", exception_note="")) == (
        "fingers[left-little]: reason 'other' needs a note"
    )


def test_positions_and_record_names_are_unique() -> None:
    def twice(d: dict[str, Any]) -> None:
        d["fingers"][1]["position"] = d["fingers"][0]["position"]

    assert rule_problems(twice) == "fingers: a position appears twice"
    record = {"name": "face", "format": "iso19794-5:2011", "length": 1, "sha256": "0" * 64}
    valid(lambda d: d.update(records=[record, {**record, "name": "face-2"}]))
    assert rule_problems(lambda d: d.update(records=[record, record])) == "records: a name appears twice"


def test_every_problem_is_counted_and_the_first_five_are_named() -> None:
    doc = document()
    for finger in doc["fingers"][:7]:
        finger["attempts"] = 0
    with pytest.raises(PacketError) as caught:
        validate_document(doc)
    params = caught.value.message.params
    assert params["count"] == 7
    assert params["reason"] == "; ".join(
        f"fingers[{f['position']}]: a captured finger has attempts and no exception"
        for f in doc["fingers"][:5]
    )


def test_schema_problems_are_reported_before_the_rules() -> None:
    """A document the schema refuses is not read by the rules (they assume its shape)."""
    doc = document()
    doc["operator"]["login"] = "fiel"  # a rule problem...
    del doc["fingers"][0]["attempts"]  # ...and a schema one
    with pytest.raises(PacketError) as caught:
        validate_document(doc)
    assert caught.value.message.params == {"reason": "$.fingers[0]: missing 'attempts'", "count": 1}


def test_the_fiel_operator_sample_is_valid() -> None:
    validate_document(
        sample_manifest(operator=Operator("employer", "EKU9003173C9", "fiel", FIEL)).to_document()
    )


def test_a_face_score_that_is_not_a_number_is_a_malformed_manifest() -> None:
    """Found by mutation testing: a NaN score passed the schema and then crashed canonical JSON with
    a ValueError instead of the manifest being refused."""
    manifest = sample_manifest()
    assert manifest.face is not None
    document = replace(manifest, face=replace(manifest.face, score=float("nan"))).to_document()
    with pytest.raises(PacketError) as caught:
        validate_document(document)
    assert caught.value.message.params["reason"] == "$.face.score: expected number or null, got float"
    with pytest.raises(ValueError, match="JSON"):
        canonical_json(document)


def test_times_are_utc_whatever_the_host_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A station set to Mexico City still writes UTC, and a naive time is taken as UTC, not local."""
    import time

    monkeypatch.setenv("TZ", "America/Mexico_City")
    time.tzset()
    try:
        aware = replace(
            sample_manifest(), created_at=datetime(2025, 1, 15, 10, 0, tzinfo=timezone(timedelta(hours=-6)))
        )
        naive = replace(sample_manifest(), created_at=datetime(2025, 1, 15, 16, 0))
        assert (
            aware.to_document()["created_at"]
            == naive.to_document()["created_at"]
            == "2025-01-15T16:00:00.000Z"
        )
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_captured_finger_is_not_below_threshold_unless_said() -> None:
    assert FingerEntry.captured(Finger.RIGHT_THUMB, 60, 1).accepted_below_threshold is False
    assert FingerEntry.captured(Finger.RIGHT_THUMB, 30, 3, True).accepted_below_threshold is True


def test_lists_given_to_a_manifest_are_kept_as_tuples() -> None:
    """A manifest is frozen and hashable all the way down: lists given for fingers, devices and
    records become tuples."""
    base = sample_manifest()
    lists: dict[str, Any] = {"fingers": list(base.fingers), "devices": list(base.devices), "records": []}
    manifest = replace(base, **lists)
    assert isinstance(manifest.fingers, tuple) and isinstance(manifest.devices, tuple)
    assert isinstance(manifest.records, tuple)
    assert manifest == base
