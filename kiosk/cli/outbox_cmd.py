"""`kiosk outbox status|check|salvage|flush|export|import`: what waits to be delivered, whether the
outbox is whole, and moving packets by hand.

`status --json` gives the count in each state under the state's name (sealed, sending, delivered,
rejected, purged), the rejections by reason, how many waiting packets were exported, the age of
the oldest undelivered packet in seconds (null when nothing waits), and `health` (see
`kiosk.outbox.health`): status exits 1 when the outbox is damaged or missing packets the audit log
records. `check` is the thorough check alone; `salvage` is the recovery (`kiosk.outbox.salvage`).
Deliveries made by `flush` are audited, and the station's audit checkpoints go to the backend with
them.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kiosk.cli.context import Context
from kiosk.cli.operator import add_operator_options, require_operator
from kiosk.errors import KioskError
from kiosk.messages import Message
from kiosk.roles import Permission


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("outbox", help="sealed packets waiting for delivery")
    sub = parser.add_subparsers(dest="outbox_command", required=True, metavar="ACTION")
    status = sub.add_parser("status", help="packets in each state and the oldest pending age")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=_status)
    check = sub.add_parser("check", help="integrity of the outbox file, cross-checked with the audit log")
    check.add_argument("--json", action="store_true")
    check.set_defaults(func=_check)
    salvage = sub.add_parser(
        "salvage", help="quarantine a damaged outbox, keep every readable packet, recover the rest"
    )
    salvage.add_argument(
        "--accept-loss", action="store_true", help="record (audited) packets that cannot be recovered"
    )
    salvage.add_argument("--json", action="store_true")
    add_operator_options(salvage)
    salvage.set_defaults(func=_salvage)
    flush = sub.add_parser("flush", help="deliver every pending packet now")
    flush.add_argument("--timeout", type=float, default=120.0, help="give up after this many seconds")
    flush.add_argument("--json", action="store_true")
    flush.set_defaults(func=_flush)
    export = sub.add_parser("export", help="copy pending packets to a folder (removable media)")
    export.add_argument("dir", type=Path)
    export.add_argument("--json", action="store_true")
    add_operator_options(export)
    export.set_defaults(func=_export)
    imp = sub.add_parser("import", help="queue the packets of an exported folder for delivery")
    imp.add_argument("dir", type=Path)
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(func=_import)


@contextmanager
def opened(data_dir: Path) -> Iterator[Any]:
    """The station's outbox; a file SQLite cannot read is one clear error naming the way out."""
    from kiosk.outbox.delivery import open_outbox
    from kiosk.outbox.health import OUTBOX_FILE

    path = data_dir / OUTBOX_FILE
    try:
        store = open_outbox(data_dir)
    except sqlite3.DatabaseError as exc:
        raise KioskError("outbox.corrupt", path=str(path), reason=str(exc)) from None
    try:
        yield store
    except sqlite3.DatabaseError as exc:
        raise KioskError("outbox.corrupt", path=str(path), reason=str(exc)) from None
    finally:
        store.close()


def status_data(data_dir: Path, now: float) -> dict[str, Any]:
    """The counts; an outbox that does not exist is counted empty, not created (that is for a sender)."""
    from kiosk.outbox.health import OUTBOX_FILE
    from kiosk.outbox.store import STATES

    if not (data_dir / OUTBOX_FILE).exists():
        empty: dict[str, Any] = dict.fromkeys(STATES, 0)
        empty.update(rejected_by_reason={}, exported_waiting=0, oldest_pending_age_s=None)
        return empty
    with opened(data_dir) as store:
        counts = store.counts()
    oldest = counts.pop("oldest_pending_created_at")
    counts["oldest_pending_age_s"] = None if oldest is None else round(max(0.0, now - oldest), 1)
    return counts


def _status(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.outbox.health import inspect_outbox

    health = inspect_outbox(ctx.data_dir)  # before the store is opened: opening would create a new file
    problem = health.message()
    if health.state == "corrupt":
        raise KioskError(problem or Message("outbox.corrupt", {"path": str(health.path), "reason": "-"}))
    data = status_data(ctx.data_dir, time.time())
    data["health"] = health.to_json(ctx.language)

    def human(d: dict[str, Any]) -> str:
        from kiosk.cli.context import plain

        shown = plain({k: v for k, v in d.items() if k != "health"})
        return shown + ("\n" + ctx.text(problem) if problem else "")

    ctx.emit(data, args.json, human)
    return 0 if problem is None else 1


def _check(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.outbox.health import inspect_outbox

    health = inspect_outbox(ctx.data_dir, thorough=True)
    problem = health.message()

    def human(d: dict[str, Any]) -> str:
        if problem is None:
            return ctx.text(Message("outbox.healthy", {"rows": d["rows"]}))
        lines = [ctx.text(problem)]
        lines += [f"  {m['packet_id']}  {m['sealed_at']}  {'delivered' if m['delivered'] else '-'}"
                  for m in d["missing"]]  # fmt: skip
        return "\n".join(lines)

    ctx.emit(health.to_json(ctx.language), args.json, human)
    return 0 if problem is None else 1


def _salvage(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.audit.station import open_station_log

    require_operator(ctx, args, Permission.OUTBOX_EXPORT, "outbox salvage")
    from kiosk.outbox.salvage import salvage
    from kiosk.station.keys import StationKeys
    from kiosk.station.link import StationLink

    link = StationLink.load(ctx.data_dir)
    keys = StationKeys.load_or_create(ctx.data_dir)
    client = link.client(ctx.data_dir, keys, ctx.config["backend.timeout"]) if link else None
    audit = open_station_log(ctx.data_dir, keys)
    try:
        report = salvage(ctx.data_dir, audit, _asker(client) if client else None, args.accept_loss)
    finally:
        audit.close()
        if client is not None:
            client.http.close()
    data = report.to_json()
    lost = report.lost and not report.reconciled

    def human(d: dict[str, Any]) -> str:
        from kiosk.cli.context import plain

        if not any(d[k] for k in ("quarantined", "salvaged", "from_backend", "lost")):
            return ctx.text(Message("outbox.salvage_nothing"))
        shown = plain({k: v for k, v in d.items() if k != "lost"})
        if lost:
            ids = ", ".join(m["packet_id"] for m in d["lost"][:5])
            params = {"lost": len(d["lost"]), "ids": ids, "report": d["report_file"]}
            shown += "\n" + ctx.text(Message("outbox.salvage_lost", params))
        return shown

    ctx.emit(data, args.json, human)
    return 1 if lost else 0


def _asker(client: Any) -> Any:
    """For the salvage: a packet's receipt from the backend, verified, or None when it never arrived."""
    import json

    from kiosk.client.http import BackendError

    def ask(packet_id: str) -> tuple[str, str, str] | None:
        try:
            status = client.status(packet_id)
        except BackendError as exc:
            if exc.api_code == "packet_not_found":
                return None
            raise
        body = client.verify_receipt(status.receipt, packet_id, None)
        receipt = json.dumps({"envelope": status.receipt.model_dump(), "body": body.model_dump()})
        return receipt, body.folio, body.digest

    return ask


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
    from kiosk.audit.remote import CheckpointCourier
    from kiosk.audit.station import open_station_log
    from kiosk.outbox.delivery import deliver_with
    from kiosk.outbox.sender import Sender

    link, keys = _station(ctx)
    client = link.client(ctx.data_dir, keys, ctx.config["backend.timeout"])
    audit = open_station_log(ctx.data_dir, keys)
    try:
        with opened(ctx.data_dir) as store:
            store.recover()
            store.make_due()
            sender = Sender(store, deliver_with(client), audit=audit)
            outcomes = sender.drain(deadline=time.time() + args.timeout)
            waiting, _oldest = store.waiting()
        courier = CheckpointCourier(client, audit)
        if sender.last_error is None:  # the backend answered: the audit checkpoint goes with the packets
            courier()
        result = {
            "delivered": sum(o.result == "delivered" for o in outcomes),
            "rejected": sum(o.result == "rejected" for o in outcomes),
            "postponed": sum(o.result == "retry" for o in outcomes),
            "waiting": waiting,
            "last_error": ctx.text(sender.last_error.message) if sender.last_error else None,
            "audit_checkpoint": courier.delivered_head is not None,
        }
    finally:
        audit.close()
        client.http.close()
    ctx.emit(result, args.json)
    return 0 if result["waiting"] == 0 else 1


def _export(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.audit import events
    from kiosk.outbox import media

    link, keys = _station(ctx)
    require_operator(ctx, args, Permission.OUTBOX_EXPORT, "outbox export")
    with opened(ctx.data_dir) as store:
        try:
            document = media.export(
                store,
                args.dir,
                link.station_id,
                keys.public.to_json(),
                lambda d: keys.sign(d).to_bytes(),
                time.time(),
            )
        except OSError as exc:  # a file, a read-only medium, a full stick: the user's to fix
            raise KioskError(
                "outbox.not_a_folder", path=str(args.dir), reason=exc.strerror or str(exc)
            ) from None
    _audit(ctx, keys, events.OUTBOX_EXPORT, packets=len(document["packets"]))
    ctx.emit({"dir": str(args.dir), "packets": len(document["packets"])}, args.json)
    return 0


def _import(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.audit import events
    from kiosk.outbox import media

    with opened(ctx.data_dir) as store:
        result = media.import_folder(store, args.dir)
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
