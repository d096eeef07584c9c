"""Hypothesis strategies for valid Mexican identifiers, built from their published rules."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st
from stdnum import luhn
from stdnum.mx import rfc as stdnum_rfc

from kiosk.identity.curp import CONSONANTS, INCONVENIENT_WORDS, STATES
from kiosk.identity.curp import check_digit as curp_check_digit
from kiosk.identity.rfc import INCONVENIENT_WORDS as RFC_WORDS

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
letter = st.sampled_from(LETTERS)
digit = st.sampled_from(DIGITS)


@st.composite
def curps(draw: st.DrawFn, sexes: str = "HMX") -> str:
    born = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2020, 12, 31)))
    head = draw(letter) + draw(st.sampled_from("AEIOUX")) + draw(letter) + draw(letter)
    if head in INCONVENIENT_WORDS:
        head = head[0] + "X" + head[2:]
    middle = born.strftime("%y%m%d") + draw(st.sampled_from(sexes)) + draw(st.sampled_from(sorted(STATES)))
    tail = "".join(draw(st.sampled_from(CONSONANTS)) for _ in range(3))
    homonym = draw(digit) if born.year < 2000 else draw(letter)
    first17 = head + middle + tail + homonym
    return first17 + curp_check_digit(first17)


@st.composite
def nss_numbers(draw: st.DrawFn) -> str:
    first10 = "".join(draw(digit) for _ in range(10))
    return first10 + luhn.calc_check_digit(first10)


@st.composite
def rfcs(draw: st.DrawFn, person: bool | None = None) -> str:
    is_person = draw(st.booleans()) if person is None else person
    letters = "".join(draw(st.sampled_from(LETTERS + "&Ñ")) for _ in range(4 if is_person else 3))
    if letters in RFC_WORDS:
        letters = letters[:3] + "X"
    when = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2024, 12, 31)))
    homoclave = draw(st.sampled_from(LETTERS + DIGITS)) + draw(st.sampled_from(LETTERS + DIGITS))
    first = letters + when.strftime("%y%m%d") + homoclave
    rfc = first + stdnum_rfc.calc_check_digit(first)
    if rfc in ("XAXX010101000", "XEXX010101000"):
        rfc = "Y" + rfc[1:-1] + stdnum_rfc.calc_check_digit("Y" + rfc[1:-1])
    return rfc
