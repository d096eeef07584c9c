"""`make demo` (`kiosk demo`): one clear line, and the demo's folder is kept and named so that the
README's `outbox status` and `audit verify` have something to look at."""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from kiosk.errors import KioskError
from ui.launch import _demo_line, _where, demo_folder


class _Config:
    def __init__(self, source: str) -> None:
        self._source = source

    def source(self, key: str) -> str:
        assert key == "data_dir"
        return self._source


def test_a_scratch_demo_folder_is_new_and_outlives_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ctx = SimpleNamespace(config=_Config("default"), data_dir=tmp_path / "ignored")
    first, second = demo_folder(ctx), demo_folder(ctx)
    assert first != second  # each demo its own folder, never a previous demo's
    assert first.parent.is_dir() and first.parent.parent == tmp_path  # made and not removed


def test_a_given_data_dir_is_the_demo_s_folder(tmp_path: Path) -> None:
    ctx = SimpleNamespace(config=_Config("option"), data_dir=tmp_path / "station")
    assert demo_folder(ctx) == tmp_path / "station"


def test_the_autopilot_says_it_in_one_line_with_the_receipt_and_the_folders() -> None:
    summary = {
        "receipt_verified": True,
        "folio": "ACU-2026-000001",
        "screenshots": "/tmp/kiosk-demo-x/screenshots",
        "data_dir": "/tmp/kiosk-demo-x/station",
    }
    for language in ("es_MX", "en"):
        line = _demo_line(summary).render(language)
        assert "\n" not in line
        assert "ACU-2026-000001" in line and "/tmp/kiosk-demo-x/station" in line
        assert "/tmp/kiosk-demo-x/screenshots" in line


def test_a_demo_that_did_not_finish_says_where_it_stopped() -> None:
    with pytest.raises(KioskError) as raised:
        _demo_line({"receipt_verified": False, "failed_at": "face"})
    assert "face" in raised.value.message.render("en")


def test_the_window_demo_names_its_folder_and_the_commands_to_look_at_it(tmp_path: Path) -> None:
    line = _where(tmp_path / "station").render("en")
    assert "\n" not in line and str(tmp_path / "station") in line
    assert "outbox status" in line and "audit verify" in line
