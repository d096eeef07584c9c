"""RFC: SAT's taxpayer key, 13 characters for a person, 12 for a company.

Layout: 4 letters from a person's name (3 from a company's), the date of birth or incorporation
YYMMDD, then the 3-character *homoclave*: two characters SAT derives from the full name and a check
digit (0-9 or A, mod 11 over the first 11/12 characters). Letters include Ñ and &.

The check digit is only a warning: SAT has issued RFCs that break its own rule (python-stdnum puts it
at about 1.5% of real RFCs, and SAT's own test RFC AAA010101AAA is one), and refusing a real
employer's RFC at the window is worse than asking the clerk to confirm it. The two generic RFCs
(XAXX010101000 for the general public, XEXX010101000 for foreigners) are valid but identify nobody,
which the warning says.
"""

from __future__ import annotations

from datetime import date

from stdnum.exceptions import ValidationError
from stdnum.mx import rfc as stdnum_rfc

from kiosk.identity.normalize import DIGITS, LETTERS, clean, fix_lookalikes, words
from kiosk.identity.result import IdCheck, bad_char, bad_date, corrected, ordinal
from kiosk.messages import Message

PERSON_LENGTH = 13
COMPANY_LENGTH = 12
RFC_LETTERS = LETTERS + "&Ñ"
GENERIC = {"XAXX010101000": "national", "XEXX010101000": "foreign"}
# SAT's list of four-letter words it never issues to a person (it changes the 4th letter to X).
INCONVENIENT_WORDS = words(
    """BUEI BUEY CACA CACO CAGA CAGO CAKA CAKO COGE COJA COJE COJI COJO CULO FETO GUEY JOTO KACA KACO
    KAGA KAGO KAKA KOGE KOJO KULO MAME MAMO MEAR MEAS MEON MION MOCO MULA PEDA PEDO PENE PUTA PUTO
    QULO RATA RUIN"""
)


def check_digit(first: str) -> str:
    """SAT's check digit over the first 11 (company) or 12 (person) characters."""
    return stdnum_rfc.calc_check_digit(first)


def rfc_kind(rfc: str) -> str:
    """`person` (13 characters) or `company` (12)."""
    return "person" if len(clean(rfc)) == PERSON_LENGTH else "company"


def _valid_yymmdd(digits: str) -> bool:
    for century in (1900, 2000):  # the century is not in the RFC; 29 February decides between them
        try:
            date(century + int(digits[0:2]), int(digits[2:4]), int(digits[4:6]))
            return True
        except ValueError:
            continue
    return False


def check_rfc(value: str) -> IdCheck:
    """Every problem of an RFC with its position; a wrong check digit is a warning."""
    cleaned = clean(value)
    if not cleaned:
        return IdCheck(value, "rfc", cleaned, [Message("identity.empty")])
    if len(cleaned) not in (PERSON_LENGTH, COMPANY_LENGTH):
        return IdCheck(value, "rfc", cleaned, [Message("identity.rfc.length", {"length": len(cleaned)})])
    if cleaned in GENERIC:
        return IdCheck(value, "rfc", cleaned, [], [Message(f"identity.rfc.generic_{GENERIC[cleaned]}")])
    letters = len(cleaned) - 9
    rfc, corrections = fix_lookalikes(cleaned, "L" * letters + "D" * 6 + "...")
    warnings = [corrected(c) for c in corrections]
    errors = [bad_char(i + 1, c, "rfc_letter") for i, c in enumerate(rfc[:letters]) if c not in RFC_LETTERS]
    date_part = rfc[letters : letters + 6]
    errors += [bad_char(letters + i + 1, c, "digit") for i, c in enumerate(date_part) if c not in DIGITS]
    errors += [
        bad_char(letters + 7 + i, c, "letter_or_digit")
        for i, c in enumerate(rfc[-3:])
        if c not in LETTERS + DIGITS
    ]
    if all(c in DIGITS for c in date_part) and not _valid_yymmdd(date_part):
        errors.append(bad_date(letters + 1, date_part))
    if letters == 4 and rfc[:4] in INCONVENIENT_WORDS:
        errors.append(Message("identity.rfc.inconvenient", {"position": 4, "word": rfc[:4]}))
    if not errors:
        expected = check_digit(rfc[:-1])
        if rfc[-1] != expected:
            position = len(rfc)
            params = {"position": position, "ordinal": ordinal(position), "expected": expected}
            warnings.append(Message("identity.rfc.check_digit", params))
        errors += _stdnum_opinion(rfc)
    return IdCheck(value, "rfc", rfc, errors, warnings)


def _stdnum_opinion(rfc: str) -> list[Message]:
    try:
        stdnum_rfc.validate(rfc, validate_check_digits=False)
    except ValidationError as exc:
        return [Message("identity.rejected_by_stdnum", {"reason": type(exc).__name__})]
    return []
