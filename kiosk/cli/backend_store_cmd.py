"""The store options of `kiosk backend` and `kiosk backend migrate`.

`--database postgresql://…` and `--objects s3://bucket[/prefix]?endpoint=…` choose the institute's
store (default: the environment's KIOSK_BACKEND_DATABASE / KIOSK_BACKEND_OBJECTS, else SQLite and
files in --backend-dir). Kept apart from `backend_cmd` so the two grow without treading on each other.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from kiosk.backend.storage import StoreConfig
from kiosk.cli.context import Context
from kiosk.errors import KioskError


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database", metavar="URL", help="postgresql://… for the records (default: SQLite in --backend-dir)"
    )
    parser.add_argument(
        "--objects",
        metavar="URL",
        help="s3://bucket[/prefix][?endpoint=…] for sealed packets (default: files)",
    )


def config(args: argparse.Namespace) -> StoreConfig:
    env = StoreConfig.from_env()
    return StoreConfig(
        getattr(args, "database", None) or env.database, getattr(args, "objects", None) or env.objects
    )


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
    migrate = command("migrate", "bring the backend's database to the latest schema version (forward only)")
    migrate.add_argument("--json", action="store_true")
    migrate.set_defaults(func=_migrate)


def _migrate(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.backend.migrations import LATEST, migrate_postgresql, migrate_sqlite, postgresql_version
    from kiosk.backend.store import SCHEMA
    from kiosk.private import private_dir
    from kiosk.sqlite_db import connect

    chosen = config(args)
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
