"""Commands that the roles table restricts: who runs them must say who they are, and be allowed.

`docs/roles.md` gives exporting the outbox to employers, supervisors and technicians, and verifying
the audit log to supervisors and technicians; a clerk may do neither, and nobody may do it anonymously
at a station that holds people's packets. Such a command takes `--username` and `--password-file`
(or `KIOSK_USERNAME` and `KIOSK_PASSWORD`), checks the credential as the window does (at the backend, or
with the station's offline verifier within the policy's window), checks the role's permission, and
writes the attempt to the audit log, allowed or not.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.audit import events
from kiosk.cli.context import Context
from kiosk.cli.secrets import read_password_file
from kiosk.errors import KioskError
from kiosk.operators.override import VerifiedOperator
from kiosk.roles import Permission, allowed


def add_operator_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--username", help="who runs this (or KIOSK_USERNAME)")
    parser.add_argument("--password-file", type=Path, help="their password file (or KIOSK_PASSWORD)")


def check_operator(
    ctx: Context, args: argparse.Namespace, permission: Permission, action: str
) -> tuple[VerifiedOperator, Callable[[], None]]:
    """The operator running the command, checked and allowed; or one line saying what is missing.

    Returns the operator and `record`, which writes the allowed access to the audit log: the command
    calls it once it has done its work (so that `audit verify` reads the log as it was, not with this
    command's own entry in it). A refusal is written at once."""
    username = getattr(args, "username", None) or os.environ.get("KIOSK_USERNAME")
    password_file = getattr(args, "password_file", None)
    password = read_password_file(password_file) if password_file else os.environ.get("KIOSK_PASSWORD")
    if not username or not password:
        raise KioskError("cli.operator_needed", permission=permission.value)
    station = _station(ctx)
    try:
        verified = station["auth"].verify(username, password)
    finally:
        station["client"].http.close()
    ok = verified is not None and allowed(verified.role, permission)

    def record() -> None:
        station["audit"].append(
            events.ACCESS_DENIED if not ok else events.LOGIN,
            actor=verified.operator_id if verified else username,
            role=verified.role.value if verified else None,
            fields={"command": action, "permission": permission.value, "allowed": ok, "from": "command line"},
        )
        station["audit"].close()  # signed at once

    if verified is None:
        record()
        raise KioskError("operators.bad_credentials")
    if not ok:
        record()
        raise KioskError("roles.forbidden", role=verified.role.value, permission=permission.value)
    return verified, record


def require_operator(
    ctx: Context, args: argparse.Namespace, permission: Permission, action: str
) -> VerifiedOperator:
    """`check_operator` for commands that may write the access entry first."""
    verified, record = check_operator(ctx, args, permission, action)
    record()
    return verified


def _station(ctx: Context) -> dict[str, Any]:
    from kiosk.audit.station import open_station_log
    from kiosk.operators.login import Authenticator
    from kiosk.station.keys import StationKeys
    from kiosk.station.link import StationLink, cached_config

    data_dir = ctx.data_dir
    link = StationLink.load(data_dir)
    if link is None:
        raise KioskError("cli.operator_unregistered")
    keys = StationKeys.load_or_create(data_dir)
    config = cached_config(link, data_dir)
    if config is None:
        raise KioskError("enrol.offline_no_config")
    client = link.client(data_dir, keys, float(ctx.config["backend.timeout"]))
    audit: Any = _Deferred(lambda: open_station_log(data_dir, keys))
    auth = Authenticator(
        station_id=link.station_id, client=client, audit=audit, policy=config.policy, data_dir=data_dir
    )

    return {"auth": auth, "audit": audit, "client": client}


class _Deferred:
    """The audit log, opened only when something is written: opening creates its folder, and
    `audit verify` must see a deleted folder as deleted."""

    def __init__(self, opener: Callable[[], Any]) -> None:
        self._opener = opener
        self._log: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._log is None:
            self._log = self._opener()
        return getattr(self._log, name)
