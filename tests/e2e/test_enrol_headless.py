"""`kiosk enrol --simulated`: whole enrolments through the real pipeline, and nothing left on disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.audit.log import AuditLog
from kiosk.backend.server import Running
from kiosk.enrol.headless import Plan, run
from kiosk.enrol.runner import Credentials
from kiosk.outbox.delivery import open_outbox
from kiosk.synthetic_people import people
from tests.fixtures.backend import CLERK_PASSWORD, TECH_PASSWORD, Station
from tests.fixtures.no_images import assert_no_plaintext_images


def test_embedded_enrolments_deliver_verified_receipts(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "KIOSK_DATA_DIR": str(tmp_path / "station")}
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "enrol", "--simulated", "--embedded", "--count", "2", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 2 and all(r["receipt_verified"] and r["outcome"] == "delivered" for r in rows)
    assert len({r["packet_id"] for r in rows}) == 2 and all(r["folio"].startswith("ACU-") for r in rows)
    for row in rows:
        assert row["fingers"]["captured"] + row["fingers"]["below_threshold"] == 10
        assert row["face_passed"] or row["face_below_threshold"]
        assert {"lookup", "fingers", "face", "seal_deliver", "total"} <= set(row["timings_ms"])
    station = tmp_path / "station"  # the given data folder holds the station's state, not a temporary one
    assert (station / "outbox.db").is_file() and any((station / "audit").iterdir())
    assert_no_plaintext_images(scratch, station, tmp_path / "station-backend")


def test_an_employer_enrols_after_logging_in_with_the_sat_test_fiel(
    tmp_path: Path, shared_data: Path
) -> None:
    """The e.firma login end to end: the command signs the backend's challenge with the SAT test FIEL,
    the embedded backend trusts exactly that certificate, and the packet carries the operator's
    signature, which the backend checks before it answers with a verified receipt."""
    folder = shared_data / "sat-test-credentials" / "fake-fiel-EKU9003173C9"
    secret = tmp_path / "fiel-password"
    secret.write_text("12345678a\n", encoding="utf-8")
    station = tmp_path / "station"
    command = [sys.executable, "-m", "kiosk", "enrol", "--simulated", "--embedded", "--count", "1", "--json"]
    command += [
        "--fiel-cer",
        str(folder / "EKU9003173C9.cer"),
        "--fiel-key",
        str(folder / "EKU9003173C9.key"),
    ]
    command += ["--fiel-password-file", str(secret)]
    env = {**os.environ, "KIOSK_DATA_DIR": str(station)}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    [row] = json.loads(result.stdout)
    assert row["outcome"] == "delivered" and row["receipt_verified"]
    logins = [e for e in AuditLog(station / "audit").entries() if e.event == "login"]
    assert [(e.role, e.fields["method"]) for e in logins] == [("employer", "fiel")]
    wrong = tmp_path / "wrong-password"
    wrong.write_text("not-the-password\n", encoding="utf-8")
    command[-1] = str(wrong)
    refused = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr and refused.stderr.strip()


def plan(station: Station, count: int) -> Plan:
    return Plan(
        count,
        station.data_dir,
        clerk=Credentials("ventanilla", CLERK_PASSWORD),
        technician=Credentials("tecnico", TECH_PASSWORD),
    )


def test_a_registered_station_keeps_nothing_of_the_people_after_delivery(
    backend: Running, station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for person in people(2):
        backend.backend.add_person(person.curp, person.nss, person.name, person.birth_date.isoformat())
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    results = run(plan(station, 2))
    assert all(r.receipt_verified for r in results)
    assert backend.backend.stats()["accepted"] == 2
    store = open_outbox(station.data_dir)
    try:
        counts = store.counts()
    finally:
        store.close()
    assert counts["purged"] == 2 and counts["sealed"] == counts["sending"] == 0
    assert_no_plaintext_images(station.data_dir, scratch)


def test_without_a_backend_the_command_says_what_to_do(tmp_path: Path) -> None:
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "empty")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "--lang",
            "en",
            "enrol",
            "--simulated",
            "--registered",
            "--username",
            "x",
        ],
        capture_output=True,
        text=True,
        env={**env, "KIOSK_PASSWORD": "whatever"},
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith("kiosk: this station has no backend")


def test_the_count_has_an_upper_bound(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "--lang",
            "en",
            "enrol",
            "--simulated",
            "--embedded",
            "--count",
            str(10**12),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "s")},
        timeout=120,
        check=False,
    )
    assert result.returncode == 1 and result.stderr.strip() == "kiosk: --count must be between 1 and 1000"


def test_when_the_backend_cannot_take_it_the_person_gets_a_station_signed_provisional_receipt(
    backend: Running, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.client.http import BackendError
    from kiosk.enrol import runner
    from kiosk.outbox.delivery import deliver_with
    from kiosk.outbox.provisional import verify_provisional
    from kiosk.outbox.sender import Sender

    person = people(1)[0]
    backend.backend.add_person(person.curp, person.nss, person.name, person.birth_date.isoformat())

    def unreachable(client: object) -> object:
        def deliver(packet_id: str, blob: bytes) -> tuple[str, str]:
            raise BackendError("backend.unreachable", retryable=True, url="https://offline.invalid")

        return deliver

    monkeypatch.setattr(runner, "deliver_with", unreachable)
    (result,) = run(plan(station, 1))
    assert not result.receipt_verified and result.folio is None and result.outcome == "pending"
    assert result.provisional_receipt is not None
    content = verify_provisional(result.provisional_receipt, station.keys.public)
    assert content is not None and content["packet_id"] == result.packet_id
    assert content["status"] == "submission_pending" and content["curp_masked"] == result.person
    # The packet waited, sealed, and goes once the backend is back.
    store = open_outbox(station.data_dir)
    try:
        assert store.counts()["sealed"] == 1
        store.make_due()
        outcomes = Sender(store, deliver_with(station.client)).drain()
        assert [o.result for o in outcomes] == ["delivered"]
    finally:
        store.close()
    assert backend.backend.stats()["accepted"] == 1


def test_the_backend_dropping_after_an_enrolment_still_prints_the_result(
    backend: Running, station: Station
) -> None:
    person = people(1)[0]
    backend.backend.add_person(person.curp, person.nss, person.name, person.birth_date.isoformat())
    seen: list[object] = []

    def drop(result: object) -> None:
        seen.append(result)
        backend.stop()  # the network goes before the operator signs out

    results = run(plan(station, 1), drop)
    assert len(results) == 1 and results[0].outcome == "delivered" and seen == results
