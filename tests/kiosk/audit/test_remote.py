"""The station's audit checkpoints at the backend: a log cut together with its newest checkpoints, or
deleted whole, is caught by the backend (and counted there) and by `kiosk audit verify`."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.audit import AuditLog, events
from kiosk.audit.chain import AUDIT_DIR, CHECKPOINTS_FILE, log_files
from kiosk.audit.remote import CheckpointCourier, deliver_checkpoint, hash_at
from kiosk.audit.station import open_station_log
from kiosk.backend.server import Running, start_in_thread
from kiosk.cli.main import main
from kiosk.client.http import BackendError
from kiosk.station.link import STATE_FILE
from tests.kiosk.backend.support import Joined, add_users, join


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    server = start_in_thread(tmp_path_factory.mktemp("backend"))
    add_users(server)
    yield server
    server.stop()


@pytest.fixture
def station(running: Running, tmp_path: Path) -> Iterator[Joined]:
    joined = join(running, tmp_path / "station", devices=False)
    yield joined
    joined.client.http.close()


def written(joined: Joined, count: int) -> AuditLog:
    audit = open_station_log(joined.data_dir, joined.keys, checkpoint_every=8)
    for n in range(count):
        audit.append(events.LOOKUP, actor="ventanilla", role="clerk", fields={"n": n})
    return audit


def cut(audit_dir: Path, keep: int) -> None:
    """Keep the first `keep` entries and only the checkpoints that cover no more than them."""
    path = log_files(audit_dir)[-1]
    path.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:keep]))
    points = audit_dir / CHECKPOINTS_FILE
    kept = [line for line in points.read_bytes().splitlines(keepends=True) if json.loads(line)["seq"] <= keep]
    points.write_bytes(b"".join(kept))


@pytest.fixture(autouse=True)
def _technician(monkeypatch: pytest.MonkeyPatch) -> None:
    """`audit verify` of the station's own log: a technician signs for it."""
    from tests.fixtures.backend import TECH_PASSWORD

    monkeypatch.setenv("KIOSK_USERNAME", "tecnico")
    monkeypatch.setenv("KIOSK_PASSWORD", TECH_PASSWORD)


def test_checkpoints_reach_the_backend_and_move_forward(station: Joined) -> None:
    audit = written(station, 5)
    first = deliver_checkpoint(station.client, audit)
    assert first is not None and first.seq == 5 and first.hash == audit.head()
    for n in range(4):
        audit.append(events.LOGOUT, actor="ventanilla", fields={"n": n})
    second = deliver_checkpoint(station.client, audit)
    assert second.seq == 9 and station.client.last_checkpoint() == second


@pytest.mark.tampering
def test_a_log_cut_with_its_checkpoints_is_a_conflict_at_the_backend(
    running: Running, station: Joined, capsys: pytest.CaptureFixture[str]
) -> None:
    audit = written(station, 40)
    deliver_checkpoint(station.client, audit)
    audit_dir = station.data_dir / AUDIT_DIR
    cut(audit_dir, 30)
    before = running.backend.stats()["audit_conflicts"]
    code = main(["--data-dir", str(station.data_dir), "--lang", "en", "audit", "verify", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and [i["kind"] for i in report["issues"]] == ["remote_truncated"]
    assert report["remote"]["seq"] == 40
    again = open_station_log(station.data_dir, station.keys, checkpoint_every=8)
    for n in range(3):
        again.append(events.LOOKUP, actor="ventanilla", fields={"n": n})
    with pytest.raises(BackendError) as caught:
        deliver_checkpoint(station.client, again)
    assert caught.value.api_code == "checkpoint_conflict"
    assert running.backend.stats()["audit_conflicts"] == before + 1


@pytest.mark.tampering
def test_a_deleted_log_folder_is_caught(
    running: Running, station: Joined, capsys: pytest.CaptureFixture[str]
) -> None:
    audit = written(station, 12)
    deliver_checkpoint(station.client, audit)
    shutil.rmtree(station.data_dir / AUDIT_DIR)
    code = main(["--data-dir", str(station.data_dir), "--lang", "en", "audit", "verify", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [i["kind"] for i in report["issues"]] == ["missing_log", "remote_truncated"]
    fresh = written(station, 2)  # the station starts a new log: the backend sees it went back
    with pytest.raises(BackendError) as caught:
        deliver_checkpoint(station.client, fresh)
    assert caught.value.api_code == "checkpoint_conflict"


def test_verify_of_a_whole_log_says_the_backend_confirms_it(
    station: Joined, capsys: pytest.CaptureFixture[str]
) -> None:
    audit = written(station, 9)
    deliver_checkpoint(station.client, audit)
    code = main(["--data-dir", str(station.data_dir), "--lang", "en", "audit", "verify", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and "remote_ok" in [n["kind"] for n in report["notes"]]


@pytest.mark.fault
def test_verify_with_the_backend_unreachable_says_so_and_checks_the_rest(
    station: Joined, capsys: pytest.CaptureFixture[str]
) -> None:
    written(station, 3).close()
    main(["--data-dir", str(station.data_dir), "audit", "verify", "--json"])  # the technician, online once
    capsys.readouterr()
    state = json.loads((station.data_dir / STATE_FILE).read_text())
    state["url"] = "https://127.0.0.1:9"  # nothing listens there
    (station.data_dir / STATE_FILE).write_text(json.dumps(state))
    code = main(["--data-dir", str(station.data_dir), "--lang", "en", "audit", "verify", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and "audit.verify.remote_unreachable" in [n["kind"] for n in report["notes"]]


@pytest.mark.tampering
def test_a_checkpoint_not_signed_by_the_station_is_refused(station: Joined) -> None:
    audit = written(station, 2)
    audit.close()
    point = json.loads((station.data_dir / AUDIT_DIR / CHECKPOINTS_FILE).read_text().splitlines()[-1])
    point["hash"] = "0" * 64
    with pytest.raises(BackendError) as caught:
        station.client.deliver_checkpoint(point, None)
    assert caught.value.api_code == "bad_checkpoint"
    assert station.client.last_checkpoint() is None


def test_a_delivery_that_raced_another_process_asks_again(station: Joined) -> None:
    audit = written(station, 3)
    deliver_checkpoint(station.client, audit)
    audit.append(events.LOGOUT, actor="ventanilla")

    class Behind:
        """The first answer is stale, as if another process delivered between the two calls."""

        def __init__(self) -> None:
            self.asked = 0

        def __getattr__(self, name: str) -> object:
            return getattr(station.client, name)

        def last_checkpoint(self) -> object:
            self.asked += 1
            real = station.client.last_checkpoint()
            return real.model_copy(update={"seq": 1}) if self.asked == 1 and real else real

    behind = Behind()
    ack = deliver_checkpoint(behind, audit)
    assert ack.seq == 4 and behind.asked == 2


def test_the_courier_delivers_once_per_new_head_and_backs_off(station: Joined) -> None:
    audit = written(station, 3)
    now = [0.0]
    courier = CheckpointCourier(station.client, audit, clock=lambda: now[0])
    courier()
    assert courier.delivered_head == audit.head()
    state = json.loads((station.data_dir / STATE_FILE).read_text())
    state["url"] = "https://127.0.0.1:9"
    (station.data_dir / STATE_FILE).write_text(json.dumps(state))
    from kiosk.station.link import StationLink

    offline = StationLink.load(station.data_dir)
    assert offline is not None
    courier.client = offline.client(station.data_dir, station.keys, timeout=2)
    audit.append(events.LOGOUT, actor="ventanilla")
    courier()
    assert courier.next_try == 30.0 and courier.delivered_head != audit.head()
    now[0] = 10.0
    courier()  # within the wait: not even tried
    assert courier.next_try == 30.0
    courier.client.http.close()


def test_hash_at_finds_an_entry_or_says_none(station: Joined) -> None:
    audit = written(station, 20)
    entries = list(audit.entries())
    assert hash_at(audit.directory, 7) == entries[6].hash
    assert hash_at(audit.directory, 21) is None
