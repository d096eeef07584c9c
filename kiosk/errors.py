"""The one exception type the core raises at people: it carries a `Message`, not a sentence.

The command line prints it as one line in the person's language and exits non-zero; the screens show
it in a banner. Anything else that escapes is a bug and is reported as such.
"""

from __future__ import annotations

from typing import Any

from kiosk.messages import DEFAULT_LANGUAGE, Message


class KioskError(Exception):
    """A failure a person can understand and act on."""

    exit_code = 1

    def __init__(self, code: str | Message, /, **params: Any) -> None:
        self.message = code if isinstance(code, Message) else Message(code, params)
        super().__init__(self.message.code)

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        return self.message.render(language)

    def __str__(self) -> str:
        return self.message.render("en")


class UsageError(KioskError):
    exit_code = 2


class ConfigError(KioskError):
    exit_code = 78  # EX_CONFIG
