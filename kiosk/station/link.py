"""The station's link to its backend: who it is there, whom it trusts, and the last signed configuration.

Kept in the data directory: `station.json` (station id, backend URL, trusted signing keys),
`backend-pins.pem` (the pinned TLS certificates: current and next, following the signed configuration:
`kiosk.station.pins`) and `backend-config.json` (the
last verified configuration envelope, so a station can start offline and never accept an older policy).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.api import models
from kiosk.api.envelopes import ed25519_public
from kiosk.client.backend import BackendClient, policy_expired, verify_config
from kiosk.client.http import BackendError, HttpClient
from kiosk.clock import Clock, parse_rfc3339, rfc3339, utcnow
from kiosk.errors import KioskError
from kiosk.private import private_dir, write_private
from kiosk.station import pins
from kiosk.station.keys import StationKeys
from kiosk.station.pins import PINS_FILE

STATE_FILE = "station.json"
CONFIG_FILE = "backend-config.json"


@dataclass
class StationLink:
    station_id: str
    name: str
    url: str
    signing_keys: dict[str, str]
    registered_at: str
    policy_version: int = 0

    @classmethod
    def load(cls, data_dir: Path) -> StationLink | None:
        path = data_dir / STATE_FILE
        if not path.is_file():
            return None
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def save(self, data_dir: Path) -> None:
        _atomic_write(data_dir / STATE_FILE, json.dumps(asdict(self), indent=2).encode("utf-8"))

    def client(
        self, data_dir: Path, keys: StationKeys, timeout: float = 10.0, clock: Clock = utcnow
    ) -> BackendClient:
        http = HttpClient(
            self.url,
            data_dir / PINS_FILE,
            self.station_id,
            lambda d: keys.sign(d).ed25519,
            timeout=timeout,
            clock=clock,
        )
        return BackendClient(http, self.signing_keys)


def read_enrolment_file(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != "kiosk-station-enrolment-v1":
            raise ValueError("format")
        for key in ("url", "pins", "signing_keys", "token"):
            if not document.get(key):
                raise ValueError(key)
        if not isinstance(document["url"], str) or not isinstance(document["token"], str):
            raise ValueError("url and token must be text")
        if not all(isinstance(p, str) and "-----BEGIN CERTIFICATE-----" in p for p in document["pins"]):
            raise ValueError("pins must be PEM certificates")
        for key_id, public in dict(document["signing_keys"]).items():
            try:
                ed25519_public(public)
            except (TypeError, ValueError):
                raise ValueError(f"signing key {key_id}") from None
    except (OSError, ValueError, AttributeError, TypeError) as exc:
        raise KioskError("station.bad_enrolment_file", path=str(path), reason=str(exc)) from None
    return dict(document)


def register(
    data_dir: Path,
    enrolment_file: Path,
    name: str,
    keys: StationKeys,
    timeout: float = 10.0,
    clock: Clock = utcnow,
    token: str | None = None,
) -> tuple[StationLink, models.StationConfig]:
    """Join the backend named by an enrolment file with its one-time token; then fetch the signed config.

    `token` replaces the file's: the backend issued a new one-time token (the file's was used or expired)
    and the technician typed it; the address, pins and signing keys still come from the file."""
    document = read_enrolment_file(enrolment_file)
    if token and token.strip():
        document["token"] = token.strip()
    private_dir(data_dir)
    _atomic_write(data_dir / PINS_FILE, "".join(document["pins"]).encode("ascii"))
    http = HttpClient(document["url"], data_dir / PINS_FILE, timeout=timeout, clock=clock)
    try:
        anonymous = BackendClient(http, document["signing_keys"])
        check_clock(anonymous, clock)
        registered = anonymous.register(
            document["token"], name, keys.public.ed25519, keys.public.mldsa65, __version__
        )
    finally:
        http.close()
    link = StationLink(
        registered.station_id, name, document["url"], dict(document["signing_keys"]), registered.registered_at
    )
    link.save(data_dir)
    config = refresh_config(link, data_dir, keys, timeout, clock)
    return link, config


def check_clock(client: BackendClient, clock: Clock = utcnow, tolerance_s: float = 120.0) -> float:
    """Seconds the station's clock is ahead of the backend's; refuse to go on past the tolerance."""
    health = client.health()
    skew = (clock() - parse_rfc3339(health.time)).total_seconds()
    if abs(skew) > tolerance_s:
        raise KioskError("station.clock_skew", seconds=int(skew))
    return skew


def refresh_config(
    link: StationLink, data_dir: Path, keys: StationKeys, timeout: float = 10.0, clock: Clock = utcnow
) -> models.StationConfig:
    """Fetch and verify the configuration; remember it, the newly trusted signing keys and the TLS
    certificates it announces (only once verified: an unsigned configuration changes nothing)."""
    client = link.client(data_dir, keys, timeout, clock)
    try:
        config, envelope = client.config(link.policy_version)
        presented = client.http.presented
    finally:
        client.http.close()
    if policy_expired(config, clock()):
        raise KioskError("station.policy_expired", expires=config.policy.expires_at)
    pins.learn(data_dir, config.tls_pins, presented)
    link.policy_version = config.policy.version
    link.signing_keys.update({k.key_id: k.public_key for k in config.receipt_keys})
    link.save(data_dir)
    _atomic_write(
        data_dir / CONFIG_FILE, json.dumps({"saved_at": rfc3339(clock()), "envelope": envelope}).encode()
    )
    return config


def cached_config(link: StationLink, data_dir: Path, clock: Clock = utcnow) -> models.StationConfig | None:
    """The last verified configuration, when the backend cannot be reached; None when absent or expired."""
    path = data_dir / CONFIG_FILE
    if not path.is_file():
        return None
    envelope = json.loads(path.read_text(encoding="utf-8"))["envelope"]
    trusted = {k: ed25519_public(v) for k, v in link.signing_keys.items()}
    try:
        config = verify_config(envelope, trusted, link.policy_version)
    except BackendError:
        return None
    return None if policy_expired(config, clock()) else config


def _atomic_write(path: Path, data: bytes) -> None:
    """Whole or not at all, and owner-only like everything in the station's folder."""
    write_private(path, data)
