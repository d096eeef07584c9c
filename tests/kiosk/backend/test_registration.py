"""Joining a backend: the enrolment file, the one-time token, refused keys, and no plain HTTP anywhere."""

from __future__ import annotations

import base64
import datetime as dt
import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from kiosk.backend.server import Running, start_in_thread
from kiosk.client.backend import BackendClient
from kiosk.client.http import BackendError, HttpClient
from kiosk.errors import KioskError
from kiosk.station.keys import StationKeys
from kiosk.station.link import PINS_FILE, StationLink, read_enrolment_file, register
from tests.kiosk.backend.support import MovableClock, add_users, join, new_token

CLOCK = MovableClock()


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    server = start_in_thread(tmp_path_factory.mktemp("backend"), clock=CLOCK)
    add_users(server)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _real_time() -> Iterator[None]:
    CLOCK.reset()
    yield
    CLOCK.reset()


def anonymous(running: Running, pins: Path) -> BackendClient:
    document = read_enrolment_file(running.enrolment_file)
    pins.write_text("".join(document["pins"]), encoding="ascii")
    return BackendClient(HttpClient(document["url"], pins, clock=CLOCK), document["signing_keys"])


def public_keys(keys: StationKeys) -> tuple[bytes, bytes]:
    return keys.public.ed25519, keys.public.mldsa65


def test_the_enrolment_file_has_everything_a_station_needs(running: Running) -> None:
    document = json.loads(running.enrolment_file.read_text(encoding="utf-8"))
    assert set(document) == {"format", "url", "pins", "signing_keys", "token"}
    assert document["format"] == "kiosk-station-enrolment-v1"
    assert document["url"] == running.url and running.url.startswith("https://127.0.0.1:")
    tls = running.backend.dir / "tls"
    assert document["pins"] == [(tls / f"{s}.crt").read_text() for s in ("current", "next")]
    current, following = (x509.load_pem_x509_certificate(p.encode()) for p in document["pins"])
    assert current.fingerprint(hashes.SHA256()) != following.fingerprint(hashes.SHA256())
    assert current.subject != following.subject  # OpenSSL finds a pinned certificate by its subject
    assert document["signing_keys"] == running.backend.keys.signing_public_b64()
    assert len(document["token"]) >= 24
    assert stat.S_IMODE(running.enrolment_file.stat().st_mode) == 0o600  # the token is a secret


def test_a_restart_keeps_an_unused_token(tmp_path: Path) -> None:
    first = start_in_thread(tmp_path / "backend")
    token = read_enrolment_file(first.enrolment_file)["token"]
    first.stop()
    again = start_in_thread(tmp_path / "backend")
    try:
        assert read_enrolment_file(again.enrolment_file)["token"] == token
    finally:
        again.stop()


def test_a_token_registers_one_station_only(running: Running, tmp_path: Path) -> None:
    client = anonymous(running, tmp_path / "pins.pem")
    token = read_enrolment_file(running.enrolment_file)["token"]
    keys = StationKeys.generate()
    registered = client.register(token, "Ventanilla 7", *public_keys(keys), "test")
    assert registered.station_id.startswith("st-")
    with pytest.raises(BackendError) as caught:
        client.register(token, "Ventanilla 8", *public_keys(StationKeys.generate()), "test")
    assert caught.value.api_code == "invalid_token" and not caught.value.retryable
    assert caught.value.message.code == "backend.error.invalid_token"
    client.http.close()
    new_token(running)


def test_registering_again_with_a_used_enrolment_file_is_refused(running: Running, tmp_path: Path) -> None:
    join(running, tmp_path / "first", clock=CLOCK, devices=False)
    used = tmp_path / "used.json"
    document = read_enrolment_file(running.enrolment_file)
    used.write_text(json.dumps(document))
    join(running, tmp_path / "second", clock=CLOCK, devices=False)  # uses the token in `used`
    keys = StationKeys.load_or_create(tmp_path / "third", store="file")
    with pytest.raises(BackendError) as caught:
        register(tmp_path / "third", used, "third", keys, clock=CLOCK)
    assert caught.value.api_code == "invalid_token"
    assert StationLink.load(tmp_path / "third") is None  # nothing half-registered is left behind


def test_an_expired_token_is_refused(running: Running, tmp_path: Path) -> None:
    new_token(running)  # issued now, valid seven days
    CLOCK.advance(dt.timedelta(days=7, minutes=1))
    keys = StationKeys.load_or_create(tmp_path / "late", store="file")
    with pytest.raises(BackendError) as caught:
        register(tmp_path / "late", running.enrolment_file, "late", keys, clock=CLOCK)
    assert caught.value.api_code == "invalid_token"
    CLOCK.reset()
    new_token(running)


@pytest.mark.parametrize(
    "ed25519, mldsa65",
    [
        ("A" * 43 + "=", "B" * 10),  # ML-DSA-65 key of the wrong size
        ("A" * 42 + "==", None),  # Ed25519 key of 31 bytes
        ("!" * 43 + "=", None),  # not base64
    ],
)
def test_bad_public_keys_are_refused_without_using_the_token(
    running: Running, tmp_path: Path, ed25519: str, mldsa65: str | None
) -> None:
    good = StationKeys.generate()
    token = read_enrolment_file(running.enrolment_file)["token"]
    client = anonymous(running, tmp_path / "pins.pem")
    body = {
        "token": token,
        "name": "broken",
        "public_keys": {
            "ed25519": ed25519,
            "mldsa65": mldsa65 or base64.b64encode(good.public.mldsa65).decode(),
        },
        "software_version": "test",
    }
    with pytest.raises(BackendError) as caught:
        client.http.call("POST", "/stations", body=body, signed=False)
    assert caught.value.api_code == "bad_request"
    # The token was not spent on the refused request.
    assert client.register(token, "fine", *public_keys(good), "test").station_id
    client.http.close()
    new_token(running)


def test_a_broken_enrolment_file_is_named(running: Running, tmp_path: Path) -> None:
    document = read_enrolment_file(running.enrolment_file)
    keys = StationKeys.generate()
    cases = {
        "not-json.json": "{not json",
        "format.json": json.dumps({**document, "format": "something-else"}),
        "no-token.json": json.dumps({k: v for k, v in document.items() if k != "token"}),
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(KioskError) as caught:
            register(tmp_path / "station", path, "x", keys)
        assert caught.value.message.code == "station.bad_enrolment_file", name
    with pytest.raises(KioskError) as missing:
        register(tmp_path / "station", tmp_path / "absent.json", "x", keys)
    assert missing.value.message.code == "station.bad_enrolment_file"


def test_there_is_no_plain_http_mode(running: Running, tmp_path: Path) -> None:
    document = read_enrolment_file(running.enrolment_file)
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({**document, "url": running.url.replace("https://", "http://")}))
    with pytest.raises(KioskError) as caught:
        register(tmp_path / "station", plain, "x", StationKeys.generate())
    assert caught.value.message.code == "backend.https_only"
    with pytest.raises(KioskError):
        HttpClient("http://127.0.0.1:1", tmp_path / PINS_FILE)
    # The server itself speaks TLS only: a plain HTTP request gets no HTTP answer at all.
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(running.url.replace("https://", "http://") + "/api/v1/health", timeout=5)
    assert read_enrolment_file(running.enrolment_file)["token"] == document["token"]  # nothing used
