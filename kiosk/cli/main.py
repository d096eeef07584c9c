"""The `kiosk` command: global options, subcommands found through entry points, one-line errors.

Subcommands live wherever their code lives and register through the `kiosk.commands` entry-point group
(`ui` registers `demo` and `run` that way), so this module never imports `ui`. A subcommand whose module
fails to import still appears, and says why when run, instead of taking the whole command down.

Whatever happens, a person sees one line: a `KioskError` in their language, or "internal error" with
the exception's name for a bug (the traceback goes to the log file, or to the screen with `--debug`).
Streams that cannot encode Spanish get a plain-ASCII spelling instead of an encoding error.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import logging
import os
import sys
import unicodedata
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.cli.context import Context
from kiosk.errors import KioskError
from kiosk.messages import normalize_language

COMMANDS_GROUP = "kiosk.commands"
EX_SOFTWARE = 70
log = logging.getLogger("kiosk.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Biometric enrolment station: capture, check, seal and deliver."
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--config", type=Path, metavar="FILE", help="configuration file (TOML)")
    parser.add_argument("--data-dir", type=Path, metavar="DIR", help="the station's state directory")
    parser.add_argument("--lang", metavar="LANG", help="language of messages: es_MX (default) or en")
    parser.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for entry in sorted(metadata.entry_points(group=COMMANDS_GROUP), key=lambda e: e.name):
        try:
            entry.load()(subparsers)
        except Exception as exc:  # a broken plugin is reported, never fatal
            broken = subparsers.add_parser(entry.name, help=f"(unavailable: {type(exc).__name__})")
            broken.set_defaults(func=_unavailable(entry.name, exc))
    return parser


def _unavailable(name: str, exc: Exception) -> Any:
    def run(ctx: Context, args: argparse.Namespace) -> int:
        raise KioskError("cli.command_unavailable", command=name, reason=f"{type(exc).__name__}: {exc}")

    return run


def _language_from_environment() -> str:
    """The language for errors raised before the configuration could be read."""
    import os

    try:
        return normalize_language(os.environ.get("KIOSK_LANGUAGE"))
    except ValueError:
        return "es_MX"


def _transliterate(error: UnicodeError) -> tuple[str, int]:
    """`errors=` handler for streams that cannot encode a character: "ó" -> "o", "«" -> '"', else "?"."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return plain or "".join(_SUBSTITUTES.get(c, "?") for c in text), error.end


_SUBSTITUTES = {"«": '"', "»": '"', "¿": "", "¡": "", "–": "-", "—": "-", "…": "..."}
codecs.register_error("kiosk-transliterate", _transliterate)


def _tolerant_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="kiosk-transliterate")


def _say(text: str) -> None:
    """One line on standard error, if there is one to write to."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(f"kiosk: {text}\n")
            sys.stderr.flush()
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    from kiosk import config, hardening, logs
    from kiosk.process_memory import limit_malloc_arenas

    limit_malloc_arenas()  # before any worker thread allocates
    # mediapipe's C++ logs its start-up chatter (graph set-up, GL context) to stderr: a person reading
    # one line per enrolment should not see it. Errors still show; KIOSK_* logging goes to the log file.
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    _tolerant_streams()
    logging.getLogger("kiosk").addHandler(logging.NullHandler())  # never Python's last-resort traceback
    parser = build_parser()
    args = parser.parse_args(argv)
    language = "es_MX"
    try:
        hardening.forbid_core_dumps()
        if args.lang:
            try:
                args.lang = normalize_language(args.lang)
            except ValueError:
                raise KioskError("cli.bad_language", value=args.lang) from None
        language = args.lang or _language_from_environment()
        overrides = {"data_dir": args.data_dir, "language": args.lang, "log.level": args.log_level}
        cfg = config.load(args.config, overrides)
        language = cfg.language
        if args.command is None:
            parser.print_help()
            return 2
        data_dir = config.ensure_data_dir(cfg.data_dir)
        logs.setup(data_dir, cfg["log.level"], cfg["log.max_bytes"], cfg["log.backups"], language)
        ctx = Context(cfg, debug=args.debug)
        log.info("command start", extra={"command": args.command})
        result = args.func(ctx, args)
        return int(result or 0)
    except KioskError as exc:
        if args.debug:
            raise
        _say(exc.render(language))
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        log.exception("internal error")
        if args.debug:
            raise
        from kiosk.messages import Message

        _say(Message("cli.internal_error", {"error": f"{type(exc).__name__}: {exc}"}).render(language))
        return EX_SOFTWARE


if __name__ == "__main__":
    raise SystemExit(main())
