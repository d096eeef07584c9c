"""Offline login: what the station remembers of an operator's last online login, to let them in when
the backend cannot be reached.

A window whose network drops at 9:00 must not turn the queue away. The policy lets an operator whose
last *online* login at this station is recent enough (`offline.login_window_s`) log in without the
backend: the station kept, at that online login, a verifier of the password (scrypt with its own salt,
never the password) or the e.firma certificate's SHA-256, with the operator's id, name and role as the
backend vouched for them. Offline logins are audited as such and packets still carry the operator's
identity; the backend sees every one of them once the packets arrive. The file is private (0600) and
failed offline attempts count towards the same lockout rule as online ones.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FILE = "operators.json"
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def password_verifier(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, maxmem=64 * 1024 * 1024, **SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def check_password(password: str, verifier: str) -> bool:
    try:
        kind, salt, expected = verifier.split("$")
        if kind != "scrypt":
            return False
        got = password_verifier(password, base64.b64decode(salt)).split("$")[2]
    except ValueError:
        return False
    return hmac.compare_digest(got, expected)


@dataclass
class Remembered:
    key: str  # user name, or "fiel:" + certificate number
    operator_id: str
    name: str
    role: str
    auth: str  # password | fiel
    verifier: str  # scrypt verifier of the password, or "sha256$" + hex of the FIEL certificate
    last_online_at: float
    certificate_number: str | None = None
    rfc: str | None = None
    failures: list[float] = field(default_factory=list)


class VerifierCache:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILE

    def _read(self) -> dict[str, Remembered]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict):
                return {}
            return {k: Remembered(**v) for k, v in raw.items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, TypeError):  # a damaged cache only costs offline logins
            return {}

    def _write(self, entries: dict[str, Remembered]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({k: asdict(v) for k, v in entries.items()}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(self.path)

    def get(self, key: str) -> Remembered | None:
        return self._read().get(key)

    def remember(self, entry: Remembered) -> None:
        entries = self._read()
        entries[entry.key] = entry
        self._write(entries)

    def record_failure(self, key: str, at: float) -> list[float]:
        entries = self._read()
        entry = entries.get(key)
        if entry is None:
            return []
        entry.failures = [*entry.failures[-20:], at]
        self._write(entries)
        return entry.failures

    def clear_failures(self, key: str) -> None:
        entries = self._read()
        if key in entries and entries[key].failures:
            entries[key].failures = []
            self._write(entries)

    def forget(self, key: str) -> None:
        entries = self._read()
        if entries.pop(key, None) is not None:
            self._write(entries)

    def keys(self) -> list[str]:
        return sorted(self._read())


def certificate_verifier(certificate_der: bytes) -> str:
    return "sha256$" + hashlib.sha256(certificate_der).hexdigest()


def describe(entry: Remembered) -> dict[str, Any]:
    """For `kiosk` tools: never the verifier."""
    return {
        "key": entry.key,
        "operator_id": entry.operator_id,
        "role": entry.role,
        "auth": entry.auth,
        "last_online_at": entry.last_online_at,
    }
