"""Fewer malloc arenas: a station's memory is a few large images handled by several threads.

glibc gives each thread that allocates its own arena (up to eight per core); numpy, OpenCV, mediapipe and
Qt's workers each leave freed blocks behind in theirs, so the resident size grows by what no arena gives
back. Two arenas cost nothing measurable in speed here and saved ~80 MB of the demo's peak (725 -> ~650 MB
in `kiosk bench --only ui`). It must happen before the first worker thread starts, hence at the top of
`kiosk.cli.main`. `MALLOC_ARENA_MAX` in the environment, when set, wins.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

M_ARENA_MAX = -8  # glibc's mallopt parameter
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """True when the limit was applied (glibc on Linux, not overridden by the environment)."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    mallopt = getattr(_LIBC, "mallopt", None)
    if mallopt is None:  # not Linux, or musl and other C libraries
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


_LIBC = _libc()


def give_back() -> bool:
    """Hand the heap's free pages back to the system (glibc's `malloc_trim`); True when some were.

    A capture or a sealing leaves megabytes of freed temporaries (image copies, NFIQ 2's and the
    matcher's buffers) that glibc keeps for later; given back after each piece of long work, the
    station's resident size stays near what it really holds (~35 MB off the demo's peak). Called on a
    worker, never on the window's thread: trimming walks the heap (a few milliseconds), with Python's
    lock released."""
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is None:  # musl and other C libraries
        return False
    return bool(trim(0))


def peak_mb(pid: int) -> float:
    """A process's peak resident size in MB (Linux's `VmHWM`); 0.0 where that cannot be read (another
    system, a process already gone). The demo reports each of its processes apart: the station's own
    figure is the one the target is for."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024.0, 1)
    except (OSError, ValueError, IndexError):
        pass
    return 0.0
