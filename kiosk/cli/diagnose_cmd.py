"""`kiosk diagnose`: self-test the station's devices; print or save the report a support ticket needs.

Each check shows its value, its limit, pass/fail and what to do. The command exits 1 when any check
fails, so an installation script can use it. It occupies the devices (and places synthetic fingers on
simulated ones), so it refuses to run during an enrolment session.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from devices.diagnostics import run_diagnostics
from kiosk.cli.context import Context, table
from kiosk.cli.devices_cmd import registry_from_config, simulators_hint
from kiosk.errors import KioskError
from kiosk.messages import Message
from kiosk.session_lock import enrolment_open

EXIT_FAILED = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "diagnose", help="self-test the devices (frame rate, pixels, focus, exposure …)"
    )
    parser.add_argument("--device", metavar="ID", help="test only this device (default: every device found)")
    parser.add_argument("--report", type=Path, metavar="FILE.json", help="also save the full report as JSON")
    parser.add_argument(
        "--with-finger",
        type=float,
        metavar="SECONDS",
        dest="finger_timeout",
        help="real readers: wait this long for a finger to test detection and capture latency",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(func=diagnose)


def diagnose(ctx: Context, args: argparse.Namespace) -> int:
    if enrolment_open(ctx.data_dir):
        raise KioskError("devices.cli.session_open")
    registry = registry_from_config(ctx.config)
    report = run_diagnostics(registry, args.device, finger_timeout=args.finger_timeout)
    data = report.to_json()
    failures = registry.last.to_json()["failures"] if registry.last is not None else []
    hint = simulators_hint(failures)
    data["hint"] = ctx.text(hint) if hint is not None else None
    if args.report:
        try:
            args.report.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        except OSError as exc:
            raise KioskError(
                "devices.cli.cannot_write", path=str(args.report), reason=exc.strerror or str(exc)
            ) from None
    ctx.emit(data, args.json, lambda d: _human(ctx, d, args.report))
    return 0 if report.passed else EXIT_FAILED


def _human(ctx: Context, data: dict[str, Any], report_path: Path | None) -> str:
    parts: list[str] = []
    for device in data["devices"]:
        info = device["device"]
        verdict = "devices.cli.device_passed" if device["passed"] else "devices.cli.device_failed"
        rows = []
        for check in device["checks"]:
            advice = ctx.text(Message(check["advice"], check["params"])) if check["advice"] else ""
            value = "" if check["value"] is None else f"{check['value']} {check['unit']}".strip()
            rows.append(
                [
                    ctx.text(Message(f"devices.check.{check['name']}")),
                    value,
                    check["limit"],
                    ctx.text(Message(f"devices.status.{check['status']}")),
                    advice,
                ]
            )
        block = ctx.text(Message(verdict, {"device": info["id"]}))
        block += "\n" + table(rows, ["check", "value", "limit", "status", "advice"])
        if device["error"]:
            block += "\n" + ctx.text(Message(device["error"]["code"], device["error"]["params"]))
        parts.append(block)
    for failed in data["open_errors"]:
        error = ctx.text(Message(failed["code"], failed["params"]))
        parts.append(
            ctx.text(Message("devices.cli.open_failed", {"device": failed["device"], "error": error}))
        )
    if not parts:
        parts.append(ctx.text(Message("devices.cli.no_devices")))
    if data.get("hint"):
        parts.append(data["hint"])
    if report_path:
        parts.append(ctx.text(Message("devices.cli.report_written", {"path": str(report_path)})))
    return "\n\n".join(parts)
