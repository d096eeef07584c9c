"""`kiosk outbox status|flush|export|import` on a station registered with a loopback backend."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from kiosk.backend.server import Running
from kiosk.cli.main import main
from kiosk.outbox.delivery import open_outbox
from kiosk.outbox.store import STATES
from kiosk.packet.keys import BackendPublicKey
from kiosk.packet.samples import sample_manifest, sample_records
from kiosk.packet.seal import seal
from tests.fixtures.backend import CLERK_PASSWORD, TECH_PASSWORD, Station
from tests.kiosk.outbox.helpers import add_fake


@pytest.fixture(autouse=True)
def _technician(monkeypatch: pytest.MonkeyPatch) -> None:
    """Export and salvage are a technician's (or supervisor's, or employer's) work: one signs for them."""
    monkeypatch.setenv("KIOSK_USERNAME", "tecnico")
    monkeypatch.setenv("KIOSK_PASSWORD", TECH_PASSWORD)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def queue_real_packets(station: Station, count: int) -> list[str]:
    config, _ = station.client.config()
    recipient = BackendPublicKey.from_json(next(k for k in config.backend_keys if k.current).model_dump())
    records = sample_records()
    store = open_outbox(station.data_dir)
    ids = []
    for _ in range(count):
        packet = seal(sample_manifest(station_id=station.link.station_id), records, station.keys, recipient)
        store.add(packet.packet_id, packet.blob, packet.digest, test=True)
        ids.append(packet.packet_id)
    store.close()
    return ids


def test_status_json_names_every_state_and_the_oldest_pending_age(
    capsys: pytest.CaptureFixture[str], station_dir: Path
) -> None:
    code, out, _ = run(capsys, "outbox", "status", "--json")
    empty = json.loads(out)
    assert code == 0 and [empty[s] for s in STATES] == [0] * 5 and empty["oldest_pending_age_s"] is None
    store = open_outbox(station_dir)
    ids = add_fake(store, 3, created_at=time.time() - 7200)
    store.claim_due(time.time())
    store.reject(ids[0], "bad_signature")
    store.close()
    code, out, _ = run(capsys, "outbox", "status", "--json")
    status = json.loads(out)
    assert {s: status[s] for s in STATES} == {
        "sealed": 2,
        "sending": 0,
        "delivered": 0,
        "rejected": 1,
        "purged": 0,
    }
    assert status["rejected_by_reason"] == {"bad_signature": 1}
    assert 7190 <= status["oldest_pending_age_s"] <= 7300  # ids[1], created 2 h - 1 s ago


def test_status_for_people_lists_the_states(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "outbox", "status")
    assert code == 0 and all(state in out for state in STATES) and "oldest_pending_age_s" in out


def test_flush_delivers_everything_and_status_shows_it_purged(
    capsys: pytest.CaptureFixture[str], backend: Running, station: Station
) -> None:
    queue_real_packets(station, 2)
    code, out, _ = run(capsys, "outbox", "flush", "--json")
    result = json.loads(out)
    assert code == 0
    assert result == {
        "delivered": 2,
        "rejected": 0,
        "postponed": 0,
        "waiting": 0,
        "last_error": None,
        "audit_checkpoint": True,
    }
    status = json.loads(run(capsys, "outbox", "status", "--json")[1])
    assert (status["purged"], status["sealed"], status["oldest_pending_age_s"]) == (2, 0, None)
    assert backend.backend.stats()["accepted"] == 2


def test_flush_with_the_backend_unreachable_says_why_and_exits_non_zero(
    capsys: pytest.CaptureFixture[str], backend: Running, station: Station
) -> None:
    import socket

    queue_real_packets(station, 2)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    station.link.url = f"https://127.0.0.1:{port}"
    station.link.save(station.data_dir)
    code, out, _ = run(capsys, "--lang", "en", "outbox", "flush", "--json")
    result = json.loads(out)
    assert code == 1 and result["postponed"] == 1 and result["waiting"] == 2  # one try, then it waits
    assert result["last_error"] and "127.0.0.1" in result["last_error"]


def test_flush_and_export_need_a_registered_station(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for argv in (("outbox", "flush"), ("outbox", "export", str(tmp_path / "usb"))):
        code, _, err = run(capsys, "--lang", "en", *argv)
        assert code != 0 and err.startswith("kiosk: ") and len(err.strip().splitlines()) == 1


def test_export_then_import_on_another_station_moves_the_packets(
    capsys: pytest.CaptureFixture[str], backend: Running, station: Station, tmp_path: Path
) -> None:
    ids = queue_real_packets(station, 2)
    usb = tmp_path / "usb"
    code, out, _ = run(capsys, "outbox", "export", str(usb), "--json")
    assert code == 0 and json.loads(out) == {"dir": str(usb), "packets": 2}
    assert sorted(p.stem for p in usb.glob("*.kpk")) == sorted(ids)
    status = json.loads(run(capsys, "outbox", "status", "--json")[1])
    assert (status["sealed"], status["exported_waiting"]) == (2, 2)
    audit = "".join(
        p.read_text(encoding="utf-8") for p in (station.data_dir / "audit").rglob("*") if p.is_file()
    )
    assert "outbox_export" in audit

    elsewhere = tmp_path / "elsewhere"
    code, out, _ = run(capsys, "--data-dir", str(elsewhere), "outbox", "import", str(usb), "--json")
    result = json.loads(out)
    assert code == 0 and (result["imported"], result["already_here"]) == (2, 0)
    assert result["station_key_fingerprint"] == station.keys.public.fingerprint
    again = json.loads(run(capsys, "--data-dir", str(elsewhere), "outbox", "import", str(usb), "--json")[1])
    assert (again["imported"], again["already_here"]) == (0, 2)
    status = json.loads(run(capsys, "--data-dir", str(elsewhere), "outbox", "status", "--json")[1])
    assert status["sealed"] == 2


def test_import_of_a_damaged_export_fails_in_one_line(
    capsys: pytest.CaptureFixture[str], backend: Running, station: Station, tmp_path: Path
) -> None:
    queue_real_packets(station, 1)
    usb = tmp_path / "usb"
    run(capsys, "outbox", "export", str(usb))
    victim = next(usb.glob("*.kpk"))
    victim.write_bytes(victim.read_bytes()[:-1])
    code, _, err = run(
        capsys, "--lang", "en", "--data-dir", str(tmp_path / "b"), "outbox", "import", str(usb)
    )
    assert code != 0 and "damaged" in err and "nothing was imported" in err


def audit_entries(data_dir: Path, event: str) -> list[dict[str, object]]:
    from kiosk.audit import AuditLog

    return [e.fields for e in AuditLog.open(data_dir).entries() if e.event == event]


@pytest.mark.fault
def test_every_delivery_made_by_flush_is_audited_and_the_checkpoint_reaches_the_backend(
    capsys: pytest.CaptureFixture[str], backend: Running, station: Station
) -> None:
    ids = queue_real_packets(station, 5)
    code, out, _ = run(capsys, "outbox", "flush", "--json")
    assert code == 0 and json.loads(out)["delivered"] == 5
    receipts = audit_entries(station.data_dir, "receipt")
    assert sorted(str(r["packet_id"]) for r in receipts) == sorted(ids)
    assert all(str(r["folio"]).startswith("ACU-") for r in receipts)
    from kiosk.audit import AuditLog

    acknowledged = station.client.last_checkpoint()
    assert acknowledged is not None and acknowledged.seq == AuditLog.open(station.data_dir).last_seq()


def seal_entries(station: Station, ids: list[str]) -> None:
    from kiosk.audit import events
    from kiosk.audit.station import open_station_log

    audit = open_station_log(station.data_dir, station.keys)
    for packet_id in ids:
        audit.append(events.SEAL, fields={"packet_id": packet_id})
    audit.close()


@pytest.mark.fault
def test_status_of_a_deleted_outbox_says_what_is_missing_and_exits_non_zero(
    capsys: pytest.CaptureFixture[str], backend: Running, station: Station
) -> None:
    ids = queue_real_packets(station, 3)
    seal_entries(station, ids)
    for suffix in ("", "-wal", "-shm"):
        (station.data_dir / f"outbox.db{suffix}").unlink(missing_ok=True)
    code, out, _ = run(capsys, "--lang", "en", "outbox", "status", "--json")
    status = json.loads(out)
    assert code == 1 and status["sealed"] == 0 and status["health"]["state"] == "missing"
    assert sorted(m["packet_id"] for m in status["health"]["missing"]) == sorted(ids)
    code, out, _ = run(capsys, "--lang", "en", "outbox", "status")
    assert code == 1 and "is missing 3 sealed packets" in out


@pytest.mark.fault
def test_salvage_asks_the_backend_for_what_it_received_and_reports_the_rest(
    capsys: pytest.CaptureFixture[str], backend: Running, station: Station
) -> None:
    delivered = queue_real_packets(station, 2)
    assert run(capsys, "outbox", "flush")[0] == 0
    waiting = queue_real_packets(station, 1)
    seal_entries(station, delivered + waiting)
    for suffix in ("", "-wal", "-shm"):
        (station.data_dir / f"outbox.db{suffix}").unlink(missing_ok=True)
    code, out, _ = run(capsys, "--lang", "en", "outbox", "salvage", "--json")
    report = json.loads(out)
    assert code == 1 and report["lost"] == [
        {"packet_id": waiting[0], "sealed_at": report["lost"][0]["sealed_at"]}
    ]
    code, out, _ = run(capsys, "--lang", "en", "outbox", "salvage")
    assert code == 1 and "--accept-loss" in out
    assert run(capsys, "outbox", "check")[0] == 1
    code, out, _ = run(capsys, "outbox", "salvage", "--accept-loss", "--json")
    assert code == 0 and json.loads(out)["reconciled"] is True
    assert run(capsys, "outbox", "check")[0] == 0
    store = open_outbox(station.data_dir)
    try:
        rows = {p.packet_id: p for p in store.all()}
    finally:
        store.close()
    assert set(rows) == set(delivered)  # delivered ones came back from the backend with their receipts
    assert all(rows[p].state == "purged" and rows[p].folio for p in delivered)


@pytest.mark.fault
@pytest.mark.parametrize("command", ["status", "check", "flush", "export"])
def test_a_corrupt_outbox_is_one_clear_line_for_every_command(
    capsys: pytest.CaptureFixture[str], backend: Running, station: Station, tmp_path: Path, command: str
) -> None:
    queue_real_packets(station, 1)
    (station.data_dir / "outbox.db-wal").unlink(missing_ok=True)
    (station.data_dir / "outbox.db-shm").unlink(missing_ok=True)
    path = station.data_dir / "outbox.db"
    path.write_bytes(b"this is not a database at all" * 200)
    argv = ["--lang", "en", "outbox", command] + ([str(tmp_path / "usb")] if command == "export" else [])
    code, out, err = run(capsys, *argv)
    shown = (out + err).strip()
    assert code != 0 and "damaged" in shown and "internal error" not in shown
    assert "kiosk outbox salvage" in shown and "Traceback" not in shown


@pytest.mark.bad_input
def test_export_to_a_file_or_an_unwritable_place_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], backend: Running, station: Station, tmp_path: Path
) -> None:
    queue_real_packets(station, 1)
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    for target in (a_file, a_file / "inside", Path("/proc/kiosk-export")):
        code, _, err = run(capsys, "--lang", "en", "outbox", "export", str(target))
        assert code == 1 and err.startswith("kiosk: cannot export to"), err
        assert len(err.strip().splitlines()) == 1


def test_export_needs_an_operator_whose_role_allows_it(
    capsys: pytest.CaptureFixture[str], station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue_real_packets(station, 1)
    usb = tmp_path / "usb"
    monkeypatch.delenv("KIOSK_USERNAME")
    monkeypatch.delenv("KIOSK_PASSWORD")
    code, _, err = run(capsys, "--lang", "en", "outbox", "export", str(usb))
    assert code != 0 and "--username" in err and "outbox_export" in err
    monkeypatch.setenv("KIOSK_USERNAME", "ventanilla")
    monkeypatch.setenv("KIOSK_PASSWORD", CLERK_PASSWORD)
    code, _, err = run(capsys, "--lang", "en", "outbox", "export", str(usb))
    assert code != 0 and "clerk" in err and not usb.exists()  # a clerk may not take packets away
    monkeypatch.setenv("KIOSK_PASSWORD", "not-her-password-1")
    code, _, err = run(capsys, "--lang", "en", "outbox", "export", str(usb))
    assert code != 0 and "wrong user name or password" in err
    from kiosk.audit.log import AuditLog

    denied = [e for e in AuditLog.open(station.data_dir).entries() if e.event == "access_denied"]
    assert [e.fields["command"] for e in denied] == ["outbox export", "outbox export"]
