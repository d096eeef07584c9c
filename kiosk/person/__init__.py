"""The person at the window: identity proofing, consent with its rules for minors, privacy notices."""

from kiosk.person.consent import (
    ADULT_AGE,
    ConsentGate,
    ConsentMethod,
    ConsentRecord,
    ConsentState,
    GuardianConsent,
    decide,
    is_minor,
)
from kiosk.person.notices import REQUIRED_SECTIONS, Notice, current_notice, find_notice, load_notices
from kiosk.person.proofing import IdentityDocument, IdentityProofing

__all__ = [
    "ADULT_AGE",
    "REQUIRED_SECTIONS",
    "ConsentGate",
    "ConsentMethod",
    "ConsentRecord",
    "ConsentState",
    "GuardianConsent",
    "IdentityDocument",
    "IdentityProofing",
    "Notice",
    "current_notice",
    "decide",
    "find_notice",
    "is_minor",
    "load_notices",
]
