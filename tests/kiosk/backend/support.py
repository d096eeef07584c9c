"""Helpers for the backend tests: a clock the tests can move, and stations joined on that clock.

The reference backend and its stations share one `MovableClock`, so a test can stand 16 minutes later
(lockout), 11 hours later (session expiry) or at a fixed date (FIEL validity) without the request
signatures tripping the clock-skew check. TLS is always checked by OpenSSL against the real time, so
a backend is started while the clock still reads the real time (its certificates are made then).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from kiosk.api import models
from kiosk.api.envelopes import (
    HEADER_CONTENT_SHA256,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_STATION,
    HEADER_TIME,
    b64,
    request_bytes,
)
from kiosk.backend.operators import add_user
from kiosk.backend.server import Running, write_enrolment_file
from kiosk.backend.service import MAX_PACKET_BYTES
from kiosk.client.backend import BackendClient
from kiosk.clock import rfc3339, utcnow
from kiosk.packet import container, signing
from kiosk.packet.header import PacketHeader
from kiosk.packet.ids import new_packet_id
from kiosk.packet.keys import BackendPublicKey
from kiosk.packet.manifest import Manifest, canonical_json, record_ref
from kiosk.packet.samples import sample_manifest, sample_records
from kiosk.packet.seal import SealedPacket, check_records, seal
from kiosk.station.keys import StationKeys
from kiosk.station.link import PINS_FILE, StationLink, register

PASSWORDS = {
    "tecnico": "tecnico-2026",
    "ventanilla": "ventanilla-2026",
    "supervisora": "supervisa-2026",
}
ROLES = {"tecnico": "technician", "ventanilla": "clerk", "supervisora": "supervisor"}
SIM_SERIALS = ("SIM-FP-0001", "SIM-CAM-0001")
PERSON_CURP = "XEXX010101HNEXXXA4"
PERSON_NSS = "12345678903"


class MovableClock:
    """The real time plus an offset the test sets; time keeps flowing between calls."""

    def __init__(self) -> None:
        self.offset = dt.timedelta(0)

    def __call__(self) -> dt.datetime:
        return utcnow() + self.offset

    def advance(self, delta: dt.timedelta) -> None:
        self.offset += delta

    def set(self, moment: dt.datetime) -> None:
        self.offset = moment - utcnow()

    def reset(self) -> None:
        self.offset = dt.timedelta(0)


@dataclass
class Joined:
    data_dir: Path
    keys: StationKeys
    link: StationLink
    client: BackendClient

    @property
    def station_id(self) -> str:
        return self.link.station_id


def add_users(running: Running) -> None:
    for username, password in PASSWORDS.items():
        add_user(running.backend, username, username.title(), ROLES[username], password)
    running.backend.add_person(PERSON_CURP, PERSON_NSS, "Persona Sintética", "2001-01-01")


def new_token(running: Running) -> None:
    """Write a fresh one-time token into the enrolment file (the previous one was used)."""
    pins = [running.backend.dir.joinpath("tls", f"{slot}.crt").read_bytes() for slot in ("current", "next")]
    write_enrolment_file(running.backend, running.url, pins)


def join(running: Running, data_dir: Path, clock: Any = utcnow, devices: bool = True) -> Joined:
    """Register a station with the backend's enrolment file and (as its technician) its simulated devices."""
    keys = StationKeys.load_or_create(data_dir, store="file")
    link, _config = register(data_dir, running.enrolment_file, data_dir.name, keys, clock=clock)
    client = link.client(data_dir, keys, clock=clock)
    if devices:
        session = client.password_login("tecnico", PASSWORDS["tecnico"])
        for serial in SIM_SERIALS:
            kind: Literal["fingerprint", "camera"] = "fingerprint" if "FP" in serial else "camera"
            device = models.DeviceRegistration(
                kind=kind, driver="simulated", vendor="Kiosk", model="Simulated", serial=serial
            )
            client.register_device(session.token, device)
        client.logout(session.token)
    new_token(running)
    return Joined(data_dir, keys, link, client)


def current_key(joined: Joined) -> BackendPublicKey:
    config, _ = joined.client.config(joined.link.policy_version)
    key = next(k for k in config.backend_keys if k.current)
    return BackendPublicKey.from_json(key.model_dump())


def sealed(joined: Joined, manifest: Manifest | None = None, seed: int = 0) -> SealedPacket:
    manifest = manifest or sample_manifest(station_id=joined.station_id)
    return seal(manifest, sample_records(seed=seed), joined.keys, current_key(joined))


def forged(
    joined: Joined,
    recipient: BackendPublicKey,
    *,
    spoil_signature: bool = False,
    unsigned: bool = False,
    manifest: Manifest | None = None,
) -> SealedPacket:
    """A packet built step by step like `seal`, with its signature block spoilt on request.

    Only the HPKE layer is honest: it shows that the backend checks what is inside the encryption."""
    manifest = manifest or sample_manifest(station_id=joined.station_id)
    records = sample_records()
    formats = check_records(records)
    full = manifest.with_records(tuple(record_ref(n, formats[n], d) for n, d in records.items()))
    body = container.encode_body(canonical_json(full.to_document()), records)
    block = b"" if unsigned else signing.sign_body(body, joined.keys)
    if spoil_signature:
        spoilt = bytearray(block)
        spoilt[-10] ^= 0x40  # inside the last entry's signature value (ML-DSA-65)
        block = bytes(spoilt)
    plaintext = container.with_signatures(body, block)
    header = PacketHeader(full.packet_id, recipient.suite, recipient.key_id)
    info = header.encode()
    blob = info + recipient.suite.hpke().encrypt(plaintext, recipient.hpke_key(), info=info)
    return SealedPacket(full.packet_id, header, blob)


def signed_headers(
    joined: Joined, method: str, path: str, body: bytes = b"", **changes: str
) -> dict[str, str]:
    """The station signature headers of one request, as the client makes them (`changes` override)."""
    stamp = rfc3339(utcnow())
    nonce = secrets.token_urlsafe(18)
    digest = hashlib.sha256(body).hexdigest()
    signature = joined.keys.sign(request_bytes(method, path, stamp, nonce, digest)).ed25519
    headers = {
        HEADER_STATION: joined.station_id,
        HEADER_TIME: stamp,
        HEADER_NONCE: nonce,
        HEADER_CONTENT_SHA256: digest,
        HEADER_SIGNATURE: b64(signature),
    }
    return {**headers, **changes}


def raw_request(running: Running, joined: Joined, head: str) -> bytes:
    """Send a request's head over TLS and return the raw answer (the body is never sent)."""
    host, port = running.url.removeprefix("https://").rsplit(":", 1)
    context = ssl.create_default_context(cafile=str(joined.data_dir / PINS_FILE))
    answer = b""
    with (
        socket.create_connection((host, int(port)), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        tls.sendall(head.encode("ascii"))
        while not answer.rstrip().endswith(b"}"):
            chunk = tls.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer


def declare_oversized_packet(running: Running, joined: Joined, signed: bool = True) -> bytes:
    """POST /packets declaring one byte more than the limit, with no body at all; the raw answer.

    Nothing near the limit is allocated or sent: the backend must answer from the declared length
    (after the signature headers, which cover the declared digest, were checked)."""
    host, port = running.url.removeprefix("https://").rsplit(":", 1)
    headers = signed_headers(joined, "POST", "/api/v1/packets", b"x" * 16)
    if not signed:
        headers = {HEADER_STATION: joined.station_id}
    head = (
        "POST /api/v1/packets HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\n"
        "Content-Type: application/octet-stream\r\n"
        f"Content-Length: {MAX_PACKET_BYTES + 1}\r\n"
        f"X-Packet-Id: {new_packet_id()}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    )
    return raw_request(running, joined, head)
