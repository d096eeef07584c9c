"""Packet ids: UUIDv7 (RFC 9562), time-ordered so the outbox and the backend sort by age for free.

Python 3.11 has no `uuid.uuid7` (3.14 adds it). This follows RFC 9562 §5.7 with the optional
monotonic counter of §6.2 method 1: within one millisecond the 12-bit `rand_a` field counts up from
a random start, so ids made by one process are strictly increasing.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from datetime import UTC, datetime

_lock = threading.Lock()
_last_ms = -1
_counter = 0


def uuid7(now_ms: int | None = None) -> uuid.UUID:
    global _last_ms, _counter
    with _lock:
        ms = int(time.time() * 1000) if now_ms is None else now_ms
        if ms <= _last_ms:
            ms = _last_ms
            _counter += 1
            if _counter > 0xFFF:  # counter exhausted: borrow the next millisecond
                ms += 1
                _counter = int.from_bytes(os.urandom(2), "big") & 0x7FF
        else:
            _counter = int.from_bytes(os.urandom(2), "big") & 0x7FF  # leave room to count up
        _last_ms = ms
        rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
        value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | _counter << 64 | 0b10 << 62 | rand_b
        return uuid.UUID(int=value)


def new_packet_id() -> str:
    return str(uuid7())


def is_uuid7(text: str) -> bool:
    try:
        value = uuid.UUID(text)
    except (ValueError, TypeError):
        return False
    return value.version == 7 and value.variant == uuid.RFC_4122 and str(value) == text


def uuid7_time(value: str | uuid.UUID) -> datetime:
    """The creation time embedded in a UUIDv7 (millisecond precision)."""
    as_uuid = value if isinstance(value, uuid.UUID) else uuid.UUID(value)
    return datetime.fromtimestamp((as_uuid.int >> 80) / 1000, tz=UTC)
