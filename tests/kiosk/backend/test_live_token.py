"""A one-time station token issued by a command while the backend runs (on each store)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.backend.server import start_in_thread
from kiosk.cli.main import main
from kiosk.client.http import BackendError
from kiosk.station.keys import StationKeys
from kiosk.station.link import register


def test_a_token_issued_while_serving_lets_one_station_join_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    running = start_in_thread(tmp_path / "backend")
    try:
        out = tmp_path / "for-window-7.json"
        code = main(
            [
                "--lang",
                "en",
                "backend",
                "station-token",
                "--backend-dir",
                str(tmp_path / "backend"),
                "--out",
                str(out),
                "--json",
            ]
        )
        assert code == 0
        assert json.loads(capsys.readouterr().out)["url"] == running.url
        assert out.stat().st_mode & 0o077 == 0  # the token lets a station join: the owner's only
        document = json.loads(out.read_text())
        served = json.loads(running.enrolment_file.read_text())
        assert document["token"] != served["token"] and document["url"] == served["url"]

        keys = StationKeys.load_or_create(tmp_path / "s1", store="file")
        link, _ = register(tmp_path / "s1", out, "Ventanilla 7", keys)
        assert link.station_id.startswith("st-")
        again = StationKeys.load_or_create(tmp_path / "s2", store="file")
        with pytest.raises(BackendError) as refused:
            register(tmp_path / "s2", out, "Ventanilla 8", again)
        assert refused.value.api_code == "invalid_token"
    finally:
        running.stop()


def test_station_token_needs_a_backend_that_served(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--lang", "en", "backend", "station-token", "--backend-dir", str(tmp_path / "none")])
    assert code != 0
    assert "there is no reference backend" in capsys.readouterr().err
