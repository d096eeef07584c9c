"""Every packet and record error code has its text in both languages (they carry short codes that
the general catalogue test cannot see in the source)."""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.messages import catalogue
from kiosk.packet import CODES, PacketError
from kiosk.records import RecordError

ROOT = Path(__file__).resolve().parents[3]


def test_packet_codes_are_in_the_catalogue() -> None:
    assert sorted(c for c in CODES if f"packet.{c}" not in catalogue()) == []
    used = set()
    for path in (ROOT / "kiosk" / "packet").glob("*.py"):
        used |= set(re.findall(r'PacketError\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert used and used <= set(CODES)


def test_record_codes_are_in_the_catalogue() -> None:
    used = set()
    for path in (ROOT / "kiosk" / "records").glob("*.py"):
        used |= set(re.findall(r'RecordError\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert used and sorted(c for c in used if f"records.{c}" not in catalogue()) == []


def test_errors_render_in_both_languages() -> None:
    error = PacketError("unknown_key_id", key_id="xwing-1")
    assert "xwing-1" in error.render("es_MX") and "xwing-1" in error.render("en")
    assert "desconocida" in error.render("es_MX")
    assert RecordError("bad_version", version="303930").render("en").endswith("303930")
