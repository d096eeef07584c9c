"""`kiosk bench`: run the registered benchmarks and print medians and p90s."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk import bench
from kiosk.cli.context import Context, table
from kiosk.errors import KioskError
from kiosk.messages import Message


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("bench", help="run the benchmarks (medians, p90)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--only", metavar="TEXT", help="run only the providers whose name contains TEXT")
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke check, not a measurement)")
    parser.set_defaults(func=run_bench)


def run_bench(ctx: Context, args: argparse.Namespace) -> int:
    rows, failures = bench.run(args.only, args.quick)
    if not rows and not failures:
        raise KioskError("bench.nothing_ran", only=args.only or "")
    data = {"rows": [r.to_json() for r in rows], "failures": failures}

    def human(d: dict[str, Any]) -> str:
        verdicts = {True: "ok", False: "MISSED", None: ""}
        body = table(
            [
                [
                    r["name"],
                    f"{r['median']:.3f}",
                    f"{r['p90']:.3f}",
                    r["unit"],
                    str(r["runs"]),
                    r["target"],
                    verdicts[r["met"]],
                ]
                for r in d["rows"]
            ],
            ["benchmark", "median", "p90", "unit", "runs", "target", "met"],
        )
        missed = [r["name"] for r in d["rows"] if r["met"] is False]
        tail = "".join(f"\nFAILED {f['provider']}: {f['error']}" for f in d["failures"])
        if missed:
            tail += "\n" + ctx.text(
                Message("bench.missed", {"count": len(missed), "names": ", ".join(missed)})
            )
        return body + tail

    ctx.emit(data, args.json, human)
    return 1 if failures else 0
