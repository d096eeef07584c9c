"""Typed and scanned identifiers arrive messy; this turns them into the form the registries use.

People type CURPs with spaces, RFCs with dashes (`GODE-561231-GR8`), NSS with dots, in lower case,
and OCR or a hurried clerk swaps look-alike characters (O/0, I/1, S/5, B/8, Z/2). Separators and case
are removed silently because they never change the meaning. Look-alikes are only corrected where the
identifier's layout says which class the position holds (a digit in a date, a letter in a name part),
and each correction is reported back so the screen can show it: a silent change to an identifier
would hide a real typo.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# What a letter position probably meant when it holds a digit, and the reverse.
LETTER_FOR_DIGIT = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z"}
DIGIT_FOR_LETTER = {letter: digit for digit, letter in LETTER_FOR_DIGIT.items()}

DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Layout classes used by `fix_lookalikes`: L letter, D digit; anything else is left as typed.
LETTER = "L"
DIGIT = "D"

_DROPPED_PUNCTUATION = {".", ",", "_", "/", "'", "\u00b7"}


def clean(value: str) -> str:
    """Upper-case, strip accents (but keep Ñ, which RFCs use) and drop separators and spaces."""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", value).upper():
        category = unicodedata.category(char)
        if category.startswith("Z") or category in ("Cc", "Cf", "Pd") or char in _DROPPED_PUNCTUATION:
            continue
        if char != "Ñ":
            # Á -> A, Ü -> U: a CURP or RFC never holds an accent, so the base letter is what was meant.
            base = unicodedata.normalize("NFD", char)[0]
            char = base if base.isascii() else char
        out.append(char)
    return "".join(out)


@dataclass(frozen=True)
class Correction:
    """One look-alike character replaced: `position` counts from 1, like the messages do."""

    position: int
    given: str
    taken: str


def fix_lookalikes(value: str, layout: str) -> tuple[str, list[Correction]]:
    """Replace look-alikes where `layout` (one class per position) says which class is meant.

    Nothing is corrected when the length differs from the layout: the positions would then be
    guesses, and a guess that changes an identifier is worse than an error message.
    """
    if len(value) != len(layout):
        return value, []
    chars = list(value)
    corrections: list[Correction] = []
    for index, (char, kind) in enumerate(zip(value, layout, strict=True)):
        taken = None
        if kind == LETTER and char in LETTER_FOR_DIGIT:
            taken = LETTER_FOR_DIGIT[char]
        elif kind == DIGIT and char in DIGIT_FOR_LETTER:
            taken = DIGIT_FOR_LETTER[char]
        if taken is not None:
            chars[index] = taken
            corrections.append(Correction(index + 1, char, taken))
    return "".join(chars), corrections


def looks_like_digit(char: str) -> bool:
    return char in DIGITS or char in DIGIT_FOR_LETTER


def words(text: str) -> frozenset[str]:
    """A set of words written as one block of text (the registries publish their lists that way)."""
    return frozenset(text.split())
