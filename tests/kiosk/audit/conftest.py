"""An Ed25519 key for the audit tests (fast; the station's hybrid key is used in the CLI tests)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from kiosk.audit import AuditLog, events


class Keys:
    def __init__(self) -> None:
        self.private = ed25519.Ed25519PrivateKey.generate()

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)

    def verify(self, data: bytes, signature: bytes) -> bool:
        try:
            self.private.public_key().verify(signature, data)
        except InvalidSignature:
            return False
        return True


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def keys() -> Keys:
    return Keys()


@pytest.fixture
def audit_dir(tmp_path: Path) -> Path:
    return tmp_path / "audit"


@pytest.fixture
def make_log(audit_dir: Path, keys: Keys) -> Iterator[Callable[..., AuditLog]]:
    def make(**options: object) -> AuditLog:
        options.setdefault("sign", keys.sign)
        options.setdefault("clock", FakeClock())
        return AuditLog(audit_dir, **options)  # type: ignore[arg-type]

    yield make


def fill(log: AuditLog, count: int, start: int = 0) -> None:
    """`count` lookups by a clerk, each with a different (masked) CURP."""
    for i in range(start, start + count):
        log.append(
            events.LOOKUP, actor="jperez", role="clerk", fields={"n": i, "curp": f"GOMA08051{i % 10}HDFRRNA5"}
        )
