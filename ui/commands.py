"""`kiosk run` and `kiosk demo`: the subcommands `ui` owns, registered through the `kiosk.commands` group."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register_run(subparsers: Any) -> None:
    parser = subparsers.add_parser("run", help="start the station's window")
    _window_options(parser)
    parser.set_defaults(func=lambda ctx, args: _open_window(ctx, args, demo=False))


def register_demo(subparsers: Any) -> None:
    parser = subparsers.add_parser("demo", help="start the window with simulated devices (demo mode)")
    _window_options(parser)
    parser.set_defaults(func=lambda ctx, args: _open_window(ctx, args, demo=True))


def _window_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help="save the window to PNG once shown")
    parser.add_argument("--quit-after", type=int, metavar="MS", help="close the window after MS milliseconds")


def _open_window(ctx: Any, args: argparse.Namespace, demo: bool) -> int:
    from ui.app import application
    from ui.main_window import MainWindow
    from ui.qt import QTimer

    app = application()
    window = MainWindow(ctx.language, demo=demo)
    window.show()
    if args.screenshot:
        QTimer.singleShot(200, lambda: window.grab().save(str(args.screenshot)))
    if args.quit_after is not None:
        QTimer.singleShot(args.quit_after, app.quit)
    return int(app.exec())
