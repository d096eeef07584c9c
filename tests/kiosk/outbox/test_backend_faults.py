"""A backend that is down, slow, failing, lying or forging: the packet is retried or set aside with a
clear reason, never "delivered", and it still reaches the real backend afterwards intact."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.api import models
from kiosk.api.envelopes import sign_document
from kiosk.client.backend import BackendClient
from kiosk.client.http import HttpClient
from kiosk.outbox.delivery import deliver_with
from kiosk.outbox.sender import Sender
from kiosk.outbox.store import OutboxStore
from kiosk.packet.seal import SealedPacket
from kiosk.station.link import PINS_FILE
from tests.kiosk.outbox.helpers import FakeClock, Loopback
from tests.kiosk.outbox.standin import Answer, Request, StandIn

ONE_MIB = 1024 * 1024
CLIENT_TIMEOUT_S = 0.3


def receipt(
    loopback: Loopback,
    packet_id: str,
    digest: str,
    key: Ed25519PrivateKey | None = None,
    key_id: str | None = None,
) -> bytes:
    keys = loopback.running.backend.keys
    body = models.ReceiptBody(
        folio="ACU-20270115-9999999",
        packet_id=packet_id,
        station_id=loopback.station.link.station_id,
        curp_masked="HEGT************09",
        received_at="2027-01-15T10:00:00Z",
        digest=digest,
        test=True,
    )
    envelope = sign_document(body.model_dump(), key or keys.signing_key(), key_id or keys.signing_key_id)
    return json.dumps(envelope).encode()


def error(code: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": "scripted"}}).encode()


def digest_of(request: Request) -> str:
    return hashlib.sha256(request.body).hexdigest()


# name -> (script, expected outcome, expected message code, expected reason or None)
FAULTS: dict[str, tuple[Callable[[Loopback, Request], Answer], str, str, str | None]] = {
    "http-500-json": (lambda lb, r: Answer(500, error("internal")), "retry", "backend.error.internal", None),
    "http-503-json": (
        lambda lb, r: Answer(503, error("unavailable")),
        "retry",
        "backend.error.unavailable",
        None,
    ),
    "http-500-html": (
        lambda lb, r: Answer(500, b"<html>Internal Server Error</html>", "text/html"),
        "retry",
        "backend.bad_answer",
        "HTTP 500, not JSON",
    ),
    "unknown-error-code": (
        lambda lb, r: Answer(409, error("no_such_code")),
        "retry",
        "backend.bad_answer",
        "HTTP 409",
    ),
    "garbage": (
        lambda lb, r: Answer(201, b"\x00\x01 garbage {"),
        "retry",
        "backend.bad_answer",
        "HTTP 201, not JSON",
    ),
    "json-not-a-receipt": (lambda lb, r: Answer(201, b'{"folio": 7}'), "retry", "backend.bad_answer", None),
    "oversized": (
        lambda lb, r: Answer(201, b'{"pad": "' + b"x" * (2 * ONE_MIB) + b'"}'),
        "retry",
        "backend.bad_answer",
        "answer too large",
    ),
    "slow": (lambda lb, r: Answer(201, b"{}", delay_s=1.0), "retry", "backend.timeout", None),
    "bad-signature": (
        lambda lb, r: Answer(
            201,
            receipt(
                lb,
                r.headers["X-Packet-Id"],
                digest_of(r),
                Ed25519PrivateKey.generate(),
                lb.running.backend.keys.signing_key_id,
            ),
        ),
        "retry",
        "backend.bad_receipt",
        "signature",
    ),
    "unknown-signing-key": (
        lambda lb, r: Answer(
            201,
            receipt(lb, r.headers["X-Packet-Id"], digest_of(r), Ed25519PrivateKey.generate(), "sig-forged"),
        ),
        "retry",
        "backend.bad_receipt",
        "signature",
    ),
    "receipt-for-another-packet": (
        lambda lb, r: Answer(201, receipt(lb, "0190a2b4-0000-7000-8000-000000000001", digest_of(r))),
        "retry",
        "backend.bad_receipt",
        "packet id",
    ),
    "receipt-for-another-digest": (
        lambda lb, r: Answer(201, receipt(lb, r.headers["X-Packet-Id"], "ab" * 32)),
        "retry",
        "backend.bad_receipt",
        "digest",
    ),
    "packet-refused": (
        lambda lb, r: Answer(422, error("decryption_failed")),
        "rejected",
        "decryption_failed",
        None,
    ),
}


def client_for(loopback: Loopback, url: str) -> BackendClient:
    station = loopback.station
    http = HttpClient(
        url,
        station.data_dir / PINS_FILE,
        station.link.station_id,
        lambda d: station.keys.sign(d).ed25519,
        timeout=CLIENT_TIMEOUT_S,
    )
    return BackendClient(http, station.link.signing_keys)


@pytest.fixture
def one_packet(loopback: Loopback, store: OutboxStore) -> Iterator[SealedPacket]:
    packet = loopback.seal()
    store.add(packet.packet_id, packet.blob, packet.digest)
    yield packet


def attempt(store: OutboxStore, client: BackendClient) -> tuple[Sender, object]:
    sender = Sender(store, deliver_with(client), clock=FakeClock(), rng=random.Random(0))
    try:
        return sender, sender.deliver_one()
    finally:
        client.http.close()


def then_the_real_backend_takes_it(loopback: Loopback, store: OutboxStore, packet: SealedPacket) -> None:
    store.make_due()
    outcome = Sender(store, deliver_with(loopback.station.client)).deliver_one()
    assert outcome is not None and outcome.result == "delivered"
    kept = store.get(packet.packet_id)
    assert (
        kept is not None
        and kept.state == "purged"
        and json.loads(kept.receipt or "")["body"]["digest"] == packet.digest
    )


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_misbehaving_backend_never_gets_a_packet_marked_delivered(
    loopback: Loopback, store: OutboxStore, one_packet: SealedPacket, fault: str
) -> None:
    script, result, code, reason = FAULTS[fault]
    tls = loopback.running.backend.dir / "tls"
    standin = StandIn(tls / "current.crt", tls / "current.key", lambda r: script(loopback, r))
    try:
        sender, outcome = attempt(store, client_for(loopback, standin.url))
    finally:
        standin.close()
    assert standin.requests and standin.requests[0].headers["X-Packet-Id"] == one_packet.packet_id
    assert outcome.result == result and outcome.detail == code  # type: ignore[attr-defined]
    assert sender.last_error is not None
    assert (sender.last_error.api_code if result == "rejected" else sender.last_error.message.code) == code
    if reason is not None:
        assert str(sender.last_error.message.params.get("reason", "")).startswith(reason)
    kept = store.get(one_packet.packet_id)
    assert kept is not None and kept.receipt is None and kept.folio is None and kept.blob == one_packet.blob
    if result == "rejected":
        assert (kept.state, kept.reject_code) == ("rejected", code)
        return
    assert (kept.state, kept.last_error) == ("sealed", code)
    then_the_real_backend_takes_it(loopback, store, one_packet)


def test_a_backend_that_is_down_is_retried_later(
    loopback: Loopback, store: OutboxStore, one_packet: SealedPacket
) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _sender, outcome = attempt(store, client_for(loopback, f"https://127.0.0.1:{port}"))
    assert (outcome.result, outcome.detail) == ("retry", "backend.unreachable")  # type: ignore[attr-defined]
    assert store.get(one_packet.packet_id).state == "sealed"  # type: ignore[union-attr]
    then_the_real_backend_takes_it(loopback, store, one_packet)


def test_a_server_with_an_unpinned_certificate_gets_nothing(
    loopback: Loopback, store: OutboxStore, one_packet: SealedPacket, tmp_path: Path
) -> None:
    from kiosk.backend.tls import DEFAULT_NAMES, make_certificate

    key_pem, cert_pem = make_certificate(DEFAULT_NAMES, dt.datetime.now(dt.UTC), 30)
    (tmp_path / "impostor.key").write_bytes(key_pem)
    (tmp_path / "impostor.crt").write_bytes(cert_pem)
    standin = StandIn(tmp_path / "impostor.crt", tmp_path / "impostor.key", lambda r: Answer(201, b"{}"))
    try:
        _sender, outcome = attempt(store, client_for(loopback, standin.url))
    finally:
        standin.close()
    assert (outcome.result, outcome.detail) == ("retry", "backend.untrusted")  # type: ignore[attr-defined]
    assert standin.requests == []  # the packet never left the station
    then_the_real_backend_takes_it(loopback, store, one_packet)
