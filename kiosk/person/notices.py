"""Privacy notices: the texts a person sees before consenting, versioned, in both languages.

A notice is a Markdown file in `resources/notices/` with a front matter (`id`, `kind`, `version`,
`language`, `published`, the responsible body and its address, where the full notice is, the ids of
the optional purposes) and one `## Heading {#key}` per section. The keys are what LGPDPPSO asks a
notice to say (`REQUIRED_SECTIONS`); a notice missing one does not load, so a station can never show
an incomplete notice. Consent records the id, version and SHA-256 of the exact file shown.

Address and web page are front-matter fields that the text refers to as `{address}` and
`{full_notice_url}`: an institution changes them in one place, or per deployment through `overrides`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError
from kiosk.messages import LANGUAGES
from kiosk.resources import resource_path

KINDS = ("simplified", "full")
REQUIRED_SECTIONS = (
    "responsible",  # who is responsible, and where
    "purposes_necessary",
    "purposes_optional",
    "legal_basis",
    "data_collected",  # including the biometric data
    "transfers",
    "arco_rights",  # access, rectification, cancellation, opposition
    "portability",
    "full_notice",  # where the full notice is
    "changes",  # how changes are announced
)
REQUIRED_META = (
    "id",
    "kind",
    "version",
    "language",
    "published",
    "responsible",
    "address",
    "full_notice_url",
)
_HEADING = re.compile(r"^(#{2,6})\s+(.+?)\s*\{#([a-z_]+)\}\s*$")
_VERSION = re.compile(r"^\d+(\.\d+)*$")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    body: str


@dataclass(frozen=True)
class Notice:
    id: str
    kind: str
    version: str
    language: str
    published: date
    meta: dict[str, str]
    title: str
    sections: dict[str, Section]
    text: str  # Markdown ready to show: placeholders filled, section anchors removed
    digest: str  # SHA-256 of the file as shipped
    source: str = ""
    optional_purposes: tuple[str, ...] = ()

    @property
    def version_key(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.version.split("."))

    def ref(self) -> dict[str, Any]:
        """What a consent record keeps to prove which notice was shown."""
        return {"id": self.id, "version": self.version, "language": self.language, "sha256": self.digest}


def _front_matter(text: str, where: str) -> tuple[dict[str, str], str]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise KioskError("notices.bad_notice", file=where, reason="no front matter")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise KioskError("notices.bad_notice", file=where, reason="front matter not closed") from None
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise KioskError("notices.bad_notice", file=where, reason=f"not 'key: value': {line.strip()}")
        meta[key.strip()] = value.strip()
    return meta, "\n".join(lines[end + 1 :])


def parse_notice(data: bytes, source: str = "<notice>", overrides: Mapping[str, str] | None = None) -> Notice:
    """One notice from its file's bytes; `KioskError("notices.bad_notice")` says what is wrong."""
    meta, body = _front_matter(data.decode("utf-8"), source)
    meta.update(overrides or {})
    missing = [k for k in REQUIRED_META if not meta.get(k)]
    if missing:
        raise KioskError("notices.bad_notice", file=source, reason="front matter lacks " + ", ".join(missing))
    if meta["kind"] not in KINDS or meta["language"] not in LANGUAGES or not _VERSION.match(meta["version"]):
        raise KioskError("notices.bad_notice", file=source, reason="bad kind, language or version")
    try:
        published = date.fromisoformat(meta["published"])
    except ValueError:
        raise KioskError("notices.bad_notice", file=source, reason="bad published date") from None

    def fill(match: re.Match[str]) -> str:
        if match.group(1) not in meta:
            raise KioskError(
                "notices.bad_notice", file=source, reason=f"unknown placeholder {match.group(0)}"
            )
        return meta[match.group(1)]

    title, current = "", ""
    headings: dict[str, str] = {}
    bodies: dict[str, list[str]] = {}
    shown: list[str] = []
    for raw in body.splitlines():
        heading = _HEADING.match(raw)
        if heading:
            current = heading.group(3)
            headings[current] = _PLACEHOLDER.sub(fill, heading.group(2))
            bodies[current] = []
            shown.append(f"{heading.group(1)} {headings[current]}")
            continue
        line = _PLACEHOLDER.sub(fill, raw)
        if line.startswith("# ") and not title:
            title = line[2:].strip()
        elif current:
            bodies[current].append(line)
        shown.append(line)
    sections = {k: Section(k, headings[k], "\n".join(bodies[k]).strip()) for k in headings}
    absent = [k for k in REQUIRED_SECTIONS if not sections.get(k) or not sections[k].body]
    if absent:
        raise KioskError("notices.missing_sections", file=source, sections=", ".join(absent))
    optional = tuple(p.strip() for p in meta.get("optional_purposes", "").split(",") if p.strip())
    return Notice(
        meta["id"],
        meta["kind"],
        meta["version"],
        meta["language"],
        published,
        meta,
        title,
        sections,
        "\n".join(shown).strip() + "\n",
        hashlib.sha256(data).hexdigest(),
        source,
        optional,
    )


def notices_dir() -> Path:
    return resource_path("notices")


def load_notices(directory: Path | None = None, overrides: Mapping[str, str] | None = None) -> list[Notice]:
    """Every notice shipped (all kinds, languages and versions)."""
    folder = directory or notices_dir()
    return [parse_notice(p.read_bytes(), p.name, overrides) for p in sorted(folder.glob("*.md"))]


def current_notice(
    kind: str, language: str, directory: Path | None = None, overrides: Mapping[str, str] | None = None
) -> Notice:
    """The newest version of the `kind` notice in `language`."""
    found = [n for n in load_notices(directory, overrides) if n.kind == kind and n.language == language]
    if not found:
        raise KioskError("notices.not_found", kind=kind, language=language)
    return max(found, key=lambda n: n.version_key)


def find_notice(notice_id: str, version: str, language: str, directory: Path | None = None) -> Notice:
    """A given version of a notice (to show again what a person once accepted)."""
    for notice in load_notices(directory):
        if (notice.id, notice.version, notice.language) == (notice_id, version, language):
            return notice
    raise KioskError("notices.not_found", kind=f"{notice_id} {version}", language=language)
