"""Several ingest processes on one store: uvicorn workers sharing one listening socket.

Nothing a request needs lives in a process's memory: the records (tokens, nonces, sessions, packets)
are in the database, the sealed packets in the object store, the keys and certificates in the
backend's folder, read by every worker. So any worker answers any request, a receipt signed by one
verifies with the keys all share, and a worker killed mid-request costs only that request (the
station sends it again; the database accepts each packet once). uvicorn's supervisor starts a new
worker in the place of one that died.
"""

from __future__ import annotations

import os
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from uvicorn.supervisors import Multiprocess

from kiosk.backend.storage import StoreConfig

DIR_ENV = "KIOSK_BACKEND_DIR"


def app() -> FastAPI:
    """The factory each worker process calls: its own connections to the store named by the environment."""
    from kiosk.backend import retention
    from kiosk.backend.app import create_app
    from kiosk.backend.service import Backend

    backend = Backend(Path(os.environ[DIR_ENV]), storage=StoreConfig.from_env())
    retention.Schedule(backend).start()  # a daemon thread: it ends with the worker
    return create_app(backend)


def serve(directory: Path, host: str, port: int, workers: int, storage: StoreConfig | None) -> None:
    """Foreground: the parent makes the folder, certificates and enrolment file, then supervises."""
    from kiosk.backend.server import prepare

    backend, server, sock, url, enrolment = prepare(directory, host, port, storage=storage)
    backend.close()
    os.environ[DIR_ENV] = str(Path(directory).resolve())
    os.environ.update((storage or StoreConfig()).env())
    config = uvicorn.Config(
        "kiosk.backend.workers:app",
        factory=True,
        workers=workers,
        ssl_keyfile=server.config.ssl_keyfile,
        ssl_certfile=server.config.ssl_certfile,
        log_level="warning",
        access_log=False,
        timeout_keep_alive=30,
        lifespan="off",
        timeout_graceful_shutdown=5,
    )
    print(
        f"kiosk backend listening on {url} ({workers} workers)\nstation enrolment file: {enrolment}",
        flush=True,
    )
    Multiprocess(config, sockets=[sock]).run()
