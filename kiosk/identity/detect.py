"""Which identifier was typed, from its shape alone, and the one `check` entry point.

The lookup field accepts a CURP, an NSS, an RFC or a registro patronal without asking which: the
shapes hardly overlap (18 characters; 11 digits; 12-13 characters starting with letters; a letter and
ten digits). A value a character too short or too long is still classified by its closest shape, so
the person reads "this NSS has 10 digits; it needs 11" rather than "unknown".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from kiosk.identity.curp import check_curp
from kiosk.identity.normalize import DIGITS, clean, looks_like_digit
from kiosk.identity.nss import check_nss
from kiosk.identity.registro_patronal import check_registro_patronal
from kiosk.identity.result import IdCheck, Kind
from kiosk.identity.rfc import check_rfc
from kiosk.messages import Message

_RFC_START = re.compile(r"^[A-ZÑ&]{3,4}[0-9]{6}")


def detect(value: str) -> Kind:
    """The kind of identifier `value` most resembles, or `unknown`."""
    s = clean(value)
    n = len(s)
    if n == 0:
        return "unknown"
    digitish = sum(looks_like_digit(c) for c in s)
    starts_with_letter = s[0] not in DIGITS
    if n == 11 and starts_with_letter and all(looks_like_digit(c) for c in s[1:]):
        return "registro_patronal"
    if 9 <= n <= 13 and s[0] in DIGITS and digitish >= n - 1:
        return "nss"
    if 16 <= n <= 20 and starts_with_letter:
        return "curp"
    if n in (12, 13) and starts_with_letter:
        return "rfc"
    if 10 <= n <= 14 and _RFC_START.match(s):
        return "rfc"
    return "unknown"


def check(value: str, kind: Kind | None = None, today: date | None = None) -> IdCheck:
    """Check `value` as `kind` (guessed from its shape when not given); never raises on bad input."""
    kind = kind or detect(value)
    if kind == "curp":
        return check_curp(value, today)
    checker: Callable[[str], IdCheck] | None = {
        "nss": check_nss,
        "rfc": check_rfc,
        "registro_patronal": check_registro_patronal,
    }.get(kind)
    if checker is not None:
        return checker(value)
    cleaned = clean(value)
    problem = (
        Message("identity.empty")
        if not cleaned
        else Message("identity.unknown_shape", {"length": len(cleaned)})
    )
    return IdCheck(value, "unknown", cleaned, [problem])
