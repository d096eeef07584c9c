"""`kiosk station register|status`: joining a backend and showing the link."""

from __future__ import annotations

import argparse
import socket
from pathlib import Path
from typing import Any

from kiosk.cli.context import Context


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("station", help="this station's registration with its backend")
    sub = parser.add_subparsers(dest="station_command", required=True, metavar="ACTION")
    reg = sub.add_parser("register", help="join a backend with its station-enrolment.json (one-time token)")
    reg.add_argument("--enrolment-file", type=Path, required=True, metavar="FILE")
    reg.add_argument("--name", default=socket.gethostname(), help="the station's name at the backend")
    reg.add_argument("--json", action="store_true")
    reg.set_defaults(func=_register)
    status = sub.add_parser("status", help="station id, backend, policy version, key storage")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=_status)


def _register(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.station.keys import StationKeys
    from kiosk.station.link import register as join

    keys = StationKeys.load_or_create(ctx.data_dir)
    link, config = join(ctx.data_dir, args.enrolment_file, args.name, keys, ctx.config["backend.timeout"])
    ctx.emit(
        {
            "station_id": link.station_id,
            "url": link.url,
            "policy_version": config.policy.version,
            "key_storage": keys.location,
        },
        args.json,
    )
    return 0


def _status(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.errors import KioskError
    from kiosk.station.keys import load_public
    from kiosk.station.link import StationLink

    link = StationLink.load(ctx.data_dir)
    if link is None:
        raise KioskError("station.not_registered")
    public = load_public(ctx.data_dir)
    ctx.emit(
        {
            "station_id": link.station_id,
            "name": link.name,
            "url": link.url,
            "registered_at": link.registered_at,
            "policy_version": link.policy_version,
            "key_fingerprint": public.fingerprint if public else None,
        },
        args.json,
    )
    return 0
