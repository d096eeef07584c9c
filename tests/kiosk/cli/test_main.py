import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import __version__
from kiosk.cli import main as cli


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, check=False)


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"kiosk {__version__}"


def test_help_lists_the_registered_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("config", "bench", "demo", "run"):
        assert command in result.stdout


def test_config_show_json_reports_values_and_sources(station_dir: Path) -> None:
    result = run("config", "show", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["settings"]["data_dir"] == {"value": str(station_dir), "source": "env:KIOSK_DATA_DIR"}
    assert data["settings"]["language"]["source"] == "default"


def test_command_line_data_dir_wins(tmp_path: Path) -> None:
    result = run("--data-dir", str(tmp_path / "d"), "config", "show", "--json")
    assert json.loads(result.stdout)["settings"]["data_dir"]["source"] == "command line"
    assert (tmp_path / "d" / "logs" / "kiosk.log").exists()


def test_errors_are_one_line_without_traceback_in_the_chosen_language(tmp_path: Path) -> None:
    bad = tmp_path / "k.toml"
    bad.write_text("nonsense = 1\n", encoding="utf-8")
    result = run("--config", str(bad), "--lang", "en", "config", "show")
    assert result.returncode == 78
    assert result.stderr.strip() == f"kiosk: unknown key 'nonsense' in {bad}"
    spanish = run("--config", str(bad), "config", "show")
    assert spanish.stderr.strip() == f"kiosk: clave desconocida «nonsense» en {bad}"


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = run("--debug", "--config", str(tmp_path / "absent.toml"), "config", "show")
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_no_command_prints_help_and_fails() -> None:
    result = run()
    assert result.returncode == 2 and "usage" in result.stdout.lower()


def test_a_broken_command_plugin_is_reported_not_fatal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Broken:
        name = "zzbroken"

        def load(self) -> object:
            raise ImportError("vendor SDK missing")

    real = cli.metadata.entry_points

    def fake_entry_points(group: str) -> list[object]:
        return [*real(group=group), Broken()]

    monkeypatch.setattr(cli.metadata, "entry_points", fake_entry_points)
    assert cli.main(["--lang", "en", "config", "show"]) == 0  # the rest still works
    capsys.readouterr()
    assert cli.main(["--lang", "en", "zzbroken"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == "kiosk: the command 'zzbroken' is unavailable: ImportError: vendor SDK missing"


def test_unexpected_errors_become_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.cli import config_cmd

    def explode(ctx: object, args: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(config_cmd, "show_config", explode)
    assert cli.main(["--lang", "en", "config", "show"]) == 70
    assert (
        capsys.readouterr().err.strip()
        == "kiosk: internal error: RuntimeError: boom (run with --debug for details)"
    )


def test_bench_json(station_dir: Path) -> None:
    result = run("bench", "--only", "foundation", "--quick", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    assert {"name", "unit", "median", "p90", "runs"} <= set(rows[0])
