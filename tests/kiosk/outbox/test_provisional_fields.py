"""The provisional receipt field by field, and the two labels a verifier insists on even under a
valid signature: the format, and the fingerprint of the key that checks it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kiosk.api.envelopes import b64, canonical_json
from kiosk.outbox.provisional import FORMAT, provisional_receipt, verify_provisional
from kiosk.station.keys import StationKeys

KEYS = StationKeys.generate()
OTHER = StationKeys.generate()
SEALED_AT = datetime(2027, 1, 15, 10, 0, tzinfo=UTC)


def issue(public_keys: dict[str, str]) -> dict[str, Any]:
    return provisional_receipt(
        packet_id="0190a2b4-0000-7000-8000-000000000001",
        digest="ab" * 32,
        station_id="ST-0001",
        curp_masked="HEGT************09",
        sealed_at=SEALED_AT,
        public_keys=public_keys,
        sign=lambda d: KEYS.sign(d).to_bytes(),
    )


def test_every_field_of_the_receipt() -> None:
    receipt = issue(KEYS.public.to_json())
    assert receipt["receipt"] == {
        "format": "kiosk-provisional-receipt-v1",
        "status": "submission_pending",
        "packet_id": "0190a2b4-0000-7000-8000-000000000001",
        "digest": "ab" * 32,
        "station_id": "ST-0001",
        "curp_masked": "HEGT************09",
        "sealed_at": "2027-01-15T10:00:00.000Z",
        "station_key_fingerprint": KEYS.public.fingerprint,
    }
    assert verify_provisional(receipt, KEYS.public) == receipt["receipt"]


def test_a_valid_signature_under_another_key_s_name_is_refused() -> None:
    receipt = issue(OTHER.public.to_json())  # signed with KEYS, but naming OTHER's key
    assert verify_provisional(receipt, KEYS.public) is None


def test_a_valid_signature_over_another_format_is_refused() -> None:
    document = {**issue(KEYS.public.to_json())["receipt"], "format": FORMAT + "-draft"}
    signed = {"receipt": document, "signature": b64(KEYS.sign(canonical_json(document)).to_bytes())}
    assert verify_provisional(signed, KEYS.public) is None
