"""The store options of `kiosk backend` and `kiosk backend migrate`.

`--database postgresql://…` and `--objects s3://bucket[/prefix]?endpoint=…` choose the institute's
store (default: the environment's KIOSK_BACKEND_DATABASE / KIOSK_BACKEND_OBJECTS, else SQLite and
files in --backend-dir). Kept apart from `backend_cmd` so the two grow without treading on each other.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.cli.context import Context
from kiosk.errors import KioskError

if TYPE_CHECKING:  # the store (and its drivers) load only when a command runs, not when it is registered
    from kiosk.backend.storage import StoreConfig


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database", metavar="URL", help="postgresql://… for the records (default: SQLite in --backend-dir)"
    )
    parser.add_argument(
        "--objects",
        metavar="URL",
        help="s3://bucket[/prefix][?endpoint=…] for sealed packets (default: files)",
    )


def config(args: argparse.Namespace) -> StoreConfig | None:
    """The store named by the options (or the environment); None: the default (`storage.open_store`)."""
    from kiosk.backend.storage import StoreConfig

    env = StoreConfig.from_env()
    chosen = StoreConfig(
        getattr(args, "database", None) or env.database, getattr(args, "objects", None) or env.objects
    )
    return chosen if chosen.database or chosen.objects else None


def store_error(exc: Exception) -> KioskError | None:
    """A store that cannot be reached or is behind, as one clear line (None: not a store's error)."""
    from kiosk.backend.migrations import LATEST

    name = type(exc).__name__
    if name == "SchemaBehind":
        return KioskError("backend.schema_behind", need=LATEST)
    module = type(exc).__module__ or ""
    if module.startswith(("psycopg", "botocore", "boto3")) or name == "PoolTimeout":
        return KioskError("backend.store_unusable", reason=str(exc).splitlines()[0] if str(exc) else name)
    return None


def register(sub: Any, command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    token = command("station-token", "issue a one-time station token now (the server may be running)")
    token.add_argument("--out", type=Path, help="the enrolment file to write (default: in --backend-dir)")
    token.add_argument("--url", help="the URL stations reach (default: the one `serve` wrote last)")
    token.add_argument("--json", action="store_true")
    token.set_defaults(func=_station_token)

    migrate = command("migrate", "bring the backend's database to the latest schema version (forward only)")
    migrate.add_argument("--json", action="store_true")
    migrate.set_defaults(func=_migrate)


def _migrate(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.backend.migrations import LATEST, migrate_postgresql, migrate_sqlite, postgresql_version
    from kiosk.backend.storage import StoreConfig
    from kiosk.backend.store import SCHEMA
    from kiosk.private import private_dir
    from kiosk.sqlite_db import connect

    chosen = config(args) or StoreConfig()
    try:
        if chosen.database:
            import psycopg

            with psycopg.connect(chosen.database, autocommit=True) as conn:
                applied = migrate_postgresql(conn)
                version = postgresql_version(conn)
        else:
            private_dir(args.backend_dir)
            db = connect(args.backend_dir / "backend.db", SCHEMA)
            try:
                applied = migrate_sqlite(db)
            finally:
                db.close()
            version = LATEST
    except Exception as exc:
        error = store_error(exc)
        if error is None:
            raise
        raise error from None
    ctx.emit({"version": version, "applied": applied}, args.json)
    return 0


def register_load(sub: Any) -> None:
    load = sub.add_parser(
        "load", help="fleet load test: N station processes deliver M sealed packets each over TLS on loopback"
    )
    load.add_argument("--stations", type=int, default=2)
    load.add_argument("--packets", type=int, default=20)
    load.add_argument(
        "--workers", type=int, nargs="+", default=[1], help="ingest processes (several: one run each)"
    )
    load.add_argument("--store", choices=["sqlite", "postgresql"], nargs="+", default=["sqlite"])
    load.add_argument(
        "--packet-kb",
        type=int,
        default=500,
        metavar="KB",
        help="about this size per packet, the institute's order (0: the ~160 KB sample packet)",
    )
    load.add_argument("--json", action="store_true")
    load.set_defaults(func=_load)


def _load(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.benches import fleet

    rows = []
    for kind in args.store:
        for workers in args.workers:
            result = fleet.run(kind, args.stations, args.packets, workers, packet_kb=args.packet_kb)
            rows.append(result.row())
            if not args.json:
                print(
                    f"{result.store:16} workers={workers} stations={result.stations} "
                    f"packets={result.packets} ({result.packet_kb} KB) accepted={result.accepted} "
                    f"{result.packets_per_second}/s p50={result.p50_ms} ms p99={result.p99_ms} ms "
                    f"duplicates={result.duplicates} rejected={result.rejected} retries={result.errors} "
                    f"backend cpu={result.backend_cpu_s} s ({result.backend_cpu_per_packet_ms} ms/packet) "
                    f"rss={result.backend_peak_rss_mb} MB; store cpu={result.store_cpu_s} s",
                    flush=True,
                )
    if args.json:
        ctx.emit(rows, True)
    return 0


def _station_token(ctx: Context, args: argparse.Namespace) -> int:
    """A fresh token in a fresh enrolment file, while `serve` runs or not.

    Tokens live in the store, so the running server (every ingest process of it) accepts the new one
    at once: no restart, and one use only."""
    from kiosk.backend.server import ENROLMENT_FILE
    from kiosk.backend.service import Backend
    from kiosk.private import write_private

    directory: Path = args.backend_dir
    written = directory / ENROLMENT_FILE
    if not (directory / "tls").is_dir() or (args.url is None and not written.is_file()):
        raise KioskError("backend.no_backend", path=str(directory))
    url = args.url or json.loads(written.read_text(encoding="utf-8"))["url"]
    try:
        backend = Backend(directory, storage=config(args))
    except Exception as exc:
        error = store_error(exc)
        if error is None:
            raise
        raise error from None
    try:
        document = {
            "format": "kiosk-station-enrolment-v1",
            "url": url,
            "pins": [p.read_text(encoding="ascii") for p in sorted((directory / "tls").glob("*.crt"))],
            "signing_keys": backend.keys.signing_public_b64(),
            "token": backend.issue_token(),
        }
    finally:
        backend.close()
    out: Path = args.out or written
    write_private(out, json.dumps(document, indent=2).encode("utf-8"))
    ctx.emit({"enrolment_file": str(out), "url": url}, args.json)
    return 0
