"""`kiosk station register|status` against a real reference backend on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from kiosk.backend.server import Running, start_in_thread
from kiosk.cli.main import main
from kiosk.station.keys import load_public
from kiosk.station.link import read_enrolment_file
from tests.kiosk.backend.support import new_token


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    server = start_in_thread(tmp_path_factory.mktemp("backend"))
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _no_keyring() -> Iterator[None]:
    """The station keys go to a 0600 file, never into the keyring of whoever runs the tests."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", "--data-dir", str(data_dir), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_register_then_status(running: Running, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "station"
    code, out, err = run(
        capsys, data_dir, "station", "register", "--enrolment-file", str(running.enrolment_file),
        "--name", "Ventanilla CLI", "--json",
    )  # fmt: skip
    assert code == 0, err
    registered = json.loads(out)
    assert registered["url"] == running.url and registered["key_storage"] == "file"
    assert registered["policy_version"] == running.backend.policy()["version"]
    row = running.backend.store.one("SELECT * FROM stations WHERE station_id = ?", registered["station_id"])
    assert row is not None and row["name"] == "Ventanilla CLI"

    code, out, err = run(capsys, data_dir, "station", "status", "--json")
    assert code == 0, err
    status = json.loads(out)
    assert status["station_id"] == registered["station_id"] and status["name"] == "Ventanilla CLI"
    assert status["policy_version"] == registered["policy_version"]
    public = load_public(data_dir)
    assert public is not None and status["key_fingerprint"] == public.fingerprint
    assert row["ed25519"] == public.to_json()["ed25519"]  # the backend holds this station's key

    code, out, _ = run(capsys, data_dir, "station", "status")  # the human form names the same things
    assert code == 0 and registered["station_id"] in out and "Ventanilla CLI" in out
    new_token(running)


def test_status_of_an_unregistered_station_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, tmp_path / "fresh", "station", "status", "--json")
    assert code != 0 and out == ""
    assert err.startswith("kiosk: ") and "not registered" in err and err.count("\n") == 1


def test_a_used_token_fails_in_one_line(
    running: Running, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    used = tmp_path / "used.json"
    used.write_text(running.enrolment_file.read_text())
    assert run(capsys, tmp_path / "a", "station", "register", "--enrolment-file", str(used))[0] == 0
    code, _, err = run(capsys, tmp_path / "b", "station", "register", "--enrolment-file", str(used))
    assert code != 0 and err.count("\n") == 1 and "Traceback" not in err
    assert "already used" in err
    new_token(running)


def test_a_plain_http_enrolment_file_is_refused(
    running: Running, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = read_enrolment_file(running.enrolment_file)
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({**document, "url": document["url"].replace("https", "http", 1)}))
    code, _, err = run(capsys, tmp_path / "c", "station", "register", "--enrolment-file", str(plain))
    assert code != 0 and "https://" in err
    assert read_enrolment_file(running.enrolment_file)["token"] == document["token"]
