"""Identity proofing: which document the operator checked, its last four characters, and the attestation.

The kiosk cannot tell a real INE from a forged one; the operator at the window can, and signs for it.
What is recorded is deliberately little: the kind of document and its last four characters are
enough to find the document again in a dispute, too little to copy it. This goes into the packet
manifest; the audit log gets only the kind and the attestation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from kiosk.clock import Clock, rfc3339, utcnow
from kiosk.errors import KioskError

_LAST_FOUR = re.compile(r"^[A-Z0-9Ñ]{4}$")
MAX_DESCRIPTION = 80


class IdentityDocument(StrEnum):
    INE = "ine"  # credencial para votar
    PASSPORT = "passport"
    BIRTH_CERTIFICATE = "birth_certificate"
    OTHER = "other"  # described in `description` (cartilla militar, cédula profesional, ...)


def parse_document(value: IdentityDocument | str) -> IdentityDocument:
    try:
        return IdentityDocument(str(value).strip().lower())
    except ValueError:
        raise KioskError("person.unknown_document", document=str(value)) from None


def normalize_last_four(value: str) -> str:
    """Upper case without spaces or dashes, as the characters are read off the document."""
    return re.sub(r"[\s\-.]", "", value).upper()


@dataclass(frozen=True)
class IdentityProofing:
    document: IdentityDocument
    last_four: str
    attested: bool
    operator_id: str
    checked_at: datetime
    description: str | None = None

    def __post_init__(self) -> None:
        document = parse_document(self.document)
        last_four = normalize_last_four(self.last_four)
        if not _LAST_FOUR.match(last_four):
            raise KioskError("person.bad_last_four", value=self.last_four)
        description = (self.description or "").strip() or None
        if document is IdentityDocument.OTHER and not description:
            raise KioskError("person.document_description_required")
        if description and len(description) > MAX_DESCRIPTION:
            raise KioskError("person.document_description_too_long", limit=MAX_DESCRIPTION)
        object.__setattr__(self, "document", document)
        object.__setattr__(self, "last_four", last_four)
        object.__setattr__(self, "description", description)

    @classmethod
    def record(
        cls,
        document: IdentityDocument | str,
        last_four: str,
        *,
        attested: bool,
        operator_id: str,
        description: str | None = None,
        clock: Clock = utcnow,
    ) -> IdentityProofing:
        return cls(parse_document(document), last_four, attested, operator_id, clock(), description)

    def require_attested(self) -> None:
        """The enrolment goes no further until the operator has attested the check."""
        if not self.attested:
            raise KioskError("person.not_attested")

    def to_manifest(self) -> dict[str, Any]:
        return {
            "document": self.document.value,
            "description": self.description,
            "last_four": self.last_four,
            "attested": self.attested,
            "attested_by": self.operator_id,
            "checked_at": rfc3339(self.checked_at),
        }

    def audit_fields(self) -> dict[str, Any]:
        return {"document": self.document.value, "attested": self.attested}
