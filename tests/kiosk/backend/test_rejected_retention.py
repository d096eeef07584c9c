"""Refused packets kept for support within a retention, then purged (on each store); accepted ones never.

A packet refused at intake keeps its sealed bytes in the object store's `rejected/` area, with a row
naming why. The purge removes them past the configured days or beyond the newest `max_count`, says so
in a line of counts with no identifier, and never touches an accepted packet, even one with the very
same bytes (refused once for a device registered late, accepted when sent again).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest

from kiosk.api import models
from kiosk.backend import retention
from kiosk.backend.objects import ObjectMissing
from kiosk.backend.server import Running, start_in_thread
from kiosk.cli.main import main
from kiosk.client.http import BackendError
from kiosk.packet.seal import SealedPacket
from tests.kiosk.backend.support import (
    PASSWORDS,
    SIM_SERIALS,
    Joined,
    MovableClock,
    add_users,
    current_key,
    forged,
    join,
    sealed,
)

CLOCK = MovableClock()


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    CLOCK.reset()
    server = start_in_thread(tmp_path / "backend", clock=CLOCK)
    add_users(server)
    yield server
    server.stop()
    CLOCK.reset()


def register_devices(station: Joined) -> None:
    session = station.client.password_login("tecnico", PASSWORDS["tecnico"])
    for serial in SIM_SERIALS:
        kind: Literal["fingerprint", "camera"] = "fingerprint" if "FP" in serial else "camera"
        device = models.DeviceRegistration(
            kind=kind, driver="simulated", vendor="Kiosk", model="Simulated", serial=serial
        )
        station.client.register_device(session.token, device)
    station.client.logout(session.token)


def refuse(station: Joined, packet: SealedPacket, code: str) -> None:
    with pytest.raises(BackendError) as refused:
        station.client.submit(packet.packet_id, packet.blob)
    assert refused.value.api_code == code


def kept(running: Running) -> dict[str, str]:
    return {
        r["digest"]: r["code"]
        for r in running.backend.store.all("SELECT digest, code FROM rejected_packets ORDER BY digest")
    }


def test_refused_packets_are_kept_then_purged_and_an_accepted_one_with_the_same_bytes_stays(
    running: Running, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    station = join(running, tmp_path / "station", clock=CLOCK, devices=False)
    late_device = sealed(station)  # its devices are not registered yet
    refuse(station, late_device, "unregistered_device")
    spoilt = forged(station, current_key(station), spoil_signature=True)
    refuse(station, spoilt, "bad_signature")
    assert kept(running) == {late_device.digest: "unregistered_device", spoilt.digest: "bad_signature"}
    assert running.backend.objects.get_rejected(late_device.digest) == late_device.blob
    # The device registered, the same bytes are sent again and accepted: one digest in both areas.
    register_devices(station)
    body, _, _ = station.client.submit(late_device.packet_id, late_device.blob)
    assert body.digest == late_device.digest

    retention.configure(running.backend, retention.Retention(days=1, max_count=100))
    assert retention.purge(running.backend).packets == 0  # nothing is a day old yet
    CLOCK.advance(dt.timedelta(days=1, minutes=1))
    caplog.set_level(logging.INFO, logger="kiosk.backend.retention")
    purged = retention.purge(running.backend)
    assert (purged.packets, purged.bytes, purged.kept) == (2, len(late_device.blob) + len(spoilt.blob), 0)
    assert kept(running) == {}
    for digest in (late_device.digest, spoilt.digest):
        with pytest.raises(ObjectMissing):
            running.backend.objects.get_rejected(digest)
    # The accepted packet: its bytes, its record and its receipt untouched.
    assert running.backend.objects.get(late_device.digest) == late_device.blob
    assert station.client.status(late_device.packet_id).status == "accepted"
    # Said in one line of counts: no packet id, station, digest or CURP; the event names nobody either.
    lines = [r.getMessage() for r in caplog.records if r.name == "kiosk.backend.retention"]
    assert len(lines) == 1 and "2 refused packets" in lines[0]
    for identifier in (late_device.packet_id, spoilt.packet_id, station.station_id, late_device.digest[:12]):
        assert identifier not in lines[0]
    assert "XEXX" not in lines[0]
    event = running.backend.store.one("SELECT * FROM events WHERE kind = 'purge'")
    assert event["code"] == "rejected_retention"
    assert event["station_id"] is None and event["packet_id"] is None
    station.client.http.close()


def test_no_more_than_the_newest_max_count_are_kept(running: Running, tmp_path: Path) -> None:
    station = join(running, tmp_path / "station", clock=CLOCK)
    retention.configure(running.backend, retention.Retention(days=30, max_count=2))
    recipient = current_key(station)
    packets = []
    for _ in range(4):
        packet = forged(station, recipient, spoil_signature=True)
        refuse(station, packet, "bad_signature")
        packets.append(packet)
        CLOCK.advance(dt.timedelta(seconds=2))
    assert set(kept(running)) == {packets[2].digest, packets[3].digest}  # the two newest
    for gone in packets[:2]:
        with pytest.raises(ObjectMissing):
            running.backend.objects.get_rejected(gone.digest)
    assert running.backend.stats()["rejected_by_reason"] == {"bad_signature": 4}  # still counted
    station.client.http.close()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_commands_set_the_retention_export_what_is_kept_and_purge(
    running: Running, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    station = join(running, tmp_path / "station", clock=CLOCK)
    spoilt = forged(station, current_key(station), spoil_signature=True)
    refuse(station, spoilt, "bad_signature")
    where = ["--backend-dir", str(running.backend.dir)]
    code, out, err = run(capsys, "backend", "rejected-retention", *where, "--json")
    assert code == 0, err
    assert json.loads(out) == {"days": retention.DEFAULT_DAYS, "max_count": retention.DEFAULT_MAX_COUNT}
    code, out, _ = run(capsys, "backend", "rejected-retention", *where, "--days", "0", "--json")
    assert json.loads(out) == {"days": 0, "max_count": retention.DEFAULT_MAX_COUNT}
    assert retention.configured(running.backend).days == 0  # the serving backend follows the store
    code, _, err = run(capsys, "backend", "rejected-retention", *where, "--max-count", "-1")
    assert code != 0 and "zero or more" in err

    out_dir = tmp_path / "support"
    code, out, err = run(capsys, "backend", "rejected-packets", *where, "--out", str(out_dir), "--json")
    assert code == 0, err
    [exported] = json.loads(out)
    assert exported["code"] == "bad_signature"
    assert Path(exported["file"]).read_bytes() == spoilt.blob
    code, _, err = run(capsys, "backend", "inspect-packet", exported["file"], *where)
    assert code != 0 and "signature" in err  # support sees why it was refused

    code, out, err = run(capsys, "backend", "purge-rejected", *where, "--json")
    assert code == 0, err
    assert json.loads(out)["packets"] == 1 and kept(running) == {}
    code, out, _ = run(capsys, "backend", "rejected-packets", *where, "--out", str(out_dir), "--json")
    assert json.loads(out) == []
    station.client.http.close()


def test_a_serving_backend_purges_on_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv(retention.SCHEDULE_ENV, "0.2")
    server = start_in_thread(tmp_path / "backend")
    try:
        add_users(server)
        station = join(server, tmp_path / "station")
        retention.configure(server.backend, retention.Retention(days=0, max_count=100))
        spoilt = forged(station, current_key(station), spoil_signature=True)
        refuse(station, spoilt, "bad_signature")
        deadline = time.monotonic() + 60  # a bound for a stuck schedule, not a measure of it
        while kept_rows(server) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert kept_rows(server) == 0
        with pytest.raises(ObjectMissing):
            server.backend.objects.get_rejected(spoilt.digest)
        station.client.http.close()
    finally:
        server.stop()


def kept_rows(running: Running) -> int:
    return int(running.backend.store.one("SELECT COUNT(*) AS n FROM rejected_packets")["n"])
