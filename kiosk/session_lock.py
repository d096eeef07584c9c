"""The enrolment-session lock: while a person's enrolment is open, image-writing tools refuse to run.

Technician tools (`kiosk devices capture --out`, diagnostics reports) may write images; the enrolment
path never does, and the two must not overlap, or a technician's file could hold a real person's print.
The enrolment holds an OS file lock on `<data_dir>/session.lock` for the whole session; the tools test
that lock. An OS lock (not the file's mere existence) means a crashed kiosk leaves no stale "open"
session behind, and it works across processes and within one.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from kiosk.errors import KioskError

LOCK_NAME = "session.lock"
LOCK_ATTEMPTS = 20


def lock_path(data_dir: Path) -> Path:
    return Path(data_dir) / LOCK_NAME


def enrolment_open(data_dir: Path) -> bool:
    """True while some process (this one included) holds an enrolment session open on this station."""
    path = lock_path(data_dir)
    if not path.exists():
        return False
    try:
        handle = path.open("a+")
    except OSError:
        return True  # cannot even look: assume the worst, the tools then refuse
    try:
        if not _try_lock(handle):
            return True
        _unlock(handle)
        return False
    finally:
        handle.close()


@contextmanager
def hold(data_dir: Path) -> Iterator[Path]:
    """Hold the session lock for the duration of one enrolment; a second holder is refused."""
    path = lock_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    for _ in range(LOCK_ATTEMPTS):  # a tool's `enrolment_open` may hold the lock for a moment
        if _try_lock(handle):
            break
        time.sleep(0.01)
    else:
        handle.close()
        raise KioskError("session.already_open", path=str(path))
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid={os.getpid()} since={time.strftime('%Y-%m-%dT%H:%M:%S')}\n")
        handle.flush()
        yield path
    finally:
        with contextlib.suppress(OSError):  # Windows keeps an open file; the released lock is what counts
            path.unlink()
        _unlock(handle)
        handle.close()


if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle: IO[str]) -> bool:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(handle: IO[str]) -> None:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        except OSError:
            pass

else:
    import fcntl

    def _try_lock(handle: IO[str]) -> bool:
        # flock, not lockf: two opens in one process conflict too, so a process cannot slip past itself.
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
