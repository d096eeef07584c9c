"""`kiosk run` and `kiosk demo`: the subcommands `ui` owns, registered through the `kiosk.commands` group.

`kiosk run` opens this station's window on its real devices and its registered backend. `kiosk demo`
opens the whole application on simulated devices with a reference backend embedded in a scratch folder
(or `--data-dir`), signed in as the demo clerk; `--autopilot` drives one complete enrolment through the
real widgets and saves a picture of every screen and the receipt PDF. With no screen at all, the demo
runs the autopilot offscreen and says where the pictures are.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any


def register_run(subparsers: Any) -> None:
    parser = subparsers.add_parser("run", help="start the station's window")
    parser.add_argument("--kiosk", action="store_true", help="full screen, no way out but an authorised exit")
    _window_options(parser)
    parser.set_defaults(func=_run)


def register_demo(subparsers: Any) -> None:
    parser = subparsers.add_parser("demo", help="the application with simulated devices and a demo backend")
    parser.add_argument("--autopilot", action="store_true", help="one complete enrolment through the screens")
    parser.add_argument(
        "--screenshots", type=Path, metavar="DIR", help="where the autopilot saves its pictures"
    )
    parser.add_argument("--json", action="store_true", help="the autopilot's summary as JSON")
    parser.add_argument(
        "--role",
        choices=("clerk", "technician", "supervisor"),
        default="clerk",
        help="whose screens the autopilot goes through (technician: set-up of a new station first)",
    )
    _window_options(parser)
    parser.set_defaults(func=_demo)


def _window_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help="save the window to PNG once shown")
    parser.add_argument("--quit-after", type=int, metavar="MS", help="close the window after MS milliseconds")


def _run(ctx: Any, args: argparse.Namespace) -> int:
    from ui.launch import run_station

    return run_station(ctx, kiosk_mode=args.kiosk, screenshot=args.screenshot, quit_after=args.quit_after)


def _demo(ctx: Any, args: argparse.Namespace) -> int:
    from ui.app import has_display
    from ui.launch import run_demo

    autopilot = args.autopilot
    if not has_display():  # no screen: the demo still shows what it does, as pictures
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        autopilot = True
    return run_demo(
        ctx,
        autopilot=autopilot,
        screenshots=args.screenshots,
        as_json=args.json,
        role=args.role,
        screenshot=args.screenshot,
        quit_after=args.quit_after,
    )
