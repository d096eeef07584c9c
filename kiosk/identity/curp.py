"""CURP: RENAPO's 18-character population key, checked position by position.

Layout (RENAPO's *Instructivo Normativo para la Asignación de la CURP*):

    1   first letter of the first surname          (X when there is none; Ñ is written X)
    2   first inner vowel of the first surname      (X when there is none)
    3   first letter of the second surname         (X when there is none)
    4   first letter of the given name
    5-10  birth date YYMMDD
    11  sex: H, M, or X (non-binary: RENAPO has issued X CURPs since 2023, first reported in
        Jalisco in February 2023, so the kiosk accepts it; python-stdnum 2.2 still refuses it)
    12-13 state of birth (NE: born abroad)
    14-16 first inner consonants of the first surname, second surname and given name
    17  homonym differentiator, which also fixes the century: a digit for births up to 1999, a
        letter from 2000 (so the rule can only be checked against today: a letter with a year
        still to come is an error that points at position 17)
    18  check digit over the first 17 characters

python-stdnum checks the format, the state, the date, the check digit and the list of inconvenient
words; it says *that* something is wrong, not *what* and *where*. This module checks each position
itself, so the message can name the character, and then asks stdnum as a second opinion.
"""

from __future__ import annotations

from datetime import date

from stdnum.exceptions import ValidationError
from stdnum.mx import curp as stdnum_curp

from kiosk.errors import KioskError
from kiosk.identity.normalize import DIGITS, LETTERS, clean, fix_lookalikes, words
from kiosk.identity.result import (
    IdCheck,
    bad_char,
    bad_date,
    check_digit_error,
    corrected,
    ordinal,
)
from kiosk.messages import Message

LENGTH = 18
LAYOUT = "LLLLDDDDDDLLLLLL.D"  # position 17 holds a letter or a digit: never corrected
VOWELS = "AEIOU"
CONSONANTS = "".join(c for c in LETTERS if c not in VOWELS)
SEXES = "HMX"
STATES = words(
    """AS BC BS CC CH CL CM CS DF DG GR GT HG JC MC MN MS NE NL NT OC PL QR QT SL SP SR TC TL TS VZ YN
    ZS"""
)
# RENAPO's list of four-letter words it never issues (it puts an X in the 2nd position instead).
INCONVENIENT_WORDS = words(
    """BACA BAKA BUEI BUEY CACA CACO CAGA CAGO CAKA CAKO COGE COGI COJA COJE COJI COJO COLA CULO FALO
    FETO GETA GUEI GUEY JETA JOTO KACA KACO KAGA KAGO KAKA KAKO KOGE KOGI KOJA KOJE KOJI KOJO KOLA
    KULO LILO LOCA LOCO LOKA LOKO MAME MAMO MEAR MEAS MEON MIAR MION MOCO MOKO MULA MULO NACA NACO
    PEDA PEDO PENE PIPI PITO POPO PUTA PUTO QULO RATA ROBA ROBE ROBO RUIN SENO TETA VACA VAGA VAGO
    VAKA VUEI VUEY WUEI WUEY"""
)
_CHECK_ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ"
_ADULT_AGE = 18


def check_digit(first17: str) -> str:
    """RENAPO's check digit: weighted sum (18 down to 2) of the characters' values, mod 10."""
    total = sum(_CHECK_ALPHABET.index(c) * (LENGTH - i) for i, c in enumerate(first17[:17]))
    return str((10 - total % 10) % 10)


def _position_problems(curp: str) -> list[Message]:
    problems: list[Message] = []
    rules = [
        (1, LETTERS, "letter"),
        (2, VOWELS + "X", "vowel"),
        (3, LETTERS, "letter"),
        (4, LETTERS, "letter"),
    ]
    rules += [(p, DIGITS, "digit") for p in range(5, 11)]
    rules += [(11, SEXES, "sex"), (12, LETTERS, "letter"), (13, LETTERS, "letter")]
    rules += [(p, CONSONANTS, "consonant") for p in (14, 15, 16)]
    rules += [(17, LETTERS + DIGITS, "letter_or_digit"), (18, DIGITS, "digit")]
    for position, allowed, expected in rules:
        char = curp[position - 1]
        if char == "Ñ":
            problems.append(
                Message("identity.curp.enye", {"position": position, "ordinal": ordinal(position)})
            )
        elif char not in allowed:
            problems.append(bad_char(position, char, expected))
    return problems


def _birth_date(curp: str) -> date | None:
    """The birth date, or None when positions 5-10 are not a date; position 17 gives the century."""
    century = 1900 if curp[16] in DIGITS else 2000
    try:
        return date(century + int(curp[4:6]), int(curp[6:8]), int(curp[8:10]))
    except ValueError:
        return None


def check_curp(value: str, today: date | None = None) -> IdCheck:
    """Every problem of a CURP with its position; `today` (default: the system date) bounds the birth date."""
    cleaned = clean(value)
    if not cleaned:
        return IdCheck(value, "curp", cleaned, [Message("identity.empty")])
    if len(cleaned) != LENGTH:
        return IdCheck(value, "curp", cleaned, [Message("identity.curp.length", {"length": len(cleaned)})])
    curp, corrections = fix_lookalikes(cleaned, LAYOUT)
    warnings = [corrected(c) for c in corrections]
    errors = _position_problems(curp)
    bad_positions = {int(m.params["position"]) for m in errors}

    if not bad_positions & set(range(5, 11)) and 17 not in bad_positions:
        born = _birth_date(curp)
        if born is None:
            errors.append(bad_date(5, curp[4:10]))
        elif born > (today or date.today()):
            errors.append(Message("identity.curp.future", {"position": 17, "date": born.isoformat()}))
    if not bad_positions & {12, 13} and curp[11:13] not in STATES:
        errors.append(Message("identity.curp.state", {"position": 12, "code": curp[11:13]}))
    if curp[:4] in INCONVENIENT_WORDS:
        errors.append(Message("identity.curp.inconvenient", {"position": 2, "word": curp[:4]}))
    if all(c in _CHECK_ALPHABET for c in curp[:17]) and curp[17] in DIGITS:
        expected = check_digit(curp)
        if curp[17] != expected:
            errors.append(check_digit_error(18, expected))
    if not errors:
        errors += _stdnum_opinion(curp)
    return IdCheck(value, "curp", curp, errors, warnings)


def _stdnum_opinion(curp: str) -> list[Message]:
    """python-stdnum as a second opinion; it does not know sex X, so that position is neutralised."""
    probe = curp[:10] + ("H" if curp[10] == "X" else curp[10]) + curp[11:]
    try:
        stdnum_curp.validate(probe, validate_check_digits=False)
    except ValidationError as exc:
        return [Message("identity.rejected_by_stdnum", {"reason": type(exc).__name__})]
    return []


def curp_birth_date(curp: str) -> date:
    """The birth date a CURP encodes (the consent rules use it); a KioskError when it has none."""
    cleaned, _ = fix_lookalikes(clean(curp), LAYOUT)
    born = (
        _birth_date(cleaned) if len(cleaned) == LENGTH and all(c in DIGITS for c in cleaned[4:10]) else None
    )
    if born is None:
        raise KioskError("identity.curp.no_birth_date", value=cleaned)
    return born


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def is_minor(curp: str, today: date) -> bool:
    """Under 18 on `today` by the CURP's birth date (a minor needs a guardian's CURP and consent)."""
    return age_on(curp_birth_date(curp), today) < _ADULT_AGE
