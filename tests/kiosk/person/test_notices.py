"""Privacy notices: both kinds in both languages, versioned, with every section LGPDPPSO asks for."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.errors import KioskError
from kiosk.messages import LANGUAGES
from kiosk.person.notices import (
    KINDS,
    REQUIRED_SECTIONS,
    current_notice,
    find_notice,
    load_notices,
    notices_dir,
    parse_notice,
)

NOTICES = load_notices()


def test_every_kind_in_every_language():
    assert {(n.kind, n.language) for n in NOTICES} == {(k, lang) for k in KINDS for lang in LANGUAGES}


@pytest.mark.parametrize("notice", NOTICES, ids=lambda n: f"{n.kind}-{n.language}")
def test_every_notice_has_every_required_section(notice):
    for key in REQUIRED_SECTIONS:
        assert key in notice.sections, key
        assert len(notice.sections[key].body) > 40, key
    assert notice.meta["responsible"] == "Instituto Mexicano del Seguro Social"
    assert "Instituto Mexicano del Seguro Social" in notice.sections["responsible"].body
    assert notice.meta["address"] in notice.sections["responsible"].body
    assert notice.meta["full_notice_url"] in notice.sections["full_notice"].body
    assert "{" not in notice.text and "{#" not in notice.text  # placeholders filled, anchors gone
    assert notice.title


@pytest.mark.parametrize("notice", NOTICES, ids=lambda n: f"{n.kind}-{n.language}")
def test_sections_say_what_the_law_asks(notice):
    """A few words each section cannot do without, in the notice's own language."""
    words = {
        "es_MX": {
            "data_collected": ["huellas", "fotografía", "CURP", "sensibles"],
            "arco_rights": ["acceso", "rectificación", "cancelación", "oponerse"],
            "portability": ["formato electrónico"],
            "legal_basis": ["LGPDPPSO", "Ley del Seguro Social"],
            "purposes_optional": ["digital_credential"],
            "changes": ["versión"],
        },
        "en": {
            "data_collected": ["fingerprints", "photograph", "CURP", "sensitive"],
            "arco_rights": ["access", "rectification", "cancellation", "oppose"],
            "portability": ["electronic format"],
            "legal_basis": ["LGPDPPSO", "Social Security Law"],
            "purposes_optional": ["digital_credential"],
            "changes": ["version"],
        },
    }[notice.language]
    for key, expected in words.items():
        for word in expected:
            assert word.lower() in notice.sections[key].body.lower(), (key, word)


def test_languages_agree_on_id_version_sections_and_purposes():
    for kind in KINDS:
        es, en = (current_notice(kind, lang) for lang in ("es_MX", "en"))
        assert (es.id, es.version, es.optional_purposes) == (en.id, en.version, en.optional_purposes)
        assert list(es.sections) == list(en.sections)
        assert es.digest != en.digest


def test_highest_version_is_current(tmp_path: Path):
    source = (notices_dir() / "simplified.en.md").read_text(encoding="utf-8")
    (tmp_path / "a.md").write_text(source, encoding="utf-8")
    (tmp_path / "b.md").write_text(source.replace("version: 1.0", "version: 1.10"), encoding="utf-8")
    (tmp_path / "c.md").write_text(source.replace("version: 1.0", "version: 1.9"), encoding="utf-8")
    assert current_notice("simplified", "en", tmp_path).version == "1.10"
    assert find_notice("imss-biometria-simplificado", "1.9", "en", tmp_path).version == "1.9"
    with pytest.raises(KioskError):
        find_notice("imss-biometria-simplificado", "2.0", "en", tmp_path)


def test_overrides_fill_the_address():
    notice = current_notice("full", "en", overrides={"address": "Calle Uno 1, Pachuca"})
    assert "Calle Uno 1, Pachuca" in notice.sections["responsible"].body


def _source() -> str:
    return (notices_dir() / "simplified.es_MX.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda s: s.replace("{#portability}", ""), "notices.missing_sections"),
        (lambda s: s.replace("{#transfers}", "{#transfer}"), "notices.missing_sections"),
        (lambda s: s.replace("version: 1.0\n", ""), "notices.bad_notice"),
        (lambda s: s.replace("version: 1.0", "version: one"), "notices.bad_notice"),
        (lambda s: s.replace("language: es_MX", "language: fr"), "notices.bad_notice"),
        (lambda s: s.replace("{address}", "{domicilio}"), "notices.bad_notice"),
        (lambda s: s.replace("---\n", "", 1), "notices.bad_notice"),
    ],
)
def test_incomplete_notices_do_not_load(mutate, expected):
    with pytest.raises(KioskError) as caught:
        parse_notice(mutate(_source()).encode(), "test.md")
    assert caught.value.message.code == expected


def test_missing_notice():
    with pytest.raises(KioskError) as caught:
        current_notice("simplified", "fr")
    assert caught.value.message.code == "notices.not_found"
