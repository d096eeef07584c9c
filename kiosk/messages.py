"""Text for people: one catalogue, Spanish (es_MX) first, English second.

The core never builds sentences. It returns a `Message` (a code and its parameters); the command line
and the screens render it in the person's language. The catalogue is a set of TOML files under
`resources/messages/`, one per area, so each area owns its text and a test can check that every code
has every language.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from string import Formatter
from typing import Any

from kiosk.resources import resource_path

LANGUAGES = ("es_MX", "en")
DEFAULT_LANGUAGE = "es_MX"


@dataclass(frozen=True)
class Message:
    """A sentence for a person, not yet in any language."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        return render(self, language)

    def to_json(self, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params), "text": self.render(language)}


def msg(code: str, /, **params: Any) -> Message:
    return Message(code, params)


def normalize_language(language: str | None) -> str:
    """Accept what people and environments write (es, es-MX, es_MX.UTF-8, EN) and return a catalogue key."""
    if not language:
        return DEFAULT_LANGUAGE
    base = language.split(".")[0].replace("-", "_").lower()
    if base.startswith("en"):
        return "en"
    if base.startswith("es"):
        return "es_MX"
    raise ValueError(language)


def _flatten(table: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, Mapping[str, str]]]:
    for key, value in table.items():
        code = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping) and any(isinstance(v, Mapping) for v in value.values()):
            leaves = {k: v for k, v in value.items() if not isinstance(v, Mapping)}
            if leaves:
                yield code, leaves
            yield from _flatten({k: v for k, v in value.items() if isinstance(v, Mapping)}, code)
        elif isinstance(value, Mapping):
            yield code, value


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every code with its translations, from all files of the catalogue."""
    entries: dict[str, dict[str, str]] = {}
    for path in sorted(resource_path("messages").glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        for code, texts in _flatten(data):
            if code in entries:
                raise ValueError(f"message code {code} defined twice (again in {path.name})")
            entries[code] = {str(k): str(v) for k, v in texts.items()}
    return entries


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def render(message: Message, language: str = DEFAULT_LANGUAGE) -> str:
    texts = catalogue().get(message.code)
    if texts is None:
        # An unknown code is a programming error, but a person must still see something useful.
        return f"[{message.code}] " + ", ".join(f"{k}={v}" for k, v in message.params.items())
    text = texts.get(language) or texts[DEFAULT_LANGUAGE]
    params = {k: _localise(v, language) for k, v in message.params.items()}
    return text.format_map(_Lenient(params))


def _localise(value: Any, language: str) -> Any:
    if isinstance(value, Message):
        return render(value, language)
    if isinstance(value, list | tuple) and all(isinstance(v, Message) for v in value):
        return "; ".join(render(v, language) for v in value)
    return value


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
