"""The station key as the audit log's signer and verifier.

The log itself only knows `sign(bytes) -> bytes` and `verify(bytes, bytes) -> bool`, so it can be
tested with any key and never depends on how the station's identity is stored. This adapter plugs in
the station's hybrid key (Ed25519 + ML-DSA-65: a checkpoint verifies only when both signatures do).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.audit.log import AuditLog, Signer
from kiosk.audit.verify import Verifier
from kiosk.errors import KioskError
from kiosk.station.keys import HybridSignature, StationKeys, StationPublicKeys, load_public


def signer_for(keys: StationKeys) -> Signer:
    return lambda data: keys.sign(data).to_bytes()


def verifier_for(public: StationPublicKeys) -> Verifier:
    def verify(data: bytes, signature: bytes) -> bool:
        try:
            return public.verify(data, HybridSignature.from_bytes(signature))
        except ValueError:
            return False

    return verify


def open_station_log(data_dir: Path, keys: StationKeys, **options: Any) -> AuditLog:
    """The station's audit log, checkpoints signed by its key (options as for `AuditLog`)."""
    return AuditLog.open(data_dir, sign=signer_for(keys), **options)


def read_public_key(path: Path) -> StationPublicKeys:
    """A `station-public.json` file (as `kiosk.station.keys` exports it)."""
    try:
        return StationPublicKeys.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KioskError(
            "audit.bad_public_key", file=str(path), reason=f"{type(exc).__name__}: {exc}"
        ) from None


def station_verifier(data_dir: Path, public_key_file: Path | None = None) -> Callable[[bytes, bytes], bool]:
    """The verifier for `data_dir`'s station, or from `public_key_file` when given."""
    if public_key_file is not None:
        return verifier_for(read_public_key(public_key_file))
    public = load_public(data_dir)
    if public is None:
        raise KioskError("audit.no_station_key", data_dir=str(data_dir))
    return verifier_for(public)
