"""`kiosk id check VALUE...`: check CURPs, NSS, RFCs and registros patronales as the lookup screen does.

One result per value, in the order given; the kind is guessed from the shape unless `--as` says it.
Like other checkers (linters, `sha256sum -c`), the command exits 1 when any value is invalid, so a
script can use it as a test; warnings alone (an RFC check digit, a generic RFC) still exit 0.
"""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli.context import Context
from kiosk.identity import KINDS, check
from kiosk.messages import Message

EXIT_INVALID = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("id", help="check identifiers: CURP, NSS, RFC, registro patronal")
    sub = parser.add_subparsers(dest="id_command", required=True, metavar="ACTION")
    run = sub.add_parser(
        "check",
        help="check each value and say what is wrong and where (exit 1 when any is invalid)",
        description="Check each value; exit status 1 when any value is invalid, 0 otherwise.",
    )
    run.add_argument("values", nargs="+", metavar="VALUE", help="a CURP, NSS, RFC or registro patronal")
    run.add_argument(
        "--as",
        dest="kind",
        choices=[k for k in KINDS if k != "unknown"],
        help="check as this kind instead of guessing",
    )
    run.add_argument("--json", action="store_true", help="machine-readable output")
    run.set_defaults(func=check_ids)


def check_ids(ctx: Context, args: argparse.Namespace) -> int:
    results = [check(value, args.kind) for value in args.values]
    data = [r.to_json(ctx.language) for r in results]

    def human(rows: list[dict[str, Any]]) -> str:
        lines: list[str] = []
        for row in rows:
            kind = ctx.text(Message(f"identity.kind.{row['kind']}"))
            verdict = ctx.text(Message("identity.cli.valid" if row["valid"] else "identity.cli.invalid"))
            shown = row["normalized"] or row["input"]
            lines.append(f"{shown}  {kind}  {verdict}")
            lines += [f"  {ctx.text(Message('identity.cli.error'))}: {e['text']}" for e in row["errors"]]
            lines += [f"  {ctx.text(Message('identity.cli.warning'))}: {w['text']}" for w in row["warnings"]]
        return "\n".join(lines)

    ctx.emit(data, args.json, human)
    return 0 if all(r.valid for r in results) else EXIT_INVALID
