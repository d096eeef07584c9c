"""`kiosk backend serve|add-user|add-person|revoke-station|rotate-keys|stats|inspect-packet|...`: the
reference backend's command, registered by entry point (`kiosk.commands`) so the station's `kiosk.cli`
never imports the backend.

`serve`, `add-user` and `add-person` may start a new backend in an empty folder; the others need one
that exists (a mistyped `--backend-dir` must not make a whole new backend with keys). A folder that is
a file, a port out of range or taken, or a host that is no address is one clear line.
"""

from __future__ import annotations

import argparse
import errno
import getpass
import socket
import sys
from pathlib import Path
from typing import Any

from kiosk.backend import store_cli as backend_store_cmd
from kiosk.backend import upkeep_cli
from kiosk.cli.context import Context
from kiosk.cli.secrets import read_password_file
from kiosk.errors import KioskError

CREATES = ("serve", "add-user", "add-person")
DEFAULT_GRACE_DAYS = 30  # kiosk.backend.keys.DEFAULT_GRACE, without loading the backend to register


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0 to 65535, not {port}")
    return port


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"zero or more, not {value:g}")
    return value


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("backend", help="the reference backend (server and administration)")
    sub = parser.add_subparsers(dest="backend_command", required=True, metavar="ACTION")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--backend-dir", type=Path, required=True, metavar="DIR", help="the backend's state")
        backend_store_cmd.add_options(p)
        return p

    serve = command("serve", "run the backend over HTTPS (writes station-enrolment.json)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8443)
    serve.add_argument(
        "--workers", type=int, default=1, help="ingest processes sharing the port and the store"
    )
    serve.set_defaults(func=_serve)

    user = command("add-user", "add a clerk, supervisor or technician account")
    user.add_argument("--username", required=True)
    user.add_argument("--name", required=True)
    user.add_argument("--role", required=True, choices=["clerk", "supervisor", "technician"])
    user.add_argument("--password-file", type=Path, help="read the password from this file (else prompt)")
    user.add_argument("--json", action="store_true")
    user.set_defaults(func=_add_user)

    person = command("add-person", "add a person the lookup can find")
    who = person.add_mutually_exclusive_group(required=True)
    who.add_argument("--curp")
    who.add_argument(
        "--synthetic",
        type=int,
        metavar="N",
        help="the first N synthetic people (the ones `kiosk enrol --simulated --count N` looks up)",
    )
    person.add_argument("--nss")
    person.add_argument("--name", help="required with --curp")
    person.add_argument("--birth-date", help="YYYY-MM-DD; must agree with the CURP (default: the CURP's)")
    person.add_argument("--replace", action="store_true", help="overwrite a person already there")
    person.set_defaults(func=_add_person)

    revoke = command("revoke-station", "revoke a station: it may no longer submit or log anyone in")
    revoke.add_argument("--station-id", required=True)
    revoke.set_defaults(func=_revoke)

    rotate = command(
        "rotate-keys",
        "make a new packet (HPKE) or signing key current, while the backend runs; old ones overlap",
    )
    rotate.add_argument("--kind", choices=["hpke", "signing"], required=True)
    rotate.add_argument("--suite", choices=["mlkem768x25519", "x25519"], default="mlkem768x25519")
    rotate.add_argument(
        "--activate-in",
        type=_non_negative,
        default=0.0,
        metavar="SECONDS",
        help="current from this many seconds on (time to copy the key file to other machines)",
    )
    rotate.add_argument(
        "--grace-days",
        type=_non_negative,
        default=DEFAULT_GRACE_DAYS,
        metavar="DAYS",
        help="the old keys retire this long after the new one is current (HPKE: they stop opening "
        f"packets; signing: they stop co-signing, still published) (default {DEFAULT_GRACE_DAYS})",
    )
    rotate.add_argument("--json", action="store_true")
    rotate.set_defaults(func=_rotate)

    inspect = command("inspect-packet", "open a sealed packet with this backend's keys, verify it, show it")
    inspect.add_argument("file", type=Path, metavar="FILE", help="the sealed packet")
    inspect.add_argument("--json", action="store_true")
    inspect.set_defaults(func=_inspect_packet)

    stats = command("stats", "counts of packets received, accepted, rejected (by reason) and duplicates")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(func=_stats)

    backend_store_cmd.register(sub, command)
    backend_store_cmd.register_load(sub)
    upkeep_cli.register(command)


def _open(args: argparse.Namespace) -> Any:
    import sqlite3

    from kiosk.backend.service import Backend
    from kiosk.backend.storage import embedded

    directory: Path = args.backend_dir
    storage = backend_store_cmd.config(args)
    existing = directory / ("backend.db" if embedded(storage) else "keys")
    if args.backend_command not in CREATES and not existing.exists():
        raise KioskError("backend.no_backend", path=str(directory))
    try:
        return Backend(directory, storage=storage)
    except Exception as exc:
        error = backend_store_cmd.store_error(exc)
        if error is not None:
            raise error from None
        if not isinstance(exc, (OSError, sqlite3.DatabaseError)):
            raise
        reason = getattr(exc, "strerror", None) or str(exc)
        raise KioskError("backend.dir_unusable", path=str(directory), reason=reason) from None


def _serve(ctx: Context, args: argparse.Namespace) -> int:
    try:
        from kiosk.backend.server import serve
    except ModuleNotFoundError as exc:  # a station bundle, installed without the backend extra
        raise KioskError("backend.extra_missing", module=exc.name or str(exc)) from None

    _open(args).close()  # the folder checked (and made) before anything listens
    try:
        if args.workers > 1:
            from kiosk.backend import workers

            workers.serve(
                args.backend_dir, args.host, args.port, args.workers, backend_store_cmd.config(args)
            )
        else:
            serve(args.backend_dir, args.host, args.port, storage=backend_store_cmd.config(args))
    except OSError as exc:
        if isinstance(exc, socket.gaierror) or exc.errno in (
            errno.EADDRINUSE,
            errno.EADDRNOTAVAIL,
            errno.EACCES,
        ):
            raise KioskError(
                "backend.cannot_listen", host=args.host, port=args.port, reason=exc.strerror or str(exc)
            ) from None
        raise
    return 0


def _add_user(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.backend.errors import ApiError
    from kiosk.backend.operators import add_user

    for field, value in (("username", args.username), ("name", args.name)):
        if not value.strip() or value != value.strip():
            raise KioskError("backend.bad_user", field=field)
    if args.password_file:
        password = read_password_file(args.password_file)
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
    from kiosk.backend.people import validated

    if args.synthetic is not None:
        return _add_synthetic(args)
    if not args.name:
        raise KioskError("backend.bad_user", field="name")
    validated(args.curp, args.nss, args.name, args.birth_date)  # before a new backend would be made
    backend = _open(args)
    try:
        backend.add_person(args.curp, args.nss, args.name, args.birth_date, replace=args.replace)
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
    """A new key in the store: every ingest process of it uses it from its activation, no restart."""
    import datetime as dt

    from kiosk.clock import rfc3339

    backend = _open(args)
    try:
        start = backend.clock() + dt.timedelta(seconds=args.activate_in)
        grace = dt.timedelta(days=args.grace_days)
        if args.kind == "hpke":
            key_id = backend.keys.rotate_hpke(args.suite, activate_at=start, grace=grace)
        else:
            key_id = backend.keys.rotate_signing(activate_at=start, grace=grace)
        row = next(r for r in backend.keys.rows(args.kind) if r.key_id == key_id)
    finally:
        backend.close()
    ctx.emit(
        {
            "kind": args.kind,
            "key_id": key_id,
            "active_from": rfc3339(row.active_from),
            "old_keys_retire_at": rfc3339(row.active_from + grace),
        },
        args.json,
    )
    return 0


def _stats(ctx: Context, args: argparse.Namespace) -> int:
    backend = _open(args)
    try:
        ctx.emit(backend.stats(), args.json)
    finally:
        backend.close()
    return 0


def _inspect_packet(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.backend.inspection import describe, inspect_packet

    try:
        data = inspect_packet(args.file, args.backend_dir, backend_store_cmd.config(args))
    except KioskError:
        raise
    except Exception as exc:
        error = backend_store_cmd.store_error(exc)
        if error is None:
            raise
        raise error from None
    ctx.emit(data, args.json, lambda d: describe(ctx, d))
    return 0


def _add_synthetic(args: argparse.Namespace) -> int:
    """The same people, by the same seed, that the simulated enrolment looks up: a served test backend
    then knows them as the embedded one does. Adding them again rewrites identical rows (their
    biometric status is kept), so it may be run before every test run."""
    from kiosk.synthetic_people import MAX_PEOPLE, people

    if not 1 <= args.synthetic <= MAX_PEOPLE:
        raise KioskError("enrol.bad_count", limit=MAX_PEOPLE)
    backend = _open(args)
    try:
        for person in people(args.synthetic):
            backend.add_person(person.curp, person.nss, person.name, person.birth_date.isoformat())
    finally:
        backend.close()
    return 0
