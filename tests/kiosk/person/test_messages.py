"""people.toml: both languages, same placeholders, and every code the code raises is there."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from kiosk.messages import LANGUAGES, catalogue, placeholders
from kiosk.resources import resource_path

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [
    ROOT / "kiosk" / "roles.py",
    *(ROOT / "kiosk" / "operators").glob("*.py"),
    *(ROOT / "kiosk" / "person").glob("*.py"),
]
FILE = resource_path("messages", "people.toml")


def codes_in_file() -> dict[str, dict[str, str]]:
    data = tomllib.loads(FILE.read_text(encoding="utf-8"))
    found = {}
    for area, entries in data.items():
        for name, texts in entries.items():
            found[f"{area}.{name}"] = texts
    return found


@pytest.mark.parametrize(("code", "texts"), sorted(codes_in_file().items()))
def test_both_languages_with_the_same_placeholders(code, texts):
    assert set(texts) == set(LANGUAGES), code
    assert placeholders(texts["es_MX"]) == placeholders(texts["en"]), code


def test_every_code_raised_is_in_the_catalogue():
    used = set()
    for path in SOURCES:
        used |= set(re.findall(r'KioskError\(\s*"([a-z_.]+)"', path.read_text(encoding="utf-8")))
    assert used, "no codes found: the pattern is wrong"
    assert used <= set(catalogue()), used - set(catalogue())
    assert used <= set(codes_in_file())
