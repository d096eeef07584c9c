"""`kiosk fiel inspect CER [--key KEY --password-file FILE]`: what a SAT certificate says, and whether
a key belongs to it.

For technicians and employers at setup: is this the FIEL or the CSD, whose is it, until when, and
is the .key its key. A wrong password is an error (exit 1, one line), never `key_matches: false`
and never `true`. The hidden `--at` sets the clock for `expired`, so tests never depend on today.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.cli.context import Context
from kiosk.errors import KioskError, UsageError
from kiosk.fiel.certificate import parse_certificate
from kiosk.fiel.key import key_matches, load_private_key


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("fiel", help="SAT e.firma (FIEL) and CSD certificates")
    sub = parser.add_subparsers(dest="fiel_command", required=True, metavar="ACTION")
    inspect = sub.add_parser(
        "inspect", help="show a .cer's holder, kind and validity; check a .key against it"
    )
    inspect.add_argument("cer", type=Path, metavar="CER", help="the certificate (.cer, DER or PEM)")
    inspect.add_argument("--key", type=Path, metavar="KEY", help="the encrypted private key (.key)")
    inspect.add_argument(
        "--password-file", type=Path, metavar="FILE", help="file holding the key's password ('-' reads stdin)"
    )
    inspect.add_argument("--at", metavar="ISO-DATE", help=argparse.SUPPRESS)
    inspect.add_argument("--json", action="store_true", help="machine-readable output")
    inspect.set_defaults(func=inspect_certificate)


def _read(path: Path) -> bytes:
    try:
        return sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as exc:
        raise KioskError(
            "fiel.cli.file_unreadable", path=str(path), reason=exc.strerror or str(exc)
        ) from None


def read_password(path: Path) -> bytes:
    """The password file's content without its final line break (other spaces are part of it)."""
    data = _read(path)
    for ending in (b"\r\n", b"\n"):
        if data.endswith(ending):
            return data[: -len(ending)]
    return data


def parse_moment(text: str) -> datetime:
    """An ISO date or date-time; a date means its midnight UTC, a naive time is UTC."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError("fiel.cli.bad_date", value=text) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def inspect_certificate(ctx: Context, args: argparse.Namespace) -> int:
    if args.key and not args.password_file:
        raise UsageError("fiel.cli.key_needs_password")
    if args.password_file and not args.key:
        raise UsageError("fiel.cli.password_needs_key")
    now = parse_moment(args.at) if args.at else datetime.now(UTC)
    certificate = parse_certificate(_read(args.cer))
    matches: bool | None = None
    if args.key:
        key = load_private_key(_read(args.key), read_password(args.password_file))
        matches = key_matches(certificate.cert, key)
    data = {
        "file": str(args.cer),
        "kind": certificate.kind.value,
        "rfc": certificate.rfc,
        "representative_rfc": certificate.representative_rfc,
        "curp": certificate.curp,
        "name": certificate.name,
        "certificate_number": certificate.certificate_number,
        "issuer": certificate.issuer_name,
        "valid_from": certificate.valid_from.isoformat(),
        "valid_to": certificate.valid_to.isoformat(),
        "expired": certificate.expired(now),
        "not_yet_valid": certificate.not_yet_valid(now),
        "key_matches": matches,
    }

    def human(d: dict[str, Any]) -> str:
        width = max(len(k) for k in d)
        return "\n".join(f"{k:<{width}}  {'-' if v is None else v}" for k, v in d.items())

    ctx.emit(data, args.json, human)
    return 0
