"""Certificate pinning: the station talks only to the certificates it pinned (current and next)."""

from __future__ import annotations

import json
import shutil
import ssl
from pathlib import Path

import pytest

from kiosk.backend.server import start_in_thread
from kiosk.backend.tls import make_certificate
from kiosk.client.http import BackendError
from kiosk.clock import utcnow
from kiosk.station.keys import StationKeys
from kiosk.station.link import PINS_FILE, StationLink, read_enrolment_file, register
from tests.kiosk.backend.support import add_users, join


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def served_certificate(url: str) -> str:
    return ssl.get_server_certificate(("127.0.0.1", port_of(url)))


def test_a_server_with_another_certificate_is_untrusted_and_nothing_is_sent(tmp_path: Path) -> None:
    ours, impostor = start_in_thread(tmp_path / "ours"), start_in_thread(tmp_path / "impostor")
    try:
        # The impostor's address and token, but the pins of our backend.
        document = read_enrolment_file(impostor.enrolment_file)
        document["pins"] = read_enrolment_file(ours.enrolment_file)["pins"]
        lure = tmp_path / "lure.json"
        lure.write_text(json.dumps(document))
        keys = StationKeys.load_or_create(tmp_path / "station", store="file")
        with pytest.raises(BackendError) as caught:
            register(tmp_path / "station", lure, "x", keys)
        assert caught.value.message.code == "backend.untrusted"
        assert not caught.value.retryable  # trying again cannot make the certificate trusted
        assert caught.value.message.params["url"] == impostor.url
        # Not even the registration token reached the impostor: it is still unused there.
        row = impostor.backend.store.one("SELECT used_at FROM tokens")
        assert row is not None and row["used_at"] is None
        assert impostor.backend.stats()["stations"] == 0
    finally:
        ours.stop()
        impostor.stop()


def test_a_registered_station_refuses_a_server_outside_its_pins(tmp_path: Path) -> None:
    running = start_in_thread(tmp_path / "backend")
    add_users(running)
    try:
        station = join(running, tmp_path / "station", devices=False)
        stranger = make_certificate(("127.0.0.1", "localhost"), utcnow(), 30)[1]
        (station.data_dir / PINS_FILE).write_bytes(stranger)  # pins swapped for another certificate
        client = station.link.client(station.data_dir, station.keys)
        with pytest.raises(BackendError) as caught:
            client.password_login("ventanilla", "ventanilla-2026")
        assert caught.value.message.code == "backend.untrusted"
        assert running.backend.store.all("SELECT token_hash FROM sessions") == []
        client.http.close()
        station.client.http.close()
    finally:
        running.stop()


def test_the_next_certificate_is_accepted_when_the_backend_switches_to_it(tmp_path: Path) -> None:
    directory = tmp_path / "backend"
    running = start_in_thread(directory)
    add_users(running)
    station = join(running, tmp_path / "station", devices=False)
    only_current = tmp_path / "only-current"
    only_current.mkdir()
    (only_current / PINS_FILE).write_bytes((directory / "tls" / "current.crt").read_bytes())
    port = port_of(running.url)
    running.stop()
    tls = directory / "tls"
    for suffix in ("key", "crt"):  # the operator puts the next certificate in service
        shutil.copy(tls / f"next.{suffix}", tls / f"current.{suffix}")
    running = start_in_thread(directory, port=port)
    try:
        assert served_certificate(running.url) == (tls / "next.crt").read_text()
        config, _ = station.client.config(station.link.policy_version)
        assert config.station_id == station.station_id
        link = StationLink.load(station.data_dir)
        assert link is not None
        # A station that had pinned the old certificate alone would now refuse the backend.
        with pytest.raises(BackendError) as caught:
            link.client(only_current, station.keys).health()
        assert caught.value.message.code == "backend.untrusted"
    finally:
        station.client.http.close()
        running.stop()
