import re
from pathlib import Path

import pytest

from kiosk import messages
from kiosk.messages import LANGUAGES, Message, catalogue, msg, normalize_language, placeholders

ROOT = Path(__file__).resolve().parents[2]


def test_every_code_has_every_language() -> None:
    """Every text in both languages; only `*.empty` (a status line with nothing to say) is blank, in both."""
    missing = [
        (code, lang)
        for code, texts in catalogue().items()
        for lang in LANGUAGES
        if (lang not in texts) or (not texts[lang] and not code.endswith(".empty"))
    ]
    assert missing == []
    blank = {code for code, texts in catalogue().items() if any(not t for t in texts.values())}
    assert all(code.endswith(".empty") and not any(catalogue()[code].values()) for code in blank)


def test_translations_use_the_same_placeholders() -> None:
    differing = {
        code: {lang: sorted(placeholders(texts[lang])) for lang in LANGUAGES}
        for code, texts in catalogue().items()
        if len({frozenset(placeholders(texts[lang])) for lang in LANGUAGES}) > 1
    }
    assert differing == {}


CODE_LITERAL = re.compile(
    r"""(?:\bmsg|\bMessage|Error|\bwarn|\bfail)\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']"""
)


def test_every_code_used_in_the_source_is_in_the_catalogue() -> None:
    """A code written in kiosk/, devices/ or ui/ without a catalogue entry fails here, not at a window."""
    known = set(catalogue())
    unknown = {}
    for package in ("kiosk", "devices", "ui"):
        for path in (ROOT / package).rglob("*.py"):
            for code in CODE_LITERAL.findall(path.read_text(encoding="utf-8")):
                if code not in known:
                    unknown.setdefault(code, str(path.relative_to(ROOT)))
    assert unknown == {}


def test_render_in_both_languages_with_parameters() -> None:
    m = msg("config.unknown_key", key="x.y", where="/etc/k.toml")
    assert m.render("en") == "unknown key 'x.y' in /etc/k.toml"
    assert m.render("es_MX") == "clave desconocida «x.y» en /etc/k.toml"


def test_nested_messages_are_rendered_in_the_same_language() -> None:
    inner = msg("config.missing_file", where="a")
    outer = msg("cli.internal_error", error=inner)
    assert "does not exist" in outer.render("en")
    assert "no existe" in outer.render("es_MX")


def test_unknown_code_still_renders_something_useful() -> None:
    assert Message("no.such.code", {"a": 1}).render("en") == "[no.such.code] a=1"


@pytest.mark.parametrize(
    ("given", "expected"),
    [("es", "es_MX"), ("es-MX", "es_MX"), ("es_MX.UTF-8", "es_MX"), ("EN", "en"), (None, "es_MX")],
)
def test_language_names_are_normalised(given: str | None, expected: str) -> None:
    assert normalize_language(given) == expected


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        normalize_language("fr")


def test_catalogue_rejects_a_code_defined_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "messages").mkdir()
    for name in ("a.toml", "b.toml"):
        (tmp_path / "messages" / name).write_text('[x.y]\nes_MX = "a"\nen = "b"\n', encoding="utf-8")
    monkeypatch.setattr(messages, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    messages.catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match="defined twice"):
            messages.catalogue()
    finally:
        messages.catalogue.cache_clear()
