"""`kiosk config show`: the effective configuration and where each value came from."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli.context import Context, table


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("config", help="show the effective configuration")
    sub = parser.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    show = sub.add_parser("show", help="print every setting, its value and its source")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(func=show_config)


def show_config(ctx: Context, args: argparse.Namespace) -> int:
    data = {"file": str(ctx.config.file) if ctx.config.file else None, "settings": ctx.config.as_dict()}

    def human(d: dict[str, Any]) -> str:
        rows = [[k, str(v["value"]), v["source"]] for k, v in d["settings"].items()]
        head = f"file: {d['file'] or '(none)'}\n"
        return head + table(rows, ["setting", "value", "source"])

    ctx.emit(data, args.json, human)
    return 0
