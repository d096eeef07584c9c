"""`kiosk audit verify`: is the station's audit log whole, and if not, where is it broken?

Exits 0 when every entry and checkpoint checks out, 1 when anything does not (after printing every
finding with its file, line and sequence number). Signatures are checked with the station's public
key from the data directory, or with `--public-key FILE` (a `station-public.json`) when verifying a
copy of another station's log.

The station's own log is also compared with the last checkpoint its backend acknowledged, when the
station is registered and the backend answers (`--offline` skips it): a log cut together with its
newest checkpoints, or deleted whole, shows there. A `--dir` that is no folder is an error; the
station's own log folder missing is a finding.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.audit.chain import AUDIT_DIR
from kiosk.audit.station import station_verifier
from kiosk.audit.verify import Issue, Remote, verify_log
from kiosk.cli.context import Context
from kiosk.cli.operator import add_operator_options, check_operator
from kiosk.errors import KioskError
from kiosk.messages import Message
from kiosk.roles import Permission

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
    verify.add_argument(
        "--offline", action="store_true", help="do not ask the backend for its last acknowledged checkpoint"
    )
    add_operator_options(verify)
    verify.set_defaults(func=run_verify)


def run_verify(ctx: Context, args: argparse.Namespace) -> int:
    own = ctx.data_dir / AUDIT_DIR
    directory = args.dir or own
    if args.dir is not None and not args.dir.is_dir():
        raise KioskError("audit.no_such_dir", path=str(args.dir))
    record = None
    if args.dir is None or args.dir.resolve() == own.resolve():  # this station's own log: its operators only
        _operator, record = check_operator(ctx, args, Permission.VERIFY_AUDIT, "audit verify")
    verifier = None if args.no_signatures else station_verifier(ctx.data_dir, args.public_key)
    remote, remote_note = (None, None) if args.offline else _remote(ctx, directory, own)
    report = verify_log(directory, verify=verifier, remote=remote)
    if not directory.is_dir():
        report.issues.insert(0, Issue("missing_log", str(directory)))
    data = report.to_json(ctx.language)
    data["remote"] = None if remote is None else remote.__dict__
    if remote_note is not None:
        data["notes"].append({"kind": remote_note.code, "text": ctx.text(remote_note)})

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
    if record is not None:
        record()  # the access goes into the log after it was read as it stood
    return 0 if report.ok else EXIT_BROKEN


def _remote(ctx: Context, directory: Path, own: Path) -> tuple[Remote | None, Message | None]:
    """The backend's last acknowledged checkpoint for this station's own log; a note when not asked."""
    from kiosk.audit.remote import remote_checkpoint
    from kiosk.client.http import BackendError
    from kiosk.station.keys import StationKeys
    from kiosk.station.link import StationLink

    if directory.resolve() != own.resolve():
        return None, None  # a copy of some log: the backend's word is about this station's own
    link = StationLink.load(ctx.data_dir)
    if link is None:
        return None, None
    client = link.client(
        ctx.data_dir, StationKeys.load_or_create(ctx.data_dir), ctx.config["backend.timeout"]
    )
    try:
        remote = remote_checkpoint(client)
    except BackendError as exc:
        return None, Message("audit.verify.remote_unreachable", {"reason": ctx.text(exc.message)})
    finally:
        client.http.close()
    return remote, (Message("audit.verify.remote_none") if remote is None else None)
