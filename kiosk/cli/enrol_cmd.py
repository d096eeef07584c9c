"""`kiosk enrol --simulated`: complete headless enrolments of synthetic people (acceptance and load test).

One line per person as each finishes, in the operator's language, then where the station's folder is,
so `kiosk outbox status` and `kiosk audit verify` can be pointed at it; `--json` prints only the
results, as one JSON array.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any

from kiosk.cli.context import Context, write_out
from kiosk.cli.secrets import read_password_file
from kiosk.errors import KioskError
from kiosk.messages import Message


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("enrol", help="headless enrolments with simulated devices")
    parser.add_argument(
        "--simulated", action="store_true", required=True, help="synthetic people, simulated devices"
    )
    parser.add_argument("--count", type=int, default=1, help="how many people (1-1000, default 1)")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--embedded", action="store_true", help="start the reference backend on loopback")
    where.add_argument("--enrolment-file", type=Path, metavar="FILE", help="join the backend this file names")
    where.add_argument("--registered", action="store_true", help="use the station's registered backend")
    parser.add_argument("--username", help="clerk's user name (not with --embedded)")
    parser.add_argument("--password-file", type=Path, help="clerk's password file (or KIOSK_PASSWORD)")
    parser.add_argument("--fiel-cer", type=Path, metavar="FILE", help="log in with this e.firma certificate")
    parser.add_argument("--fiel-key", type=Path, metavar="FILE", help="the e.firma's private key (.key)")
    parser.add_argument(
        "--fiel-password-file", type=Path, help="the e.firma key's password (or KIOSK_FIEL_PASSWORD)"
    )
    parser.add_argument("--supervisor", help="supervisor who confirms what the policy asks a supervisor for")
    parser.add_argument("--supervisor-password-file", type=Path)
    parser.add_argument("--technician", help="technician who registers the simulated devices, if needed")
    parser.add_argument("--technician-password-file", type=Path)
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=_enrol)


def _secret(file: Path | None, env: str) -> str | None:
    if file is not None:
        return read_password_file(file)
    return os.environ.get(env)


def _credentials(user: str | None, file: Path | None, env: str) -> Any:
    from kiosk.enrol.runner import Credentials

    if not user:
        return None
    password = _secret(file, env)
    if password is None:
        raise KioskError("enrol.no_operator")
    return Credentials(user, password)


def _enrol(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.enrol.headless import MAX_COUNT, FielFiles, Plan, run

    if not 1 <= args.count <= MAX_COUNT:
        raise KioskError("enrol.bad_count", limit=MAX_COUNT)
    data_dir = ctx.data_dir
    if args.embedded and ctx.config.source("data_dir") == "default":
        data_dir = Path(tempfile.mkdtemp(prefix="kiosk-demo-")) / "station"  # never the real station's
    plan = Plan(
        args.count,
        data_dir,
        embedded=args.embedded,
        enrolment_file=args.enrolment_file,
        timeout=ctx.config["backend.timeout"],
    )
    plan.clerk = _credentials(args.username, args.password_file, "KIOSK_PASSWORD")
    plan.supervisor = _credentials(
        args.supervisor, args.supervisor_password_file, "KIOSK_SUPERVISOR_PASSWORD"
    )
    plan.technician = _credentials(
        args.technician, args.technician_password_file, "KIOSK_TECHNICIAN_PASSWORD"
    )
    if args.fiel_cer or args.fiel_key:
        if not (args.fiel_cer and args.fiel_key):
            raise KioskError("enrol.fiel_incomplete")
        password = _secret(args.fiel_password_file, "KIOSK_FIEL_PASSWORD")
        if password is None:
            raise KioskError("enrol.fiel_incomplete")
        plan.fiel = FielFiles(args.fiel_cer, args.fiel_key, password)
    elif not args.embedded and plan.clerk is None:
        raise KioskError("enrol.no_operator")

    def progress(result: Any) -> None:
        if not args.json:
            write_out(ctx.out, ctx.text(_line(result)) + "\n")

    results = run(plan, progress)
    if args.json:
        ctx.emit([r.to_json(ctx.language) for r in results], True)
    else:
        write_out(ctx.out, ctx.text(Message("enrol.where", {"dir": str(data_dir)})) + "\n")
    return 0 if all(r.outcome == "delivered" and r.receipt_verified for r in results) else 1


def _line(result: Any) -> Message:
    """One line per person: who (masked), what happened, the folio or why not, how long it took."""
    fingers = result.fingers or {}
    details = Message(
        "enrol.line_details",
        {
            "captured": fingers.get("captured", 0) + fingers.get("below_threshold", 0),
            "below": fingers.get("below_threshold", 0),
            "exceptions": fingers.get("exceptions", 0),
            "face": Message("enrol.face_ok" if result.face_passed else "enrol.face_below"),
            "seconds": round(result.timings_ms.get("total", 0) / 1000, 1),
        },
    )
    code = {
        "delivered": "enrol.line_delivered",
        "pending": "enrol.line_pending",
        "refused": "enrol.line_refused",
    }.get(result.outcome, "enrol.line_not_enrolled")
    return Message(
        code,
        {
            "person": result.person,
            "folio": result.folio or "-",
            "details": details,
            "why": result.message or "",
        },
    )
