"""Every message code the identity and FIEL code can produce exists in both languages, same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.identity.result import KINDS
from kiosk.messages import LANGUAGES, catalogue, placeholders

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [*(ROOT / "kiosk" / "identity").glob("*.py"), *(ROOT / "kiosk" / "fiel").glob("*.py")]
SOURCES = [p for p in SOURCES if p.name != "bench.py"]  # benchmark row names are not message codes
SOURCES += [ROOT / "kiosk" / "cli" / "id_cmd.py", ROOT / "kiosk" / "cli" / "fiel_cmd.py"]
LITERAL = re.compile(r"""["']((?:identity|fiel)\.[a-z_.]+[a-z_])["']""")


def _used_codes() -> set[str]:
    codes = {m for path in SOURCES for m in LITERAL.findall(path.read_text(encoding="utf-8"))}
    codes |= {f"identity.ordinal.{n}" for n in range(1, 19)} | {"identity.ordinal.other"}
    codes |= {f"identity.kind.{k}" for k in KINDS}
    codes |= {
        f"identity.class.{c}"
        for c in ("letter", "rfc_letter", "digit", "vowel", "consonant", "sex", "letter_or_digit")
    }
    codes |= {"identity.rfc.generic_national", "identity.rfc.generic_foreign"}
    return codes


@pytest.mark.parametrize("code", sorted(_used_codes()))
def test_code_is_in_the_catalogue(code: str) -> None:
    texts = catalogue().get(code)
    assert texts is not None, f"{code} is used but not in resources/messages"
    assert set(texts) == set(LANGUAGES)
    assert placeholders(texts["es_MX"]) == placeholders(texts["en"])


def test_no_unused_codes_in_our_files() -> None:
    ours = {c for c in catalogue() if c.startswith(("identity.", "fiel."))}
    assert ours - _used_codes() == set()
