"""`kiosk enrol --simulated`: complete headless enrolments of synthetic people (acceptance and load test)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from kiosk.cli.context import Context, table
from kiosk.errors import KioskError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("enrol", help="headless enrolments with simulated devices")
    parser.add_argument(
        "--simulated", action="store_true", required=True, help="synthetic people, simulated devices"
    )
    parser.add_argument("--count", type=int, default=1, help="how many people (default 1)")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--embedded", action="store_true", help="start the reference backend on loopback")
    where.add_argument("--enrolment-file", type=Path, metavar="FILE", help="join the backend this file names")
    where.add_argument("--registered", action="store_true", help="use the station's registered backend")
    parser.add_argument("--username", help="clerk's user name (not with --embedded)")
    parser.add_argument("--password-file", type=Path, help="clerk's password file (or KIOSK_PASSWORD)")
    parser.add_argument("--technician", help="technician who registers the simulated devices, if needed")
    parser.add_argument("--technician-password-file", type=Path)
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=_enrol)


def _password(file: Path | None, env: str) -> str | None:
    if file is not None:
        return file.read_text(encoding="utf-8").rstrip("\r\n")
    return os.environ.get(env)


def _enrol(ctx: Context, args: argparse.Namespace) -> int:
    from kiosk.enrol.runner import Credentials, run

    if args.count < 1:
        raise KioskError("enrol.bad_count")
    clerk = technician = None
    if not args.embedded:
        password = _password(args.password_file, "KIOSK_PASSWORD")
        if not args.username or password is None:
            raise KioskError("enrol.no_operator")
        clerk = Credentials(args.username, password)
        if args.technician:
            tech_password = _password(args.technician_password_file, "KIOSK_TECHNICIAN_PASSWORD")
            if tech_password is None:
                raise KioskError("enrol.no_operator")
            technician = Credentials(args.technician, tech_password)

    def progress(result: Any) -> None:
        if not args.json:
            state = ctx.text(_msg("enrol.delivered" if result.receipt_verified else "enrol.pending"))
            ctx.err.write(
                f"{result.person}  {result.folio or '-'}  {state}  {result.timings_ms['total']:.0f} ms\n"
            )

    results = run(
        args.count,
        ctx.data_dir,
        args.enrolment_file,
        clerk,
        technician,
        ctx.config["backend.timeout"],
        args.embedded,
        progress,
    )
    data = [r.to_json() for r in results]

    def human(rows: list[dict[str, Any]]) -> str:
        return table(
            [
                [
                    r["packet_id"],
                    r["folio"] or "-",
                    "yes" if r["receipt_verified"] else "NO",
                    str(r["fingers"]["captured"]),
                    f"{r['timings_ms']['total']:.0f}",
                ]
                for r in rows
            ],
            ["packet", "folio", "receipt verified", "fingers ok", "ms"],
        )

    ctx.emit(data, args.json, human)
    return 0 if all(r.receipt_verified for r in results) else 1


def _msg(code: str) -> Any:
    from kiosk.messages import Message

    return Message(code)
