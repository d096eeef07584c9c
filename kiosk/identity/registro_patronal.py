"""Registro patronal: the number IMSS gives an employer, a letter and ten digits (`^[A-Z][0-9]{10}$`).

IMSS publishes no check-digit rule for it, so only the shape can be checked here; whether the number
exists is the backend's question.
"""

from __future__ import annotations

from kiosk.identity.normalize import DIGITS, LETTERS, clean, fix_lookalikes
from kiosk.identity.result import IdCheck, bad_char, corrected
from kiosk.messages import Message

LENGTH = 11
LAYOUT = "L" + "D" * 10


def check_registro_patronal(value: str) -> IdCheck:
    """Every problem of a registro patronal with its position."""
    cleaned = clean(value)
    if not cleaned:
        return IdCheck(value, "registro_patronal", cleaned, [Message("identity.empty")])
    if len(cleaned) != LENGTH:
        problem = Message("identity.registro_patronal.length", {"length": len(cleaned)})
        return IdCheck(value, "registro_patronal", cleaned, [problem])
    number, corrections = fix_lookalikes(cleaned, LAYOUT)
    errors = [] if number[0] in LETTERS else [bad_char(1, number[0], "letter")]
    errors += [bad_char(i + 2, c, "digit") for i, c in enumerate(number[1:]) if c not in DIGITS]
    return IdCheck(value, "registro_patronal", number, errors, [corrected(c) for c in corrections])
