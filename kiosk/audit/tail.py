"""Reading the end of a log file without reading all of it.

The writer needs the last entry every time another process may have appended, and a year of audit
log should not be read for that; lines are capped at 16 KiB, so a few backward reads always suffice.
"""

from __future__ import annotations

from pathlib import Path

_BLOCK = 8192


def last_line(path: Path) -> tuple[str | None, bool]:
    """(text of the last line without its newline, whether it ended in a newline); (None, True) if empty."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return None, True
    with handle:
        end = handle.seek(0, 2)
        if end == 0:
            return None, True
        handle.seek(end - 1)
        complete = handle.read(1) == b"\n"
        stop = end - 1 if complete else end
        chunk = b""  # always the bytes [position, stop): the final newline is left out
        position = stop
        while position > 0:
            step = min(_BLOCK, position)
            position -= step
            handle.seek(position)
            chunk = handle.read(step) + chunk
            cut = chunk.rfind(b"\n")
            if cut >= 0:
                return chunk[cut + 1 :].decode("utf-8", errors="replace"), complete
        return chunk.decode("utf-8", errors="replace"), complete


def line_count(path: Path) -> int:
    """Newline-terminated lines in `path`."""
    count = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 16):
            count += block.count(b"\n")
    return count
