"""Where the station's private seeds are kept: the OS keyring, or a 0600 file (see keys.py for why).

Only `kiosk.station.keys` calls this; it is separate so the storage rules can be read (and tested)
on their own.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError

LOCATOR_FILE = "station-keys.json"
SEED_FILE = "station-signing.seeds"
KEYRING_SERVICE = "kiosk.station-signing"
POSIX = os.name == "posix"


def private_dir(folder: Path) -> Path:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if POSIX:
        folder.chmod(0o700)
    return folder


def usable_keyring(backend: Any = None) -> Any | None:
    """The keyring backend when it can really store secrets; None for fail/null/empty chainers."""
    try:
        import keyring
        from keyring.backends import chainer, fail
    except ImportError:
        return None
    candidate = backend if backend is not None else keyring.get_keyring()
    if isinstance(candidate, fail.Keyring) or type(candidate).__module__.endswith("backends.null"):
        return None
    if isinstance(candidate, chainer.ChainerBackend) and not candidate.backends:
        return None
    try:
        if float(getattr(candidate, "priority", 1)) <= 0:
            return None
    except Exception:  # some backends compute priority by probing the system and raise
        return None
    return candidate


def keyring_username(folder: Path) -> str:
    """One entry per data directory, so two stations on one account never share an identity."""
    return "station-" + hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]


def read(folder: Path, backend: Any = None) -> tuple[str, str] | None:
    """(seed text, location) of existing keys, or None when this data dir has none yet."""
    locator = folder / LOCATOR_FILE
    if not locator.is_file():
        return None
    try:
        where = json.loads(locator.read_text(encoding="utf-8"))["store"]
    except (ValueError, KeyError, TypeError) as exc:
        raise KioskError("station_keys.corrupt", where=str(locator), reason=str(exc)) from None
    if where == "keyring":
        ring = usable_keyring(backend)
        if ring is None:
            raise KioskError("station_keys.keyring_unavailable", service=KEYRING_SERVICE)
        secret = ring.get_password(KEYRING_SERVICE, keyring_username(folder))
        if secret is None:
            raise KioskError("station_keys.missing", where=f"keyring {KEYRING_SERVICE}")
        return secret, "keyring"
    path = folder / SEED_FILE
    if not path.is_file():
        raise KioskError("station_keys.missing", where=str(path))
    check_private(path)
    return path.read_text(encoding="utf-8"), "file"


def check_private(path: Path) -> None:
    """Refuse a key file that others can read or write (the same rule ssh applies)."""
    if not POSIX:
        return
    for item in (path, path.parent):
        mode = stat.S_IMODE(item.stat().st_mode)
        if mode & 0o077:
            raise KioskError("station_keys.permissions", path=str(item), mode=oct(mode))


def write(folder: Path, seeds: str, store: str, backend: Any = None) -> str:
    """Store new seeds; returns the location used ("keyring" or "file")."""
    ring = usable_keyring(backend) if store in ("auto", "keyring") else None
    if store == "keyring" and ring is None:
        raise KioskError("station_keys.keyring_unavailable", service=KEYRING_SERVICE)
    if ring is not None:
        try:
            ring.set_password(KEYRING_SERVICE, keyring_username(folder), seeds)
        except Exception as exc:  # a locked or broken keyring: fall back, unless it was demanded
            if store == "keyring":
                raise KioskError(
                    "station_keys.keyring_unavailable", service=f"{KEYRING_SERVICE}: {exc}"
                ) from None
        else:
            _write_atomic(
                folder / LOCATOR_FILE, json.dumps({"store": "keyring", "service": KEYRING_SERVICE}), 0o600
            )
            return "keyring"
    _write_atomic(folder / SEED_FILE, seeds, 0o600)
    _write_atomic(folder / LOCATOR_FILE, json.dumps({"store": "file", "file": SEED_FILE}), 0o600)
    return "file"


def write_public(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        _write_atomic(path, text, 0o644)


def _write_atomic(path: Path, text: str, mode: int) -> None:
    """Write-then-rename with the final mode from the first byte (never a moment world-readable)."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        if POSIX:
            os.fchmod(descriptor, mode)
        os.write(descriptor, text.encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(temporary, path)
    if POSIX:
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
