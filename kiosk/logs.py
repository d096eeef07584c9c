"""Structured, rotating, masked logs in the station's data directory.

One JSON object a line, so a technician can grep and a support tool can parse. Every record passes
through `MaskingFilter` before it is written: a CURP, RFC or NSS never reaches a log whole, whoever
wrote the log call. Images and templates are never logged; nothing here could format them anyway.

The files are the owner's only (0600 in a 0700 folder). A log that cannot be written (a full disk)
never stops the station and never prints a traceback: the first failure is said once, in one line
on standard error, and later ones are counted (`PrivateRotatingFileHandler.failures`).
"""

from __future__ import annotations

import io
import json
import logging
import logging.handlers
import os
import sys
import time
from pathlib import Path
from typing import Any

from kiosk.masking import mask_text
from kiosk.private import private_dir, tighten

LOG_FILE = "kiosk.log"
_STANDARD = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


class MaskingFilter(logging.Filter):
    """Rewrites the record in place with identifiers masked (message, arguments and extra fields)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_text(record.getMessage())
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, mask_text(value))
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = (
                    value if isinstance(value, str | int | float | bool | type(None)) else repr(value)
                )
        if record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Rotating files created 0600, and a failure to write that is said once instead of a traceback."""

    failures = 0
    language = "es_MX"

    def _open(self) -> io.TextIOWrapper:
        descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        tighten(Path(self.baseFilename))
        return open(descriptor, "a", encoding=self.encoding, errors=self.errors)

    def flush(self) -> None:
        try:
            super().flush()
        except OSError:
            self.handleError(None)

    def close(self) -> None:
        try:
            super().close()
        except OSError:  # the last buffered line could not be written either: said once already
            self.handleError(None)

    def doRollover(self) -> None:  # noqa: N802 - the standard library's name
        try:
            super().doRollover()
        except OSError:
            self.handleError(None)

    def handleError(self, record: logging.LogRecord | None) -> None:  # noqa: N802
        type(self).failures += 1
        if type(self).failures == 1:
            from kiosk.messages import Message

            text = Message("core.log_write_failed", {"path": self.baseFilename}).render(self.language)
            try:
                if sys.stderr is not None:
                    sys.stderr.write(f"kiosk: {text}\n")
                    sys.stderr.flush()
            except (OSError, ValueError):
                pass


def setup(
    data_dir: Path,
    level: str = "INFO",
    max_bytes: int = 5_000_000,
    backups: int = 5,
    language: str = "es_MX",
) -> Path:
    """Send the `kiosk` and `devices` loggers to a rotating JSON file; returns the file's path."""
    log_dir = private_dir(private_dir(data_dir) / "logs")
    path = log_dir / LOG_FILE
    handler = PrivateRotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
    handler.language = language
    handler.addFilter(MaskingFilter())
    handler.setFormatter(JsonFormatter())
    handler.set_name("kiosk-file")
    for name in ("kiosk", "devices", "ui"):
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if h.get_name() == "kiosk-file"]:
            logger.removeHandler(old)
            old.close()
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False
    return path
