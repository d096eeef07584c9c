"""`kiosk audit verify` with the station's real (hybrid) key: exit codes, JSON, where it is broken."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kiosk.audit import events
from kiosk.audit.station import open_station_log
from kiosk.backend.server import Running
from kiosk.cli.main import main
from kiosk.station.keys import KEYS_DIR, PUBLIC_FILE, StationKeys
from tests.fixtures.backend import CLERK_PASSWORD, TECH_PASSWORD, join


@pytest.fixture
def station(backend: Running, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A registered station whose log holds 9 entries; a technician signs for `audit verify`."""
    data_dir = tmp_path / "station"
    joined = join(backend, data_dir)
    joined.client.http.close()
    keys = StationKeys.load_or_create(data_dir, store="file")
    log = open_station_log(data_dir, keys, checkpoint_every=4)
    for i in range(9):
        log.append(events.LOOKUP, actor="jperez", role="clerk", fields={"i": i})
    log.close()
    monkeypatch.setenv("KIOSK_USERNAME", "tecnico")
    monkeypatch.setenv("KIOSK_PASSWORD", TECH_PASSWORD)
    return data_dir


def entries_after_the_join(out: dict[str, object]) -> int:
    return int(out["entries"])  # type: ignore[call-overload]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_intact_log_exits_zero(station, capsys):
    code, out, _ = run(capsys, "--data-dir", str(station), "--lang", "en", "audit", "verify", "--offline")
    assert code == 0
    assert out.startswith("audit log intact: 9 entries")  # read before the technician's entry is added


def test_json_report(station, capsys):
    code, out, _ = run(capsys, "--data-dir", str(station), "audit", "verify", "--json", "--offline")
    data = json.loads(out)
    assert code == 0 and data["ok"] and data["entries"] == 9 and data["signatures_checked"]
    assert data["last_checkpoint_seq"] == 9


def test_tampered_log_exits_non_zero_and_says_where(station, capsys):
    path = station / "audit" / "audit-000001.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace('"i":2', '"i":7')
    path.write_text("".join(lines), encoding="utf-8")
    code, out, _ = run(capsys, "--data-dir", str(station), "audit", "verify", "--json")
    data = json.loads(out)
    assert code == 1 and not data["ok"]
    assert data["issues"][0] | {"text": ""} == {
        "kind": "edited",
        "file": "audit-000001.jsonl",
        "line": 3,
        "seq": 3,
        "text": "",
    }
    code, out, _ = run(capsys, "--data-dir", str(station), "--lang", "en", "audit", "verify")
    assert code == 1
    assert "audit-000001.jsonl line 3 (seq 3): the entry was changed" in out


def test_public_key_file_of_another_station_fails_the_signatures(station, tmp_path, capsys):
    other = StationKeys.load_or_create(tmp_path / "other", store="file")
    assert other.public != StationKeys.load_or_create(station, store="file").public
    key_file = tmp_path / "other" / KEYS_DIR / PUBLIC_FILE
    code, out, _ = run(
        capsys, "--data-dir", str(station), "audit", "verify", "--json", "--public-key", str(key_file)
    )
    kinds = {i["kind"] for i in json.loads(out)["issues"]}
    assert code == 1 and kinds == {"bad_signature", "no_checkpoint"}


def test_public_key_file_of_the_station_verifies_a_copied_log(station, tmp_path, capsys):
    key_file = station / KEYS_DIR / PUBLIC_FILE
    code, _, _ = run(
        capsys, "--data-dir", str(tmp_path / "elsewhere"), "audit", "verify", "--dir", str(station / "audit"),
        "--public-key", str(key_file),
    )  # fmt: skip
    assert code == 0


def test_no_station_key_is_a_one_line_error(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = run(
        capsys, "--data-dir", str(tmp_path / "x"), "--lang", "en", "audit", "verify", "--dir", str(empty)
    )
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and "--public-key" in err


def test_the_station_s_own_log_needs_an_operator_allowed_to_verify(station, capsys, monkeypatch):
    monkeypatch.delenv("KIOSK_USERNAME")
    code, _, err = run(capsys, "--data-dir", str(station), "--lang", "en", "audit", "verify")
    assert code != 0 and "verify_audit" in err and "--username" in err
    monkeypatch.setenv("KIOSK_USERNAME", "ventanilla")
    monkeypatch.setenv("KIOSK_PASSWORD", CLERK_PASSWORD)
    code, _, err = run(capsys, "--data-dir", str(station), "--lang", "en", "audit", "verify")
    assert code != 0 and "clerk" in err  # a clerk reads no audit log


def test_unreadable_public_key_file(station, tmp_path, capsys):
    bad = tmp_path / "key.json"
    bad.write_text("{}")
    code, _, err = run(capsys, "--data-dir", str(station), "audit", "verify", "--public-key", str(bad))
    assert code != 0 and "key.json" in err


def test_no_signatures_checks_the_chain_only(station, capsys):
    os.remove(station / KEYS_DIR / PUBLIC_FILE)
    code, out, _ = run(
        capsys, "--data-dir", str(station), "--lang", "en", "audit", "verify", "--no-signatures"
    )
    assert code == 0 and "not checked" in out
