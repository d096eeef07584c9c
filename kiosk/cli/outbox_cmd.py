"""`kiosk outbox status|flush|export|import`: what waits to be delivered, and moving it by hand.

`status --json` gives the count in each state under the state's name (sealed, sending, delivered,
rejected, purged), the rejections by reason, how many waiting packets were exported, and the age of
the oldest undelivered packet in seconds (null when nothing waits).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from kiosk.cli.context import Context
from kiosk.errors import KioskError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("outbox", help="sealed packets waiting for delivery")
    sub = parser.add_subparsers(dest="outbox_command", required=True, metavar="ACTION")
    status = sub.add_parser("status", help="packets in each state and the oldest pending age")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=_status)
    flush = sub.add_parser("flush", help="deliver every pending packet now")
    flush.add_argument("--timeout", type=float, default=120.0, help="give up after this many seconds")
    flush.add_argument("--json", action="store_true")
    flush.set_defaults(func=_flush)
    export = sub.add_parser("export", help="copy pending packets to a folder (removable media)")
    export.add_argument("dir", type=Path)
    export.add_argument("--json", action="store_true")
    export.set_defaults(func=_export)
    imp = sub.add_parser("import", help="queue the packets of an exported folder for delivery")
    imp.add_argument("dir", type=Path)
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(func=_import)


def status_data(data_dir: Path, now: float) -> dict[str, Any]:
    from kiosk.outbox.delivery import open_outbox

    store = open_outbox(data_dir)
    try:
        counts = store.counts()
    finally:
        store.close()
    oldest = counts.pop("oldest_pending_created_at")
    counts["oldest_pending_age_s"] = None if oldest is None else round(max(0.0, now - oldest), 1)
    return counts


def _status(ctx: Context, args: argparse.Namespace) -> int:
    ctx.emit(status_data(ctx.data_dir, time.time()), args.json)
    return 0


def _station(ctx: Context) -> Any:
    from kiosk.station.keys import StationKeys
    from kiosk.station.link import StationLink

    link = StationLink.load(ctx.data_dir)
    if link is None:
        raise KioskError("station.not_registered")
    return link, StationKeys.load_or_create(ctx.data_dir)


def _audit(ctx: Context, keys: Any, event: str, **fields: Any) -> None:
    from kiosk.audit.station import open_station_log

    log = open_station_log(ctx.data_dir, keys)
    try:
        log.append(event, fields=fields)
    finally:
        log.close()


def _flush(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.outbox.delivery import deliver_with, open_outbox
    from kiosk.outbox.sender import Sender

    link, keys = _station(ctx)
    client = link.client(ctx.data_dir, keys, ctx.config["backend.timeout"])
    store = open_outbox(ctx.data_dir)
    try:
        store.recover()
        store.make_due()
        sender = Sender(store, deliver_with(client))
        outcomes = sender.drain(deadline=time.time() + args.timeout)
        waiting, _oldest = store.waiting()
        result = {
            "delivered": sum(o.result == "delivered" for o in outcomes),
            "rejected": sum(o.result == "rejected" for o in outcomes),
            "postponed": sum(o.result == "retry" for o in outcomes),
            "waiting": waiting,
            "last_error": ctx.text(sender.last_error.message) if sender.last_error else None,
        }
    finally:
        store.close()
        client.http.close()
    ctx.emit(result, args.json)
    return 0 if result["waiting"] == 0 else 1


def _export(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.audit import events
    from kiosk.outbox import media
    from kiosk.outbox.delivery import open_outbox

    link, keys = _station(ctx)
    store = open_outbox(ctx.data_dir)
    try:
        document = media.export(
            store,
            args.dir,
            link.station_id,
            keys.public.to_json(),
            lambda d: keys.sign(d).to_bytes(),
            time.time(),
        )
    finally:
        store.close()
    _audit(ctx, keys, events.OUTBOX_EXPORT, packets=len(document["packets"]))
    ctx.emit({"dir": str(args.dir), "packets": len(document["packets"])}, args.json)
    return 0


def _import(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.audit import events
    from kiosk.outbox import media
    from kiosk.outbox.delivery import open_outbox

    store = open_outbox(ctx.data_dir)
    try:
        result = media.import_folder(store, args.dir)
    finally:
        store.close()
    from kiosk.station.link import StationLink

    if StationLink.load(ctx.data_dir) is not None:  # an unregistered helper machine keeps no audit log
        from kiosk.station.keys import StationKeys

        _audit(
            ctx,
            StationKeys.load_or_create(ctx.data_dir),
            events.OUTBOX_IMPORT,
            from_station=result["station_id"],
            imported=result["imported"],
            already_here=result["already_here"],
        )
    ctx.emit(result, args.json)
    return 0
