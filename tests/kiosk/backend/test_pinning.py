"""Certificate pinning: the station talks only to the certificates it pinned (current and next), and
follows the pins a verified configuration announces (real TLS on loopback, on each store)."""

from __future__ import annotations

import json
import shutil
import ssl
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.api.envelopes import b64, sign_document, unb64
from kiosk.api.models import SignedConfig, TlsPin
from kiosk.backend.server import start_in_thread
from kiosk.backend.tls import make_certificate
from kiosk.cli.main import main
from kiosk.client.http import BackendError
from kiosk.clock import utcnow
from kiosk.station import pins
from kiosk.station.keys import StationKeys
from kiosk.station.link import PINS_FILE, StationLink, read_enrolment_file, refresh_config, register
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


def pins_of(data_dir: Path) -> list[str]:
    return list(pins.pinned(data_dir))


def fingerprint_of(path: Path) -> str:
    return pins.fingerprint(path.read_text())


def rotate_tls(directory: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, str]:
    capsys.readouterr()
    code = main(["--lang", "en", "backend", "rotate-tls", "--backend-dir", str(directory), "--json", *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    return dict(json.loads(out))


def test_the_signed_configuration_announces_the_certificate_served_and_the_next(tmp_path: Path) -> None:
    running = start_in_thread(tmp_path / "backend")
    add_users(running)
    try:
        station = join(running, tmp_path / "station", devices=False)
        config, _ = station.client.config()
        tls = running.backend.dir / "tls"
        assert [(p.role, p.sha256) for p in config.tls_pins] == [
            ("current", fingerprint_of(tls / "current.crt")),
            ("next", fingerprint_of(tls / "next.crt")),
        ]
        assert station.client.http.presented == fingerprint_of(tls / "current.crt")
        station.client.http.close()
    finally:
        running.stop()


def test_a_station_learns_the_next_certificate_and_switches_over_when_it_is_served(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory, tls = tmp_path / "backend", tmp_path / "backend" / "tls"
    running = start_in_thread(directory)
    add_users(running)
    port = port_of(running.url)
    station = join(running, tmp_path / "station", devices=False)
    station.client.http.close()
    first, second = fingerprint_of(tls / "current.crt"), fingerprint_of(tls / "next.crt")
    assert pins_of(station.data_dir) == [first, second]  # from the enrolment file
    stale = tmp_path / "stale"  # a station that never refreshes its configuration
    stale.mkdir()
    shutil.copy(station.data_dir / PINS_FILE, stale / PINS_FILE)
    try:
        # The operator puts the next certificate in service and makes a new next one, while serving.
        third = rotate_tls(directory, capsys)["next"]
        assert fingerprint_of(tls / "current.crt") == second
        refresh_config(station.link, station.data_dir, station.keys)
        # Still served the first one: the station keeps it, and learns the new next one ahead.
        assert pins_of(station.data_dir) == [first, second, third]
        running.stop()
        running = start_in_thread(directory, port=port)  # the restart puts the second in service
        assert pins.fingerprint(served_certificate(running.url)) == second
        refresh_config(station.link, station.data_dir, station.keys)
        assert pins_of(station.data_dir) == [second, third]  # switched over: the first one is dropped
        # The next change: the station was not told again, and still follows.
        rotate_tls(directory, capsys)
        running.stop()
        running = start_in_thread(directory, port=port)
        assert pins.fingerprint(served_certificate(running.url)) == third
        config = refresh_config(station.link, station.data_dir, station.keys)
        assert pins_of(station.data_dir) == [third, config.tls_pins[1].sha256]
        # A station that kept the enrolment file's pins (and never refreshed) is locked out now.
        link = StationLink.load(station.data_dir)
        assert link is not None
        with pytest.raises(BackendError) as caught:
            link.client(stale, station.keys).health()
        assert caught.value.message.code == "backend.untrusted"
    finally:
        running.stop()


def test_a_configuration_that_does_not_verify_changes_no_pin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = start_in_thread(tmp_path / "backend")
    add_users(running)
    try:
        station = join(running, tmp_path / "station", devices=False)
        station.client.http.close()
        before = (station.data_dir / PINS_FILE).read_bytes()
        genuine = running.backend.signed_config
        lure_pem = make_certificate(("127.0.0.1", "localhost"), utcnow(), 30)[1].decode()
        lure = {"role": "next", "sha256": pins.fingerprint(lure_pem), "certificate": lure_pem}

        def with_lure(station_id: str) -> dict[str, object]:
            document = json.loads(unb64(genuine(station_id).payload))
            document["tls_pins"] = [document["tls_pins"][0], lure]
            return document

        impostor = Ed25519PrivateKey.generate()
        forgeries = {
            "signed by a key the station does not trust": lambda sid: sign_document(
                with_lure(sid), impostor, "sig-evil"
            ),
            "signed under the backend's key id by another key": lambda sid: sign_document(
                with_lure(sid), impostor, running.backend.keys.signing_key_id
            ),
            "unsigned": lambda sid: {
                **genuine(sid).model_dump(),
                "payload": b64(json.dumps(with_lure(sid)).encode()),
                "signature": "",
            },
        }
        for case, forge in forgeries.items():
            monkeypatch.setattr(running.backend, "signed_config", lambda sid, f=forge: SignedConfig(**f(sid)))
            with pytest.raises(BackendError) as caught:
                refresh_config(station.link, station.data_dir, station.keys)
            assert caught.value.message.code == "backend.config_unsigned", case
            assert (station.data_dir / PINS_FILE).read_bytes() == before, case
    finally:
        running.stop()


def test_an_announced_certificate_must_match_its_pin(tmp_path: Path) -> None:
    """Station side: a pin whose certificate is another (or none) is a bad answer; no pins: no change."""
    served_pem, next_pem, other_pem = (
        make_certificate(("localhost",), utcnow(), 30)[1].decode() for _ in range(3)
    )
    pins.write(tmp_path, [served_pem, next_pem])
    served = pins.fingerprint(served_pem)
    before = (tmp_path / PINS_FILE).read_bytes()
    assert pins.learn(tmp_path, [], served) == [served, pins.fingerprint(next_pem)]  # an older backend
    for certificate in (other_pem, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"):
        wrong = TlsPin(role="next", sha256=pins.fingerprint(next_pem), certificate=certificate)
        with pytest.raises(BackendError) as caught:
            pins.learn(tmp_path, [wrong], served)
        assert caught.value.message.code == "backend.bad_answer"
        assert (tmp_path / PINS_FILE).read_bytes() == before
    learnt = TlsPin(role="next", sha256=pins.fingerprint(other_pem), certificate=other_pem)
    assert pins.learn(tmp_path, [learnt], served) == [served, pins.fingerprint(other_pem)]
