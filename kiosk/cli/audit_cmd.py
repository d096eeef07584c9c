"""`kiosk audit verify`: is the station's audit log whole, and if not, where is it broken?

Exits 0 when every entry and checkpoint checks out, 1 when anything does not (after printing every
finding with its file, line and sequence number). Signatures are checked with the station's public
key from the data directory, or with `--public-key FILE` (a `station-public.json`) when verifying a
copy of another station's log.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.audit.chain import AUDIT_DIR
from kiosk.audit.station import station_verifier
from kiosk.audit.verify import verify_log
from kiosk.cli.context import Context
from kiosk.messages import Message

EXIT_BROKEN = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("audit", help="check the station's audit log")
    sub = parser.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = sub.add_parser("verify", help="find edited, deleted, inserted, reordered or cut-off entries")
    verify.add_argument("--json", action="store_true", help="machine-readable output")
    verify.add_argument("--dir", type=Path, metavar="DIR", help="an audit folder (default: <data-dir>/audit)")
    verify.add_argument(
        "--public-key", type=Path, metavar="FILE", help="station-public.json to check checkpoints with"
    )
    verify.add_argument(
        "--no-signatures", action="store_true", help="check the chain only (no key available): weaker"
    )
    verify.set_defaults(func=run_verify)


def run_verify(ctx: Context, args: argparse.Namespace) -> int:
    directory = args.dir or ctx.data_dir / AUDIT_DIR
    verifier = None if args.no_signatures else station_verifier(ctx.data_dir, args.public_key)
    report = verify_log(directory, verify=verifier)
    data = report.to_json(ctx.language)

    def human(d: dict[str, Any]) -> str:
        code = "audit.verify.ok" if d["ok"] else "audit.verify.broken"
        params = {
            k: d[k] for k in ("entries", "last_seq", "checkpoints", "last_checkpoint_seq", "unprotected")
        }
        lines = [ctx.text(Message(code, {**params, "issues": len(d["issues"]), "directory": d["directory"]}))]
        lines += ["  " + i["text"] for i in d["issues"]]
        lines += ["  " + n["text"] for n in d["notes"]]
        if not d["signatures_checked"]:
            lines.append(ctx.text(Message("audit.verify.unsigned")))
        return "\n".join(lines)

    ctx.emit(data, args.json, human)
    return 0 if report.ok else EXIT_BROKEN
