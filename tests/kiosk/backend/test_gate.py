"""The gate in front of the backend: authenticated from the headers before any body is read, bodies
streamed under a hard limit, replays refused, packets only as application/octet-stream, and the
figures written only by authenticated stations."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from kiosk.api.envelopes import HEADER_STATION
from kiosk.backend.server import Running, start_in_thread
from kiosk.benches import backend_memory
from kiosk.station.link import PINS_FILE
from tests.kiosk.backend.support import (
    Joined,
    add_users,
    declare_oversized_packet,
    join,
    raw_request,
    sealed,
    signed_headers,
)

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    server = start_in_thread(tmp_path_factory.mktemp("backend"))
    add_users(server)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def station(running: Running, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Joined]:
    joined = join(running, tmp_path_factory.mktemp("station"))
    yield joined
    joined.client.http.close()


def post(
    running: Running, joined: Joined, path: str, body: bytes, headers: dict[str, str]
) -> requests.Response:
    return requests.post(
        running.url + path, data=body, headers=headers, verify=str(joined.data_dir / PINS_FILE), timeout=30
    )


def login_request(joined: Joined) -> tuple[bytes, dict[str, str]]:
    body = b'{"username": "ventanilla", "password": "ventanilla-2026"}'
    headers = signed_headers(joined, "POST", "/api/v1/sessions/password", body)
    return body, {**headers, "Content-Type": "application/json"}


@pytest.mark.tampering
def test_a_replayed_signed_login_is_refused(running: Running, station: Joined) -> None:
    body, headers = login_request(station)
    first = post(running, station, "/api/v1/sessions/password", body, headers)
    assert first.status_code == 200, first.text
    again = post(running, station, "/api/v1/sessions/password", body, headers)
    assert again.status_code == 401 and again.json()["error"]["code"] == "unauthenticated"
    assert "replay" in again.json()["error"]["message"]


@pytest.mark.tampering
def test_concurrent_replays_give_one_session(running: Running, station: Joined) -> None:
    """The nonce lives in SQLite, shared by every worker thread: eight copies at once, one session."""
    body, headers = login_request(station)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(lambda _: post(running, station, "/api/v1/sessions/password", body, headers), range(8))
        )
    assert sorted(a.status_code for a in answers) == [200] + [401] * 7


@pytest.mark.tampering
def test_the_nonce_outlives_a_restart_of_the_backend(tmp_path: Path) -> None:
    server = start_in_thread(tmp_path / "backend")
    add_users(server)
    joined = join(server, tmp_path / "station")
    body, headers = login_request(joined)
    assert post(server, joined, "/api/v1/sessions/password", body, headers).status_code == 200
    joined.client.http.close()
    server.stop()
    again = start_in_thread(tmp_path / "backend")
    try:
        assert post(again, joined, "/api/v1/sessions/password", body, headers).status_code == 401
    finally:
        again.stop()


@pytest.mark.tampering
def test_a_body_other_than_the_signed_one_is_refused(running: Running, station: Joined) -> None:
    body, headers = login_request(station)
    swapped = body.replace(b"ventanilla-2026", b"ventanilla-2027")
    answer = post(running, station, "/api/v1/sessions/password", swapped, headers)
    assert answer.status_code == 401 and "digest" in answer.json()["error"]["message"]


@pytest.mark.tampering
@pytest.mark.parametrize("missing", ["X-Kiosk-Nonce", "X-Kiosk-Content-SHA256", "X-Kiosk-Signature"])
def test_every_signature_header_is_required(running: Running, station: Joined, missing: str) -> None:
    headers = signed_headers(station, "GET", "/api/v1/config")
    del headers[missing]
    answer = requests.get(
        running.url + "/api/v1/config", headers=headers, verify=str(station.data_dir / PINS_FILE), timeout=30
    )
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "unauthenticated"


@pytest.mark.bad_input
@pytest.mark.parametrize("media_type", ["application/json", "text/plain", None])
def test_a_packet_must_be_octet_stream(running: Running, station: Joined, media_type: str | None) -> None:
    packet = sealed(station)
    headers = {
        **signed_headers(station, "POST", "/api/v1/packets", packet.blob),
        "X-Packet-Id": packet.packet_id,
    }
    if media_type:
        headers["Content-Type"] = media_type
    answer = post(running, station, "/api/v1/packets", packet.blob, headers)
    assert answer.status_code == 415 and answer.json()["error"]["code"] == "unsupported_media_type"
    assert running.backend.store.one("SELECT 1 FROM packets WHERE packet_id = ?", packet.packet_id) is None
    headers["Content-Type"] = "application/octet-stream"
    assert post(running, station, "/api/v1/packets", packet.blob, headers).status_code == 401  # a replay
    station.client.submit(packet.packet_id, packet.blob)  # the client's own call is accepted


@pytest.mark.tampering
def test_a_forged_station_header_writes_nothing_into_the_figures(running: Running, station: Joined) -> None:
    before = running.backend.stats()
    answer = declare_oversized_packet(running, station, signed=False)
    assert answer.split(b"\r\n", 1)[0].startswith(b"HTTP/1.1 401"), answer[:200]
    assert running.backend.stats() == before
    declare_oversized_packet(running, station)  # the station itself, signed: counted
    assert running.backend.stats()["rejected_by_reason"].get("too_large", 0) == (
        before["rejected_by_reason"].get("too_large", 0) + 1
    )


@pytest.mark.bad_input
def test_registration_bodies_are_bounded(running: Running, station: Joined) -> None:
    """The unsigned call (registration) takes no more than a small body: refused from the length."""
    head = (
        "POST /api/v1/stations HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        f"Content-Length: {128 * 1024}\r\n\r\n"
    )
    answer = raw_request(running, station, head)
    assert answer.split(b"\r\n", 1)[0].startswith(b"HTTP/1.1 413"), answer[:200]


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[backend_memory.Probe]:
    if not backend_memory.peak_measurable():
        pytest.skip("needs Linux /proc/<pid>/clear_refs to measure a process's peak memory")
    with backend_memory.probe(tmp_path_factory.mktemp("probe")) as opened:
        yield opened


@pytest.mark.fault
def test_an_unsigned_chunked_upload_costs_no_memory(probe: backend_memory.Probe) -> None:
    """64 MiB offered with no signature and no length: refused from the headers, nothing kept."""
    status, _sent, growth_kib = probe.refused_growth_kib(signed=False, total=64 * MIB)
    assert status == 401
    assert growth_kib < 8 * 1024, f"the backend grew by {growth_kib} KiB"


@pytest.mark.fault
def test_a_signed_oversized_chunked_upload_is_cut_at_the_limit(probe: backend_memory.Probe) -> None:
    """Signed but 64 MiB with no length: read up to the 32 MiB limit, then refused, never held whole."""
    status, _sent, growth_kib = probe.refused_growth_kib(signed=True, total=64 * MIB)
    assert status == 413
    assert growth_kib < 48 * 1024, f"the backend grew by {growth_kib} KiB"


@pytest.mark.tampering
def test_the_station_header_alone_is_no_authentication(running: Running, station: Joined) -> None:
    answer = requests.get(
        running.url + "/api/v1/config",
        headers={HEADER_STATION: station.station_id},
        verify=str(station.data_dir / PINS_FILE),
        timeout=30,
    )
    assert answer.status_code == 401
