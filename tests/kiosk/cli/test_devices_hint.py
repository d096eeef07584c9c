"""Out of the box (production mode) the simulators are refused: the commands say how to use them."""

from __future__ import annotations

import pytest

from kiosk.cli.main import main


@pytest.mark.parametrize("command", [["devices", "list"], ["diagnose"]])
def test_production_mode_says_how_to_allow_the_simulators(
    command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KIOSK_MODE", "production")
    main(["--lang", "en", *command])
    out = capsys.readouterr().out
    assert "KIOSK_MODE=demo" in out and "kiosk demo" in out


def test_demo_mode_needs_no_hint(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KIOSK_MODE", "demo")
    assert main(["--lang", "en", "devices", "list"]) == 0
    out = capsys.readouterr().out
    assert "sim-fingerprint" in out and "KIOSK_MODE=demo" not in out
