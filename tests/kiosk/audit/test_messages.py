"""audit.toml: both languages, same placeholders, a message for every finding the verifier makes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from kiosk.audit.verify import KINDS, Issue
from kiosk.messages import LANGUAGES, catalogue, placeholders
from kiosk.resources import resource_path

ROOT = Path(__file__).resolve().parents[3]
FILE = resource_path("messages", "audit.toml")


def flatten(table: dict, prefix: str = "") -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for key, value in table.items():
        code = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
            found[code] = value
        elif isinstance(value, dict):
            found |= flatten(value, code)
    return found


CODES = flatten(tomllib.loads(FILE.read_text(encoding="utf-8")))


@pytest.mark.parametrize(("code", "texts"), sorted(CODES.items()))
def test_both_languages_with_the_same_placeholders(code, texts):
    assert set(texts) == set(LANGUAGES), code
    assert placeholders(texts["es_MX"]) == placeholders(texts["en"]), code


@pytest.mark.parametrize("kind", [*KINDS, "recovered"])
def test_every_finding_has_a_message_in_both_languages(kind):
    assert f"audit.issue.{kind}" in catalogue()
    for language in LANGUAGES:
        text = Issue(kind, "audit-000001.jsonl", 3, 3).message().render(language)
        assert not text.startswith("[")


def test_every_code_raised_is_in_the_catalogue():
    used = set()
    for path in [*(ROOT / "kiosk" / "audit").glob("*.py"), ROOT / "kiosk" / "cli" / "audit_cmd.py"]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'(?:KioskError|Message)\(\s*"([a-z_.]+)"', text))
    assert used and used <= set(CODES), used - set(CODES)
