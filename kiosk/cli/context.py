"""What every subcommand gets: the effective configuration, the language, and one way to print results.

Subcommands print through `Context.emit` so that `--json` and the human table come from the same data.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from kiosk.config import Config
from kiosk.messages import Message


@dataclass
class Context:
    config: Config
    debug: bool = False
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)

    @property
    def language(self) -> str:
        return self.config.language

    @property
    def data_dir(self) -> Path:
        return self.config.data_dir

    def text(self, message: Message) -> str:
        return message.render(self.language)

    def emit(self, data: Any, as_json: bool, human: Callable[[Any], str] | None = None) -> None:
        if as_json:
            json.dump(data, self.out, ensure_ascii=False, indent=2, default=_default)
            self.out.write("\n")
        else:
            self.out.write((human(data) if human else _plain(data)).rstrip("\n") + "\n")
        self.out.flush()


def _default(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Message):
        return value.to_json()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _plain(data: Any) -> str:
    if isinstance(data, dict):
        width = max((len(str(k)) for k in data), default=0)
        return "\n".join(f"{k:<{width}}  {v}" for k, v in data.items())
    return str(data)


def table(rows: list[list[str]], headers: list[str]) -> str:
    """A plain left-aligned table for terminals (no dependency, copes with accents)."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [headers, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
