"""`kiosk backend serve|add-user|add-person|revoke-station|rotate-keys|stats`: the reference backend."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from kiosk.cli.context import Context
from kiosk.errors import KioskError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("backend", help="the reference backend (server and administration)")
    sub = parser.add_subparsers(dest="backend_command", required=True, metavar="ACTION")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--backend-dir", type=Path, required=True, metavar="DIR", help="the backend's state")
        return p

    serve = command("serve", "run the backend over HTTPS (writes station-enrolment.json)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8443)
    serve.set_defaults(func=_serve)

    user = command("add-user", "add a clerk, supervisor or technician account")
    user.add_argument("--username", required=True)
    user.add_argument("--name", required=True)
    user.add_argument("--role", required=True, choices=["clerk", "supervisor", "technician"])
    user.add_argument("--password-file", type=Path, help="read the password from this file (else prompt)")
    user.add_argument("--json", action="store_true")
    user.set_defaults(func=_add_user)

    person = command("add-person", "add a person the lookup can find")
    person.add_argument("--curp", required=True)
    person.add_argument("--nss")
    person.add_argument("--name", required=True)
    person.add_argument("--birth-date")
    person.set_defaults(func=_add_person)

    revoke = command("revoke-station", "revoke a station: it may no longer submit or log anyone in")
    revoke.add_argument("--station-id", required=True)
    revoke.set_defaults(func=_revoke)

    rotate = command("rotate-keys", "make a new packet (HPKE) or signing key current; old ones stay")
    rotate.add_argument("--kind", choices=["hpke", "signing"], required=True)
    rotate.add_argument("--suite", choices=["mlkem768x25519", "x25519"], default="mlkem768x25519")
    rotate.add_argument("--json", action="store_true")
    rotate.set_defaults(func=_rotate)

    stats = command("stats", "counts of packets received, accepted, rejected (by reason) and duplicates")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(func=_stats)


def _open(args: argparse.Namespace) -> Any:
    from kiosk.backend.service import Backend

    return Backend(args.backend_dir)


def _serve(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.backend.server import serve

    serve(args.backend_dir, args.host, args.port)
    return 0


def _add_user(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.backend.errors import ApiError
    from kiosk.backend.operators import add_user

    if args.password_file:
        password = args.password_file.read_text(encoding="utf-8").rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("password: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    backend = _open(args)
    try:
        operator_id = add_user(backend, args.username, args.name, args.role, password)
    except ApiError as exc:
        raise KioskError(f"backend.error.{exc.code}") from None
    except Exception as exc:
        if "UNIQUE" in str(exc):
            raise KioskError("backend.user_exists", username=args.username) from None
        raise
    finally:
        backend.close()
    ctx.emit({"username": args.username, "operator_id": operator_id, "role": args.role}, args.json)
    return 0


def _add_person(ctx: Context, args: argparse.Namespace) -> int:
    backend = _open(args)
    try:
        backend.add_person(args.curp.upper(), args.nss, args.name, args.birth_date)
    finally:
        backend.close()
    return 0


def _revoke(ctx: Context, args: argparse.Namespace) -> int:
    backend = _open(args)
    try:
        backend.revoke_station(args.station_id)
    except KeyError:
        raise KioskError("backend.error.unknown_station") from None
    finally:
        backend.close()
    return 0


def _rotate(ctx: Context, args: argparse.Namespace) -> int:
    backend = _open(args)
    try:
        key_id = (
            backend.keys.rotate_hpke(args.suite) if args.kind == "hpke" else backend.keys.rotate_signing()
        )
    finally:
        backend.close()
    ctx.emit({"kind": args.kind, "key_id": key_id}, args.json)
    return 0


def _stats(ctx: Context, args: argparse.Namespace) -> int:
    backend = _open(args)
    try:
        ctx.emit(backend.stats(), args.json)
    finally:
        backend.close()
    return 0
