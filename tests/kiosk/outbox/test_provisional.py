"""The provisional receipt a person gets while the packet waits: signed by the station, checkable."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.masking import mask_curp
from kiosk.outbox.provisional import STATUS, provisional_receipt, verify_provisional
from kiosk.station.keys import StationKeys

KEYS = StationKeys.generate()


def issue(keys: StationKeys = KEYS) -> dict:
    return provisional_receipt(
        packet_id="0190a2b4-0000-7000-8000-000000000001",
        digest="ab" * 32,
        station_id="ST-0001",
        curp_masked=mask_curp("HEGT761003MDFRNN09"),
        sealed_at=datetime(2027, 1, 15, 10, 0, tzinfo=UTC),
        public_keys=KEYS.public.to_json(),
        sign=lambda d: keys.sign(d).to_bytes(),
    )


def test_it_says_submission_pending_and_verifies_with_the_station_key() -> None:
    receipt = issue()
    document = verify_provisional(receipt, KEYS.public)
    assert document is not None and document["status"] == STATUS == "submission_pending"
    assert document["packet_id"] == "0190a2b4-0000-7000-8000-000000000001"
    assert "HEGT761003MDFRNN09" not in str(receipt) and document["curp_masked"].count("*") > 0
    assert document["station_key_fingerprint"] == KEYS.public.fingerprint


def test_a_changed_receipt_or_another_station_does_not_verify() -> None:
    receipt = issue()
    changed = {
        **receipt,
        "receipt": {**receipt["receipt"], "packet_id": "0190a2b4-0000-7000-8000-000000000002"},
    }
    assert verify_provisional(changed, KEYS.public) is None
    assert verify_provisional(receipt, StationKeys.generate().public) is None
    assert verify_provisional(issue(keys=StationKeys.generate()), KEYS.public) is None  # signed by another
    assert verify_provisional({"receipt": receipt["receipt"]}, KEYS.public) is None
    assert verify_provisional({**receipt, "signature": "###"}, KEYS.public) is None
