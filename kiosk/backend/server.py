"""Running the reference backend: over TLS always (no plain-HTTP mode, the demo included), in the
foreground for `kiosk backend serve` or in a thread on loopback for the demo and the tests.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from kiosk.backend import retention
from kiosk.backend.app import create_app
from kiosk.backend.service import Backend, token_hash
from kiosk.backend.storage import StoreConfig
from kiosk.backend.tls import DEFAULT_NAMES, ensure_certificates
from kiosk.clock import Clock, parse_rfc3339, utcnow

ENROLMENT_FILE = "station-enrolment.json"


@dataclass
class Running:
    backend: Backend
    url: str
    enrolment_file: Path
    server: uvicorn.Server
    thread: threading.Thread | None = None
    purges: retention.Schedule | None = None

    def stop(self) -> None:
        """Finish the requests in flight, then drop idle keep-alive connections at once.

        uvicorn's graceful shutdown otherwise waits for every idle client to end its TLS session,
        and a client that keeps a pooled connection open (the outbox sender, a test holding an
        exception) held the backend for asyncio's SSL shutdown timeout."""
        self.server.should_exit = True
        if self.thread is not None:
            deadline = time.monotonic() + 10
            while self.thread.is_alive() and time.monotonic() < deadline:
                if not self.server.server_state.tasks:  # no request in flight
                    self.server.force_exit = True
                self.thread.join(0.05)
        if self.purges is not None:
            self.purges.stop()
        self.backend.close()


def _host_for_url(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - a listening address, mapped to a name stations can reach
        return socket.gethostname()
    return f"[{host}]" if ":" in host else host


def write_enrolment_file(backend: Backend, url: str, pins: list[bytes]) -> Path:
    """What a station needs to join: the URL, the pinned certificates, the signing keys, a one-time token."""
    path = backend.dir / ENROLMENT_FILE
    token = None
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8")).get("token")
        row = backend.store.one("SELECT * FROM tokens WHERE token_hash = ?", token_hash(old)) if old else None
        if row is not None and not row["used_at"] and parse_rfc3339(row["expires_at"]) > backend.clock():
            token = old
    document = {
        "format": "kiosk-station-enrolment-v1",
        "url": url,
        "pins": [pem.decode("ascii") for pem in pins],
        "signing_keys": backend.keys.signing_public_b64(),
        "token": token or backend.issue_token(),
    }
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # ingest processes starting together never share it
    tmp.write_text(json.dumps(document, indent=2), encoding="utf-8")
    tmp.chmod(0o600)  # the token lets one station join: not for everyone on the machine
    tmp.replace(path)
    return path


def prepare(
    directory: Path,
    host: str,
    port: int,
    clock: Clock = utcnow,
    names: tuple[str, ...] = (),
    storage: StoreConfig | None = None,
) -> tuple[Backend, uvicorn.Server, socket.socket, str, Path]:
    backend = Backend(directory, clock, storage)
    key, cert, pins = ensure_certificates(
        directory / "tls", (*DEFAULT_NAMES, *names, socket.gethostname()), clock()
    )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named: asyncio sets TCP_NODELAY only on sockets whose proto says TCP, and without it
    # every answer waited ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    url = f"https://{_host_for_url(host)}:{bound_port}"
    enrolment = write_enrolment_file(backend, url, pins)
    config = uvicorn.Config(
        create_app(backend),
        ssl_keyfile=str(key),
        ssl_certfile=str(cert),
        log_level="warning",
        access_log=False,
        timeout_keep_alive=30,
        lifespan="off",  # the app has no startup work; and a fast stop must not cancel a lifespan task
        timeout_graceful_shutdown=5,  # Ctrl-C must not wait for idle stations to end their TLS sessions
    )
    return backend, uvicorn.Server(config), sock, url, enrolment


def serve(
    directory: Path,
    host: str = "127.0.0.1",
    port: int = 8443,
    clock: Clock = utcnow,
    storage: StoreConfig | None = None,
) -> None:
    """Foreground server for `kiosk backend serve` (Ctrl-C stops it)."""
    backend, server, sock, url, enrolment = prepare(directory, host, port, clock, storage=storage)
    print(f"kiosk backend listening on {url}\nstation enrolment file: {enrolment}", flush=True)
    purges = retention.Schedule(backend).start()
    try:
        server.run(sockets=[sock])
    finally:
        purges.stop()
        backend.close()


def start_in_thread(
    directory: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    clock: Clock = utcnow,
    storage: StoreConfig | None = None,
) -> Running:
    """The embedded backend of the demo and the tests: loopback, a free port, ready when this returns."""
    backend, server, sock, url, enrolment = prepare(directory, host, port, clock, storage=storage)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="reference-backend", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the embedded backend did not start")
        time.sleep(0.02)
    return Running(backend, url, enrolment, server, thread, retention.Schedule(backend).start())


def enrolment_document(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))
