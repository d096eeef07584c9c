"""The answer of every identifier check, and the building blocks of its messages.

A check never stops at the first problem and never raises on bad input: the lookup screen validates
as the person types and must say everything that is wrong, each problem with its position, so the
clerk can fix the right character. Problems are `Message`s (code + parameters); the screen and the
command line render them in the operator's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from kiosk.identity.normalize import Correction
from kiosk.messages import DEFAULT_LANGUAGE, Message

Kind = Literal["curp", "nss", "rfc", "registro_patronal", "unknown"]
KINDS: tuple[Kind, ...] = ("curp", "nss", "rfc", "registro_patronal", "unknown")

# Ordinals have their own catalogue entries because English needs 1st/2nd/3rd/11th and Spanish does
# not; 18 covers the longest identifier (CURP).
_MAX_ORDINAL = 18


def ordinal(position: int) -> Message:
    if 1 <= position <= _MAX_ORDINAL:
        return Message(f"identity.ordinal.{position}")
    return Message("identity.ordinal.other", {"n": position})


def char_class(name: str) -> Message:
    """What a position must hold: letter, digit, vowel, consonant, sex, letter_or_digit, rfc_check."""
    return Message(f"identity.class.{name}")


def bad_char(position: int, char: str, expected: str) -> Message:
    return Message(
        "identity.bad_char",
        {"position": position, "ordinal": ordinal(position), "char": char, "expected": char_class(expected)},
    )


def check_digit_error(position: int, expected: str) -> Message:
    return Message(
        "identity.check_digit", {"position": position, "ordinal": ordinal(position), "expected": expected}
    )


def corrected(correction: Correction) -> Message:
    return Message(
        "identity.corrected",
        {
            "position": correction.position,
            "ordinal": ordinal(correction.position),
            "given": correction.given,
            "taken": correction.taken,
        },
    )


def bad_date(first: int, digits: str) -> Message:
    return Message(
        "identity.bad_date", {"position": first, "first": first, "last": first + 5, "digits": digits}
    )


@dataclass(frozen=True)
class IdCheck:
    """What was typed, what it is, whether it is valid, and every problem with its position."""

    input: str
    kind: Kind
    normalized: str
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.kind != "unknown" and not self.errors

    def to_json(self, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "input": self.input,
            "kind": self.kind,
            "valid": self.valid,
            "normalized": self.normalized,
            "errors": [problem_json(m, language) for m in self.errors],
            "warnings": [problem_json(m, language) for m in self.warnings],
        }


def problem_json(message: Message, language: str) -> dict[str, Any]:
    """Text for people plus the code and position for programs (the UI highlights the character)."""
    out: dict[str, Any] = {"code": message.code, "text": message.render(language)}
    if "position" in message.params:
        out["position"] = message.params["position"]
    return out


def positions(messages: list[Message]) -> list[int]:
    """The positions the messages point at (tests and the UI use this)."""
    return [int(m.params["position"]) for m in messages if "position" in m.params]
