"""What every subcommand gets: the effective configuration, the language, and one way to print results.

Subcommands print through `Context.emit` so that `--json` and the human table come from the same data.
An output that cannot take what is written (standard output closed, a pipe whose reader left) is one
clear error, and JSON is written as ASCII escapes to a stream that cannot encode Spanish.
"""

from __future__ import annotations

import codecs
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from kiosk.config import Config
from kiosk.errors import KioskError
from kiosk.messages import Message


@dataclass
class Context:
    config: Config
    debug: bool = False
    out: TextIO | None = field(default_factory=lambda: sys.stdout)
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
            text = json.dumps(data, ensure_ascii=not unicode_stream(self.out), indent=2, default=_default)
        else:
            text = (human(data) if human else plain(data)).rstrip("\n")
        write_out(self.out, text + "\n")


def write_out(stream: TextIO | None, text: str) -> None:
    """Write and flush, or `cli.output_closed`; a broken pipe is pointed at /dev/null so that Python's
    own flush at exit does not complain again."""
    try:
        if stream is None:
            raise ValueError("no standard output")
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())  # type: ignore[union-attr]
        except (OSError, ValueError, AttributeError):
            pass
        raise KioskError("cli.output_closed", reason="broken pipe") from None
    except (OSError, ValueError) as exc:
        raise KioskError("cli.output_closed", reason=str(exc)) from None


def unicode_stream(stream: TextIO | None) -> bool:
    """Whether the stream's encoding can carry any text (UTF-8/16/32)."""
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "ascii").name.startswith("utf")
    except LookupError:
        return False


def _default(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Message):
        return value.to_json()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def plain(data: Any) -> str:
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
