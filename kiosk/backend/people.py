"""The people the reference backend can find: checked before they are stored.

`kiosk backend add-person` used to take `NOTACURP`, an NSS of `123`, an empty name and a birth date of
`2099-13-45`, and to overwrite a person silently. A CURP and an NSS must pass the station's own checks
(`kiosk.identity`: format, dates, check digits), the birth date must be a real date and agree with the
one the CURP encodes, and the name must say something.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.errors import KioskError
from kiosk.identity import check_curp, check_nss, curp_birth_date
from kiosk.messages import Message

MAX_NAME = 200


@dataclass(frozen=True)
class PersonRecord:
    curp: str
    nss: str | None
    name: str
    birth_date: str  # ISO, from the CURP when not given


def _problems(messages: list[Message]) -> list[Message]:
    return messages[:3]


def validated(curp: str, nss: str | None, name: str, birth_date: str | None) -> PersonRecord:
    """The person in normal form, or `KioskError` naming the first thing wrong."""
    checked = check_curp(curp)
    if not checked.valid:
        raise KioskError("backend.person.bad_curp", value=curp, problems=_problems(checked.errors))
    normal_nss = None
    if nss is not None and nss.strip():
        checked_nss = check_nss(nss)
        if not checked_nss.valid:
            raise KioskError("backend.person.bad_nss", value=nss, problems=_problems(checked_nss.errors))
        normal_nss = checked_nss.normalized
    clean_name = " ".join(name.split())
    if not clean_name or len(clean_name) > MAX_NAME or not any(c.isalpha() for c in clean_name):
        raise KioskError("backend.person.bad_name", limit=MAX_NAME)
    encoded = curp_birth_date(checked.normalized)
    if birth_date is not None and birth_date.strip():
        try:
            given = dt.date.fromisoformat(birth_date.strip())
        except ValueError:
            raise KioskError("backend.person.bad_birth_date", value=birth_date) from None
        if given != encoded:
            raise KioskError(
                "backend.person.birth_date_mismatch", value=given.isoformat(), curp_date=encoded.isoformat()
            )
    return PersonRecord(checked.normalized, normal_nss, clean_name, encoded.isoformat())
