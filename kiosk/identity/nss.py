"""NSS: IMSS's 11-digit social-security number.

Layout, as IMSS assigns it:

    1-2   subdelegation that registered the person
    3-4   year of registration (two digits)
    5-6   year of birth (two digits)
    7-10  serial number within that subdelegation and year
    11    check digit: Luhn (mod 10) over the first ten digits

What can be checked without IMSS's own tables: the length, that every character is a digit, and the
Luhn check digit (which catches every single wrong digit and most swaps of neighbours). The
subdelegation codes are not published as a list, and the two years have no century, so neither can
be judged offline: `nss_parts` returns them for display, never as a reason to refuse.
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum import luhn

from kiosk.identity.normalize import DIGIT, DIGITS, clean, fix_lookalikes
from kiosk.identity.result import IdCheck, bad_char, check_digit_error, corrected
from kiosk.messages import Message

LENGTH = 11
LAYOUT = DIGIT * LENGTH


@dataclass(frozen=True)
class NssParts:
    subdelegation: str
    registration_year: str
    birth_year: str
    serial: str
    check_digit: str


def nss_parts(nss: str) -> NssParts:
    n = clean(nss)
    if len(n) != LENGTH:
        raise ValueError("an NSS has 11 digits")
    return NssParts(n[0:2], n[2:4], n[4:6], n[6:10], n[10])


def check_digit(first10: str) -> str:
    return luhn.calc_check_digit(first10[:10])


def check_nss(value: str) -> IdCheck:
    """Every problem of an NSS with its position."""
    cleaned = clean(value)
    if not cleaned:
        return IdCheck(value, "nss", cleaned, [Message("identity.empty")])
    if len(cleaned) != LENGTH:
        code = "identity.nss.length" if all(c in DIGITS for c in cleaned) else "identity.nss.length_chars"
        return IdCheck(value, "nss", cleaned, [Message(code, {"length": len(cleaned)})])
    nss, corrections = fix_lookalikes(cleaned, LAYOUT)
    warnings = [corrected(c) for c in corrections]
    errors = [bad_char(i + 1, c, "digit") for i, c in enumerate(nss) if c not in DIGITS]
    if not errors:
        expected = check_digit(nss)
        if nss[10] != expected:
            errors.append(check_digit_error(LENGTH, expected))
    return IdCheck(value, "nss", nss, errors, warnings)
