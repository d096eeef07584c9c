"""`kiosk backend rotate-tls | rejected-retention | purge-rejected | rejected-packets`: upkeep while serving.

Each works on a backend that exists (the folder, and its store as every `kiosk backend` command names
it), and may run while the backend serves: the certificates are files every process reads when it
builds a configuration, the retention and the refused packets are in the store.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.cli.context import Context
from kiosk.errors import KioskError


def register(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    tls = command(
        "rotate-tls",
        "put the next TLS certificate in service (served from the next restart) and make a new next one",
    )
    tls.add_argument(
        "--replace-next", action="store_true", help="only make a new next certificate (the next key leaked)"
    )
    tls.add_argument("--json", action="store_true")
    tls.set_defaults(func=_rotate_tls)

    retention = command("rejected-retention", "show or set how long refused packets are kept, and how many")
    retention.add_argument("--days", type=int, help="keep a refused packet at most this many days")
    retention.add_argument(
        "--max-count", type=int, help="keep at most this many refused packets (the newest)"
    )
    retention.add_argument("--json", action="store_true")
    retention.set_defaults(func=_retention)

    purge = command("purge-rejected", "delete the refused packets kept past the retention now")
    purge.add_argument("--json", action="store_true")
    purge.set_defaults(func=_purge)

    export = command("rejected-packets", "write the refused packets still kept, for inspect-packet")
    export.add_argument("--out", type=Path, required=True, metavar="DIR")
    export.add_argument("--json", action="store_true")
    export.set_defaults(func=_export)


def _open(args: argparse.Namespace) -> Any:
    from kiosk.backend.cli import _open as open_backend

    return open_backend(args)


def _rotate_tls(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.backend import tls
    from kiosk.clock import utcnow

    folder: Path = args.backend_dir / "tls"
    if not (folder / "next.crt").is_file():
        raise KioskError("backend.no_backend", path=str(args.backend_dir))
    tls.rotate(folder, utcnow(), replace_next=args.replace_next)
    pins = {p["role"]: p["sha256"] for p in tls.announced_pins(folder)}
    ctx.emit(pins, args.json)
    return 0


def _retention(ctx: Context, args: argparse.Namespace) -> int:
    from dataclasses import asdict, replace

    from kiosk.backend import retention

    backend = _open(args)
    try:
        chosen = retention.configured(backend)
        if args.days is not None or args.max_count is not None:
            try:
                chosen = replace(
                    chosen,
                    days=chosen.days if args.days is None else args.days,
                    max_count=chosen.max_count if args.max_count is None else args.max_count,
                )
            except ValueError:
                raise KioskError("backend.bad_retention") from None
            retention.configure(backend, chosen)
    finally:
        backend.close()
    ctx.emit(asdict(chosen), args.json)
    return 0


def _purge(ctx: Context, args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from kiosk.backend import retention

    backend = _open(args)
    try:
        purged = retention.purge(backend)
    finally:
        backend.close()
    ctx.emit(asdict(purged), args.json)
    return 0


def _export(ctx: Context, args: argparse.Namespace) -> int:
    """Each kept refused packet as `<packet id>.kpkt` (sealed, as the station sent it), and its reason."""
    from kiosk.backend.objects import ObjectMissing
    from kiosk.private import private_dir, write_private

    backend = _open(args)
    written = []
    try:
        rows = backend.store.all("SELECT * FROM rejected_packets ORDER BY received_at, digest")
        out = private_dir(args.out)
        for row in rows:
            try:
                blob = backend.objects.get_rejected(row["digest"])
            except ObjectMissing:  # purged a moment ago
                continue
            name = f"{row['packet_id']}.kpkt" if row["packet_id"].replace("-", "").isalnum() else None
            path = out / (name or f"{row['digest']}.kpkt")
            write_private(path, blob)
            written.append({"file": str(path), "code": row["code"], "received_at": row["received_at"]})
    finally:
        backend.close()
    ctx.emit(written, args.json)
    return 0
