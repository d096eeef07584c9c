"""Files and folders readable by their owner only (0600 / 0700), whatever the umask.

The station's folder holds sealed packets, logs and the audit log; the reference backend's holds
password hashes and people's CURP, NSS and names. Nothing of that is for other accounts on the
machine, so every place that creates such a file or folder goes through here: the mode is set when it
is created (never a moment world-readable) and tightened when an older install left it looser.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

POSIX = os.name == "posix"
FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(folder: Path) -> Path:
    """`folder` (and any missing parents) made, owner-only; an existing one is tightened."""
    folder = Path(folder)
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    for made in missing:  # parents made here too: mkdir(parents=True) gives them the umask's mode
        _chmod(made, DIR_MODE)
    _tighten(folder)
    return folder


def private_file(path: Path) -> Path:
    """Create `path` empty if absent (0600 from its first byte); tighten it when it exists."""
    path = Path(path)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    _tighten(path)
    return path


def tighten(path: Path) -> None:
    """Owner-only for an existing file (no-op when absent): for files a library created itself."""
    if Path(path).exists():
        _tighten(Path(path))


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (a temporary file, fsynced, renamed), 0600 throughout."""
    temporary = Path(path).with_name(Path(path).name + ".tmp")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        _fchmod(descriptor)
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(temporary, path)


def _tighten(path: Path) -> None:
    """Drop group and other bits (keeps the owner's: a read-only closed log stays read-only).

    Only for the regular files and folders themselves: a symbolic link is not followed (a log pointed
    at a device must not change the device's mode for the whole machine)."""
    if not POSIX:
        return
    status = os.lstat(path)
    if not (stat.S_ISREG(status.st_mode) or stat.S_ISDIR(status.st_mode)):
        return
    current = stat.S_IMODE(status.st_mode)
    if current & 0o077:
        _chmod(path, current & 0o700)


def _chmod(path: Path, mode: int) -> None:
    if POSIX:
        os.chmod(path, mode)


def _fchmod(descriptor: int) -> None:
    if POSIX:
        os.fchmod(descriptor, FILE_MODE)
