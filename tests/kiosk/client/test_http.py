"""The station's HTTPS client against a backend that misbehaves: every failure becomes a BackendError
with a message for the operator and the right "worth retrying" flag; retries only where idempotent."""

from __future__ import annotations

import functools
import hashlib
import json
import socket
import ssl
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.api import models
from kiosk.api.envelopes import b64, sign_document
from kiosk.backend.tls import make_certificate
from kiosk.client.backend import BackendClient
from kiosk.client.http import MAX_ANSWER_BYTES, BackendError, HttpClient
from kiosk.clock import utcnow
from kiosk.errors import KioskError

Answer = tuple[int, str, bytes]  # status, content type, body


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-answer (the size-limit and timeout tests) is the test, not a traceback."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError)):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@dataclass
class FakeBackend:
    """An HTTPS server on loopback whose answers the test chooses; it counts the requests it got."""

    url: str
    pins: Path
    answer: Callable[[], Answer | None] = lambda: (200, "application/json", b"{}")
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def fake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeBackend]:
    folder = tmp_path_factory.mktemp("fake")
    key_pem, cert_pem = make_certificate(("127.0.0.1",), utcnow(), 2)
    (folder / "key.pem").write_bytes(key_pem)
    (folder / "cert.pem").write_bytes(cert_pem)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    state = FakeBackend("", folder / "cert.pem")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def handle_one(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            state.requests.append(f"{self.command} {self.path}")
            answer = state.answer()
            if answer is None:  # hang up without a word
                self.close_connection = True
                return
            status, content_type, body = answer
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_DELETE = handle_one  # noqa: N815

    server = _QuietServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    state.url = f"https://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def client(fake: FakeBackend) -> Iterator[HttpClient]:
    fake.requests.clear()
    http = HttpClient(fake.url, fake.pins, "st-test", lambda data: b"\x00" * 64, timeout=5)
    yield http
    http.close()


def error_body(code: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": "whatever"}}).encode()


def failure(call: Callable[[], object]) -> BackendError:
    with pytest.raises(BackendError) as caught:
        call()
    return caught.value


def test_contract_errors_become_their_messages_with_the_tables_retry_flag(
    fake: FakeBackend, client: HttpClient
) -> None:
    for code, status, retryable in (
        ("forbidden", 403, False),
        ("account_locked", 423, False),
        ("internal", 500, True),
    ):
        fake.answer = functools.partial(lambda s, c: (s, "application/json", error_body(c)), status, code)
        caught = failure(lambda: client.call("POST", "/sessions/password", body={"username": "x"}))
        assert (caught.api_code, caught.retryable) == (code, retryable)
        assert caught.message.code == f"backend.error.{code}"


def test_only_idempotent_calls_are_retried(fake: FakeBackend, client: HttpClient) -> None:
    fake.answer = lambda: (503, "text/html", b"<h1>Service Unavailable</h1>")
    caught = failure(lambda: client.call("POST", "/sessions/password", body={}))
    assert caught.message.code == "backend.bad_answer" and caught.retryable
    assert len(fake.requests) == 1  # a login is not repeated behind the operator's back
    fake.requests.clear()
    failure(lambda: client.call("GET", "/config", idempotent=True))
    assert fake.requests == ["GET /api/v1/config"] * 3
    fake.requests.clear()
    fake.answer = lambda: (403, "application/json", error_body("forbidden"))
    failure(lambda: client.call("GET", "/config", idempotent=True))
    assert len(fake.requests) == 1  # a final answer is final even for an idempotent call


@pytest.mark.parametrize(
    "answer, retryable",
    [
        ((404, "text/html", b"<h1>Not Found</h1>"), False),  # a proxy's page, not the contract
        ((422, "application/json", error_body("no_such_code")), False),
        ((200, "text/plain", b"hello"), True),  # success that is not JSON
        ((502, "application/json", b"{}"), True),
    ],
)
def test_answers_outside_the_contract_are_bad_answers(
    fake: FakeBackend, client: HttpClient, answer: Answer, retryable: bool
) -> None:
    fake.answer = lambda: answer
    caught = failure(lambda: client.call("POST", "/diagnostics", body={}))
    assert caught.message.code == "backend.bad_answer" and caught.retryable is retryable
    assert caught.api_code is None


def test_a_backend_lying_about_a_field_is_caught_at_the_station(
    fake: FakeBackend, client: HttpClient
) -> None:
    fake.answer = lambda: (200, "application/json", json.dumps({"status": "ok", "version": 1}).encode())
    caught = failure(lambda: BackendClient(client, {}).health())
    assert caught.message.code == "backend.bad_answer" and caught.retryable


def test_an_oversized_answer_is_cut_off(fake: FakeBackend, client: HttpClient) -> None:
    fake.answer = lambda: (200, "application/json", b"[" + b"0," * MAX_ANSWER_BYTES + b"0]")
    caught = failure(lambda: client.call("GET", "/devices"))
    assert (
        caught.message.code == "backend.bad_answer" and caught.message.params["reason"] == "answer too large"
    )


def test_a_hang_up_is_unreachable_and_worth_retrying(fake: FakeBackend, client: HttpClient) -> None:
    fake.answer = lambda: None
    caught = failure(lambda: client.call("POST", "/diagnostics", body={}))
    assert caught.message.code == "backend.unreachable" and caught.retryable


def test_a_silent_backend_times_out(tmp_path: Path, fake: FakeBackend) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts connections (the kernel does) and never says a word
    try:
        http = HttpClient(f"https://127.0.0.1:{listener.getsockname()[1]}", fake.pins, timeout=0.3)
        caught = failure(lambda: http.call("GET", "/health", signed=False))
        assert caught.message.code == "backend.timeout" and caught.retryable
        http.close()
    finally:
        listener.close()


def test_nobody_listening_is_unreachable(fake: FakeBackend) -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    http = HttpClient(f"https://127.0.0.1:{port}", fake.pins)
    caught = failure(lambda: http.call("GET", "/health", signed=False))
    assert caught.message.code == "backend.unreachable" and caught.retryable
    assert caught.message.params["url"] == f"https://127.0.0.1:{port}"
    http.close()


def test_a_signed_call_needs_a_registered_station(fake: FakeBackend) -> None:
    fake.requests.clear()
    http = HttpClient(fake.url, fake.pins)
    with pytest.raises(KioskError) as caught:
        http.call("GET", "/config")
    assert caught.value.message.code == "station.not_registered"
    assert fake.requests == []
    http.close()


def test_receipts_are_verified_before_they_count(fake: FakeBackend, client: HttpClient) -> None:
    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes_raw()
    backend = BackendClient(client, {"sig-1": b64(raw)})
    blob = b"sealed packet bytes"
    body = models.ReceiptBody(
        folio="ACU-20260101-0000001",
        packet_id="p-1",
        station_id="st-test",
        curp_masked="XEXX************A4",
        received_at="2026-01-01T00:00:00.000Z",
        digest=hashlib.sha256(blob).hexdigest(),
        test=True,
    ).model_dump()
    good = models.Receipt(**sign_document(body, key, "sig-1"))
    assert backend.verify_receipt(good, "p-1", blob).folio == "ACU-20260101-0000001"
    cases = {
        "signature": (
            models.Receipt(**sign_document(body, Ed25519PrivateKey.generate(), "sig-1")),
            "p-1",
            blob,
        ),
        "packet id": (good, "p-2", blob),
        "digest": (good, "p-1", blob + b"!"),
    }
    for reason, (receipt, packet_id, data) in cases.items():
        caught = failure(functools.partial(backend.verify_receipt, receipt, packet_id, data))
        assert caught.message.code == "backend.bad_receipt" and caught.message.params["reason"] == reason
        assert caught.retryable  # never "delivered"; the outbox asks again


def test_closing_the_client_closes_its_connection_pools(fake: FakeBackend, client: HttpClient) -> None:
    """Not left to the garbage collector (urllib3 2 no longer closes pools on `clear()`): a backend
    stopping gracefully waits for every idle TLS connection a forgotten pool keeps open."""
    fake.answer = lambda: (200, "application/json", b"{}")
    client.call("GET", "/health", signed=False)
    manager = client.http.adapters["https://"].poolmanager  # type: ignore[attr-defined]
    pools = [manager.pools[key] for key in manager.pools.keys()]  # noqa: SIM118 - it cannot be iterated
    assert pools and all(pool.num_connections == 1 for pool in pools)
    client.close()
    assert all(pool.pool is None for pool in pools)  # closed, with their connections
