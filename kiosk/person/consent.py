"""Consent: what the person (or, for a minor, their guardian) said to which notice, when and how.

Fingerprints and a face are sensitive personal data: LGPDPPSO wants express consent, given after the
notice was shown, and the station must be able to prove which notice that was (id, version and the
SHA-256 of the file). The rules are pure functions of the record, the person's CURP and the date:

- a refusal is final for the session: nothing may be captured and the session ends;
- a person under 18 by the CURP's birth date needs a guardian, identified by an adult's CURP, who
  consents too; a guardian's refusal is the minor's refusal;
- consent given verbally needs a witness (another member of staff) named in the record.

`ConsentGate` holds the state for one person and is what the enrolment flow asks before every capture
and before sealing; a withdrawal after capture tells the flow to discard what was taken.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from kiosk.audit import events
from kiosk.clock import Clock, rfc3339, utcnow
from kiosk.errors import KioskError
from kiosk.identity import check_curp
from kiosk.identity.curp import age_on, curp_birth_date
from kiosk.person.notices import Notice

ADULT_AGE = 18


class ConsentMethod(StrEnum):
    TOUCH = "touch"  # "I accept" on the touch screen
    SIGNATURE_PAD = "signature_pad"
    VERBAL_WITNESSED = "verbal_witnessed"  # for people who cannot read or touch: a witness signs for it


class ConsentState(StrEnum):
    PENDING = "pending"
    CONSENTED = "consented"
    REFUSED = "refused"


def _clean_curp(value: str) -> str:
    return "".join(value.split()).upper()


@dataclass(frozen=True)
class GuardianConsent:
    curp: str
    given: bool
    relationship: str = "guardian"  # mother, father, guardian

    def __post_init__(self) -> None:
        object.__setattr__(self, "curp", _clean_curp(self.curp))


@dataclass(frozen=True)
class ConsentRecord:
    notice_id: str
    notice_version: str
    language: str
    given_at: datetime
    method: ConsentMethod
    given: bool
    notice_sha256: str = ""
    optional_purposes: tuple[str, ...] = ()  # the not-necessary purposes accepted, by id
    witness_id: str | None = None
    guardian: GuardianConsent | None = None

    @classmethod
    def for_notice(
        cls,
        notice: Notice,
        *,
        given: bool,
        method: ConsentMethod | str,
        optional_purposes: Iterable[str] = (),
        witness_id: str | None = None,
        guardian: GuardianConsent | None = None,
        clock: Clock = utcnow,
    ) -> ConsentRecord:
        """The answer to `notice`, checked against it (only its own optional purposes can be accepted)."""
        accepted = tuple(sorted(set(optional_purposes)))
        unknown = [p for p in accepted if p not in notice.optional_purposes]
        if unknown:
            raise KioskError("person.unknown_purpose", purposes=", ".join(unknown))
        if accepted and not given:
            raise KioskError("person.purposes_without_consent")
        try:
            how = ConsentMethod(method)
        except ValueError:
            raise KioskError("person.unknown_consent_method", method=str(method)) from None
        return cls(
            notice.id,
            notice.version,
            notice.language,
            clock(),
            how,
            given,
            notice.digest,
            accepted,
            witness_id,
            guardian,
        )

    @property
    def audit_event(self) -> str:
        return events.CONSENT if self.effective else events.CONSENT_REFUSED

    @property
    def effective(self) -> bool:
        """Given by the person and, when there is a guardian, by the guardian too."""
        return self.given and (self.guardian is None or self.guardian.given)

    def to_manifest(self) -> dict[str, Any]:
        return {
            "notice": {"id": self.notice_id, "version": self.notice_version, "sha256": self.notice_sha256},
            "language": self.language,
            "given_at": rfc3339(self.given_at),
            "method": self.method.value,
            "given": self.given,
            "optional_purposes": list(self.optional_purposes),
            "witness_id": self.witness_id,
            "guardian": None
            if self.guardian is None
            else {
                "curp": self.guardian.curp,
                "given": self.guardian.given,
                "relationship": self.guardian.relationship,
            },
        }

    def audit_fields(self) -> dict[str, Any]:
        """For the audit log (which masks the guardian's CURP)."""
        fields: dict[str, Any] = {
            "notice": self.notice_id,
            "version": self.notice_version,
            "language": self.language,
            "method": self.method.value,
            "given": self.given,
            "optional_purposes": list(self.optional_purposes),
        }
        if self.guardian is not None:
            fields |= {"guardian_curp": self.guardian.curp, "guardian_given": self.guardian.given}
        return fields


def is_minor(curp: str, today: date, adult_age: int = ADULT_AGE) -> bool:
    """Under `adult_age` on `today` by the birth date in the CURP (positions 5-10, century from 17)."""
    return age_on(curp_birth_date(curp), today) < adult_age


def decide(record: ConsentRecord, subject_curp: str, today: date, adult_age: int = ADULT_AGE) -> ConsentState:
    """CONSENTED or REFUSED for this record; `KioskError` when the record is incomplete for this person.

    An incomplete record (a minor without a guardian, a guardian who is not an adult, a verbal consent
    without a witness) is neither consent nor refusal: the operator must complete it.
    """
    if record.method is ConsentMethod.VERBAL_WITNESSED and not (record.witness_id or "").strip():
        raise KioskError("person.witness_required")
    minor = is_minor(subject_curp, today, adult_age)
    if minor and record.given:
        guardian = record.guardian
        if guardian is None:
            raise KioskError("person.guardian_required", age=adult_age)
        check = check_curp(guardian.curp, today)
        if not check.valid:
            raise KioskError("person.guardian_curp_invalid", reasons=check.errors)
        if check.normalized == _clean_curp(subject_curp):
            raise KioskError("person.guardian_is_subject")
        if is_minor(check.normalized, today, adult_age):
            raise KioskError("person.guardian_minor", age=adult_age)
    return ConsentState.CONSENTED if record.effective else ConsentState.REFUSED


class ConsentGate:
    """The consent state of one person's session: the flow asks it before capturing and sealing."""

    def __init__(self, subject_curp: str, *, today: date, adult_age: int = ADULT_AGE) -> None:
        self.subject_curp = _clean_curp(subject_curp)
        self.today = today
        self.adult_age = adult_age
        self.minor = is_minor(self.subject_curp, today, adult_age)
        self.state = ConsentState.PENDING
        self.record: ConsentRecord | None = None
        self.captured = 0
        self.withdrawn_at: datetime | None = None

    def submit(self, record: ConsentRecord) -> ConsentState:
        """Record the answer. A refusal is final; an incomplete record raises and changes nothing."""
        if self.state is not ConsentState.PENDING:
            raise KioskError("person.consent_already_recorded", state=self.state.value)
        outcome = decide(record, self.subject_curp, self.today, self.adult_age)
        self.record, self.state = record, outcome
        return outcome

    def withdraw(self, clock: Clock = utcnow) -> None:
        """The person changes their mind: the session ends and whatever was captured is discarded."""
        if self.state is ConsentState.CONSENTED:
            self.state = ConsentState.REFUSED
            self.withdrawn_at = clock()

    @property
    def allows_capture(self) -> bool:
        return self.state is ConsentState.CONSENTED

    @property
    def ends_session(self) -> bool:
        return self.state is ConsentState.REFUSED

    @property
    def must_discard(self) -> bool:
        """Refused after something was captured: the flow must wipe it before ending the session."""
        return self.state is ConsentState.REFUSED and self.captured > 0

    def require_capture(self) -> None:
        """Before each capture (fingerprint or face): refuses unless consent was given and stands."""
        if self.state is ConsentState.PENDING:
            raise KioskError("person.no_consent")
        if self.state is ConsentState.REFUSED:
            raise KioskError("person.consent_refused")

    def note_capture(self) -> None:
        """Count a capture, checking consent first (so a capture without consent cannot be counted)."""
        self.require_capture()
        self.captured += 1

    def require_seal(self) -> ConsentRecord:
        """Before sealing: the record that goes into the manifest, or refusal."""
        self.require_capture()
        assert self.record is not None
        return self.record
