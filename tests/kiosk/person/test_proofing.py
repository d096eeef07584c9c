"""Identity proofing: the document checked, its last four characters, the operator's attestation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.errors import KioskError
from kiosk.person.proofing import IdentityDocument, IdentityProofing

AT = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def proof(document: str = "ine", last_four: str = "1234", **options: object) -> IdentityProofing:
    options.setdefault("attested", True)
    options.setdefault("operator_id", "op-1")
    return IdentityProofing.record(document, last_four, clock=lambda: AT, **options)  # type: ignore[arg-type]


def test_recorded_for_the_manifest():
    proofing = proof("passport", " g-12 3 ")
    assert proofing.document is IdentityDocument.PASSPORT and proofing.last_four == "G123"
    assert proofing.to_manifest() == {
        "document": "passport",
        "description": None,
        "last_four": "G123",
        "attested": True,
        "attested_by": "op-1",
        "checked_at": "2025-03-01T09:00:00.000Z",
    }
    assert proofing.audit_fields() == {"document": "passport", "attested": True}  # no characters in the log


@pytest.mark.parametrize("document", ["ine", "passport", "birth_certificate"])
def test_each_document_kind(document):
    assert proof(document).document.value == document


@pytest.mark.parametrize(
    ("document", "last_four", "description", "expected"),
    [
        ("ine", "123", None, "person.bad_last_four"),
        ("ine", "12345", None, "person.bad_last_four"),
        ("ine", "12?4", None, "person.bad_last_four"),
        ("licence", "1234", None, "person.unknown_document"),
        ("other", "1234", None, "person.document_description_required"),
        ("other", "1234", "x" * 81, "person.document_description_too_long"),
    ],
)
def test_bad_records_are_refused(document, last_four, description, expected):
    with pytest.raises(KioskError) as caught:
        proof(document, last_four, description=description)
    assert caught.value.message.code == expected


def test_other_document_with_description():
    assert (
        proof("other", "AB12", description="cartilla militar").to_manifest()["description"]
        == "cartilla militar"
    )


def test_not_attested_blocks():
    proofing = proof(attested=False)
    with pytest.raises(KioskError) as caught:
        proofing.require_attested()
    assert caught.value.message.code == "person.not_attested"
    proof().require_attested()
