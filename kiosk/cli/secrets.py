"""Reading a password from a file named on the command line (`--password-file`), for every command.

A missing file, a folder, an unreadable or binary file, an empty one or one far too long to be a
password is the user's mistake, said in one line (`cli.password_file`), never an internal error.
Only the first line counts, without its line end: files written by `echo` or an editor work.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.errors import KioskError

MAX_BYTES = 4096


def read_password_file(path: Path) -> str:
    """The password in `path` (its first line), or `KioskError("cli.password_file", path=, reason=)`."""
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise KioskError("cli.password_file", path=str(path), reason=exc.strerror or str(exc)) from None
    if len(data) > MAX_BYTES:
        raise KioskError("cli.password_file", path=str(path), reason=f"longer than {MAX_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise KioskError("cli.password_file", path=str(path), reason="not UTF-8 text") from None
    password = text.splitlines()[0] if text else ""
    if not password or "\x00" in password:
        raise KioskError("cli.password_file", path=str(path), reason="empty or not text")
    return password
