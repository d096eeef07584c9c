"""`kiosk backend serve|add-user|add-person|revoke-station|rotate-keys|stats` on a backend directory."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.api import models
from kiosk.backend import operators
from kiosk.backend.errors import ApiError
from kiosk.backend.server import start_in_thread
from kiosk.backend.service import Backend
from kiosk.cli.main import main
from kiosk.packet.ids import new_packet_id
from kiosk.station.keys import StationKeys
from kiosk.station.link import register
from tests.kiosk.backend.support import add_users, join, sealed

ROOT = Path(__file__).resolve().parents[3]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_add_user_reads_the_password_file_and_the_account_logs_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "password.txt"
    secret.write_text("ventanilla-2026\n")
    code, out, err = run(
        capsys, "backend", "add-user", "--backend-dir", str(tmp_path / "b"), "--username", "ana",
        "--name", "Ana Pérez", "--role", "clerk", "--password-file", str(secret), "--json",
    )  # fmt: skip
    assert code == 0, err
    added = json.loads(out)
    assert added["username"] == "ana" and added["role"] == "clerk" and added["operator_id"].startswith("op-")
    backend = Backend(tmp_path / "b")
    try:
        session = operators.password_login(
            backend, "st-x", models.PasswordLogin(username="ana", password="ventanilla-2026")
        )
        assert session.operator.operator_id == added["operator_id"] and session.operator.name == "Ana Pérez"
        (row,) = backend.store.all("SELECT password_hash FROM users WHERE username = 'ana'")
        stored = row["password_hash"]
        assert stored.startswith("scrypt$") and "ventanilla" not in stored
    finally:
        backend.close()


def test_add_user_refuses_weak_passwords_duplicates_and_employers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = str(tmp_path / "b")
    weak = tmp_path / "weak.txt"
    weak.write_text("short")
    base = ["backend", "add-user", "--backend-dir", directory, "--username", "ana", "--name", "Ana"]
    code, _, err = run(capsys, *base, "--role", "clerk", "--password-file", str(weak))
    assert code != 0 and "password" in err and err.count("\n") == 1
    monkeypatch.setattr(sys, "stdin", io.StringIO("tecnico-2026\n"))  # no file: read from a pipe
    assert run(capsys, *base, "--role", "technician")[0] == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("tecnico-2027\n"))
    code, _, err = run(capsys, *base, "--role", "clerk")
    assert code != 0 and "'ana' already exists" in err
    with pytest.raises(SystemExit):  # employers log in with their e.firma, never with a password
        main([*base, "--role", "employer", "--password-file", str(weak)])


def test_add_person_revoke_station_and_rotate_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = str(tmp_path / "b")
    code, _, err = run(
        capsys, "backend", "add-person", "--backend-dir", directory, "--curp", "xexx010101hnexxxa4",
        "--nss", "12345678903", "--name", "Persona Sintética", "--birth-date", "2001-01-01",
    )  # fmt: skip
    assert code == 0, err
    before = Backend(tmp_path / "b")
    old_hpke, old_signing = before.keys.hpke_current_id, before.keys.signing_key_id
    before.close()
    code, out, _ = run(
        capsys, "backend", "rotate-keys", "--backend-dir", directory, "--kind", "hpke", "--json"
    )
    new_hpke = json.loads(out)["key_id"]
    code, out, _ = run(
        capsys, "backend", "rotate-keys", "--backend-dir", directory, "--kind", "signing", "--json"
    )
    new_signing = json.loads(out)["key_id"]
    code, _, err = run(
        capsys, "backend", "revoke-station", "--backend-dir", directory, "--station-id", "st-none"
    )
    assert code != 0 and "not registered" in err
    backend = Backend(tmp_path / "b")
    try:
        assert backend.lookup_person("12345678903").curp == "XEXX010101HNEXXXA4"
        assert backend.keys.hpke_current_id == new_hpke != old_hpke
        assert set(backend.keys.hpke_private()) == {old_hpke, new_hpke}  # the old key still opens packets
        assert backend.keys.signing_key_id == new_signing != old_signing
        assert set(backend.keys.signing_public_b64()) == {old_signing, new_signing}
    finally:
        backend.close()


def test_stats_counts_what_the_backend_received(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    running = start_in_thread(tmp_path / "b")
    add_users(running)
    try:
        station = join(running, tmp_path / "station")
        packet = sealed(station)
        station.client.submit(packet.packet_id, packet.blob)
        station.client.submit(packet.packet_id, packet.blob)
        for _ in range(2):
            with pytest.raises(Exception, match="packet id"):
                station.client.submit(new_packet_id(), packet.blob)
        station.client.http.close()
        running.backend.revoke_station(station.station_id)
    finally:
        running.stop()
    code, out, err = run(capsys, "backend", "stats", "--backend-dir", str(tmp_path / "b"), "--json")
    assert code == 0, err
    stats = json.loads(out)
    assert {
        k: stats[k] for k in ("received", "accepted", "rejected", "rejected_by_reason", "duplicates")
    } == {
        "received": 4,
        "accepted": 1,
        "rejected": 2,
        "rejected_by_reason": {"packet_id_mismatch": 2},
        "duplicates": 1,
    }
    code, out, _ = run(capsys, "backend", "stats", "--backend-dir", str(tmp_path / "b"))
    assert code == 0 and "accepted" in out and "packet_id_mismatch" in out


def test_serve_runs_over_https_writes_the_enrolment_file_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    directory = tmp_path / "served"
    server = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "backend", "serve", "--backend-dir", str(directory), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert server.stdout is not None and server.stderr is not None
        first = server.stdout.readline()
        assert first.startswith("kiosk backend listening on https://127.0.0.1:"), first + server.stderr.read()
        assert server.stdout.readline().strip().endswith("station-enrolment.json")
        enrolment = json.loads((directory / "station-enrolment.json").read_text())
        assert enrolment["url"] == first.split()[-1]
        keys = StationKeys.load_or_create(tmp_path / "station", store="file")
        link, config = register(tmp_path / "station", directory / "station-enrolment.json", "x", keys)
        assert link.url == enrolment["url"] and config.station_id == link.station_id
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        assert server.returncode in (0, 130), server.stderr.read()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    backend = Backend(directory)
    try:
        assert backend.stats()["stations"] == 1
        with pytest.raises(ApiError):  # the token in the file was used by that registration
            backend.register_station(
                models.StationRegistration(
                    token=enrolment["token"],
                    name="again",
                    public_keys=models.StationPublicKeys(
                        **{k: keys.public.to_json()[k] for k in ("ed25519", "mldsa65")}
                    ),
                    software_version="t",
                )
            )
    finally:
        backend.close()


def test_add_person_synthetic_adds_the_people_the_simulated_enrolment_looks_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.synthetic_people import people

    directory = str(tmp_path / "backend")
    for _ in range(2):  # the same people again: identical rows, no refusal
        assert run(capsys, "backend", "add-person", "--backend-dir", directory, "--synthetic", "3")[0] == 0
    backend = Backend(Path(directory))
    try:
        for person in people(3):
            found = backend.lookup_person(person.nss)
            assert (found.curp, found.name) == (person.curp, person.name)
        assert backend.store.one("SELECT COUNT(*) AS n FROM persons")["n"] == 3
    finally:
        backend.close()
    code, _, err = run(capsys, "backend", "add-person", "--backend-dir", directory, "--synthetic", "0")
    assert code != 0 and "1000" in err
    code, _, err = run(
        capsys, "backend", "add-person", "--backend-dir", directory, "--curp", "XEXX010101HNEXXXA4"
    )
    assert code != 0 and "name" in err
