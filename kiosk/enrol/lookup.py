"""Finding the person: the identifier checked locally first, then the backend's record.

A mistyped CURP never leaves the station: its check digit and every position are checked as it is
typed, and the clerk reads which character is wrong. What the backend answers decides the way on: no
biometric record (the flag the clerk looks for: enrol), already enrolled (enrol again only with a reason
the policy accepts, or stop), not found (the referral to the subdelegation, nothing captured), and no
backend at all (what the policy allows offline, said plainly).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kiosk.api import models
from kiosk.identity import IdCheck, check
from kiosk.messages import Message


class Outcome(StrEnum):
    INVALID = "invalid"  # the identifier is wrong as typed: nothing was asked
    NO_RECORD = "no_record"  # the backend knows the person and holds no biometrics: enrol
    ENROLLED = "enrolled"  # biometrics on record (or pending): enrol again only with a reason
    NOT_FOUND = "not_found"  # unknown to the backend: referral, nothing captured
    OFFLINE = "offline"  # the backend cannot be reached; the policy says whether to go on
    REFUSED = "refused"  # the backend answered an error that is not about the person (session, role)


ENROLLED_STATUSES = ("enrolled", "pending", "exception")
LOOKUP_KINDS = ("curp", "nss")


@dataclass(frozen=True)
class LookupResult:
    outcome: Outcome
    check: IdCheck
    message: Message
    person: models.Person | None = None

    @property
    def may_enrol(self) -> bool:
        return self.outcome in (Outcome.NO_RECORD, Outcome.OFFLINE) and self.person is not None

    def to_json(self, language: str = "es_MX") -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "message": self.message.render(language),
            "biometric_status": self.person.biometric_status if self.person else None,
            "errors": [m.render(language) for m in self.check.errors],
        }


def check_identifier(text: str) -> IdCheck:
    """The local check: a CURP or an NSS (an RFC or registro patronal is not a person's key here)."""
    result = check(text)
    if result.kind in LOOKUP_KINDS or result.kind == "unknown":
        return result
    wrong = Message("enrol.lookup_wrong_kind", {"kind": Message(f"identity.kind.{result.kind}")})
    return IdCheck(result.input, result.kind, result.normalized, [wrong, *result.errors], result.warnings)


def classify(found: models.Person, checked: IdCheck) -> LookupResult:
    if found.biometric_status in ENROLLED_STATUSES:
        return LookupResult(
            Outcome.ENROLLED,
            checked,
            Message("enrol.lookup_enrolled", {"status": Message(f"enrol.status.{found.biometric_status}")}),
            found,
        )
    return LookupResult(Outcome.NO_RECORD, checked, Message("enrol.lookup_no_record"), found)


def offline_person(checked: IdCheck) -> models.Person:
    """What an offline station knows of the person: the identifier it checked, nothing more."""
    curp = checked.normalized if checked.kind == "curp" else ""
    return models.Person(
        curp=curp,
        nss=checked.normalized if checked.kind == "nss" else None,
        name="",
        birth_date=None,
        biometric_status="none",
    )
