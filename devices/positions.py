"""Finger positions: one naming for the whole project, with the ISO/IEC 19794-4 codes (1–10).

People and command lines use the names (`right-thumb` …); records use the codes.
"""

from __future__ import annotations

from enum import IntEnum


class Finger(IntEnum):
    RIGHT_THUMB = 1
    RIGHT_INDEX = 2
    RIGHT_MIDDLE = 3
    RIGHT_RING = 4
    RIGHT_LITTLE = 5
    LEFT_THUMB = 6
    LEFT_INDEX = 7
    LEFT_MIDDLE = 8
    LEFT_RING = 9
    LEFT_LITTLE = 10

    @property
    def slug(self) -> str:
        """`right-thumb`, the name used on the command line, in manifests and in message codes."""
        return self.name.lower().replace("_", "-")

    @property
    def hand(self) -> str:
        return "right" if self.value <= 5 else "left"

    @classmethod
    def parse(cls, text: str | int) -> Finger:
        """Accept `right-thumb`, `RIGHT_THUMB`, `right thumb` or the ISO code (1–10, as int or text)."""
        if isinstance(text, int) or str(text).strip().isdigit():
            return cls(int(text))
        key = str(text).strip().upper().replace("-", "_").replace(" ", "_")
        try:
            return cls[key]
        except KeyError:
            raise ValueError(f"unknown finger position {text!r}; use e.g. right-thumb or 1..10") from None


ALL_FINGERS: tuple[Finger, ...] = tuple(Finger)
