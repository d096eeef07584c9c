"""The reference backend's behaviour, with no HTTP in it: the FastAPI routes are a thin layer over this.

Keeping the rules here lets tests exercise them directly and keeps the contract layer honest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import uuid
from pathlib import Path
from typing import Any

from kiosk.api import models
from kiosk.api.envelopes import b64, ed25519_public, request_bytes, unb64
from kiosk.backend.errors import ApiError
from kiosk.backend.keys import BackendKeys
from kiosk.backend.storage import Objects, Records, StoreConfig, open_store
from kiosk.backend.tls import announced_pins
from kiosk.clock import Clock, parse_rfc3339, rfc3339, utcnow
from kiosk.policy import default_policy
from kiosk.private import private_dir

MAX_CLOCK_SKEW = dt.timedelta(minutes=5)
TOKEN_TTL = dt.timedelta(days=7)
MAX_PACKET_BYTES = 32 * 1024 * 1024
NONCE_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
DIGEST_RE = re.compile(r"^[0-9a-f]{64}$")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Backend:
    def __init__(
        self,
        directory: Path,
        clock: Clock = utcnow,
        storage: StoreConfig | None = None,
        *,
        migrate: bool = False,
    ) -> None:
        self.dir = private_dir(directory)  # password hashes, people's CURP, NSS and names: owner only
        self.clock = clock
        self.store: Records
        self.objects: Objects
        self.store, self.objects = open_store(directory, storage, migrate=migrate)
        try:
            self.keys = BackendKeys(directory / "keys", self.store, clock)
        except BaseException:
            self.close()
            raise
        self.fiel_trust_dir = private_dir(directory / "fiel-trust")
        if self.store.meta("policy") is None:
            self.set_policy(default_policy(1, self.clock(), valid_days=365))

    def close(self) -> None:
        self.store.close()
        self.objects.close()

    def now(self) -> str:
        return rfc3339(self.clock())

    # -- policy -------------------------------------------------------------------------------------
    def policy(self) -> dict[str, Any]:
        return dict(json.loads(self.store.meta("policy") or "{}"))

    def set_policy(self, policy: dict[str, Any]) -> None:
        models.Policy.model_validate(policy)
        current = self.store.meta("policy")
        if current and json.loads(current)["version"] >= policy["version"]:
            raise ValueError("a new policy must carry a higher version")
        self.store.set_meta("policy", json.dumps(policy))

    # -- stations -----------------------------------------------------------------------------------
    def issue_token(self) -> str:
        token = secrets.token_urlsafe(24)
        now = self.clock()
        self.store.run(
            "INSERT INTO tokens (token_hash, created_at, expires_at) VALUES (?, ?, ?)",
            token_hash(token),
            rfc3339(now),
            rfc3339(now + TOKEN_TTL),
        )
        return token

    def register_station(self, body: models.StationRegistration) -> models.StationRegistered:
        try:
            for raw, size in ((body.public_keys.ed25519, 32), (body.public_keys.mldsa65, 1952)):
                if len(unb64(raw)) != size:
                    raise ValueError
        except ValueError:
            raise ApiError(
                "bad_request", "public keys must be base64 of raw Ed25519 and ML-DSA-65 keys"
            ) from None
        now = self.clock()
        station_id = "st-" + uuid.uuid4().hex[:12]
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT * FROM tokens WHERE token_hash = ?", (token_hash(body.token),)
            ).fetchone()
            if row is None or row["used_at"] is not None or parse_rfc3339(row["expires_at"]) < now:
                raise ApiError("invalid_token")
            db.execute(
                "UPDATE tokens SET used_at = ?, station_id = ? WHERE token_hash = ?",
                (rfc3339(now), station_id, token_hash(body.token)),
            )
            db.execute(
                "INSERT INTO stations VALUES (?, ?, ?, ?, ?, ?, NULL)",
                (
                    station_id,
                    body.name,
                    body.public_keys.ed25519,
                    body.public_keys.mldsa65,
                    body.software_version,
                    rfc3339(now),
                ),
            )
        return models.StationRegistered(station_id=station_id, registered_at=rfc3339(now))

    def revoke_station(self, station_id: str) -> None:
        if not self.store.run(
            "UPDATE stations SET revoked_at = ? WHERE station_id = ?", self.now(), station_id
        ):
            raise KeyError(station_id)

    def station(self, station_id: str) -> Any:
        row = self.store.one("SELECT * FROM stations WHERE station_id = ?", station_id)
        if row is None:
            raise ApiError("unknown_station")
        if row["revoked_at"]:
            raise ApiError("station_revoked")
        return row

    def authenticate(
        self,
        station_id: str | None,
        timestamp: str | None,
        nonce: str | None,
        body_sha256: str | None,
        signature: str | None,
        method: str,
        path: str,
    ) -> Any:
        """Check a station's request from its headers alone; return the station's row.

        The signature covers the body's declared digest, so it is checked before the body is read
        (`kiosk.backend.gate` then holds the body to that digest). The nonce is remembered until the
        request's time leaves the clock window, so the same signed request is refused a second time."""
        if not station_id or not timestamp or not signature or not nonce or not body_sha256:
            raise ApiError("unauthenticated", "missing station signature headers")
        if not NONCE_RE.match(nonce) or not DIGEST_RE.match(body_sha256):
            raise ApiError("unauthenticated", "malformed nonce or body digest")
        row = self.station(station_id)
        try:
            sent = parse_rfc3339(timestamp)
            ed25519_public(row["ed25519"]).verify(
                unb64(signature), request_bytes(method, path, timestamp, nonce, body_sha256)
            )
        except Exception:
            raise ApiError("unauthenticated", "the station signature does not verify") from None
        now = self.clock()
        if abs(sent - now) > MAX_CLOCK_SKEW:
            raise ApiError("clock_skew", f"backend time is {self.now()}")
        keep_until = (sent + MAX_CLOCK_SKEW).timestamp()
        if not self.store.remember_nonce(station_id, nonce, keep_until, now.timestamp()):
            raise ApiError("unauthenticated", "this signed request was already received (a replay)")
        return row

    def signed_config(self, station_id: str) -> models.SignedConfig:
        config = {
            "station_id": station_id,
            "policy": self.policy(),
            "backend_keys": self.keys.hpke_public(),
            "receipt_keys": [
                {"key_id": k, "public_key": v} for k, v in self.keys.signing_public_b64().items()
            ],
            "revoked": False,
            "tls_pins": announced_pins(self.dir / "tls"),
        }
        models.StationConfig.model_validate(config)
        return models.SignedConfig(**self.keys.sign(config))

    # -- persons and devices ------------------------------------------------------------------------
    def add_person(
        self, curp: str, nss: str | None, name: str, birth_date: str | None, replace: bool = True
    ) -> None:
        """Store a person the lookup can find (`kiosk.backend.people` checks every field first).

        With `replace` False an existing CURP is refused (`backend.person.exists`); an NSS already
        held by another person is always refused, never silently moved."""
        from kiosk.backend.people import validated
        from kiosk.errors import KioskError

        person = validated(curp, nss, name, birth_date)
        with self.store.transaction() as db:
            if not replace and db.execute("SELECT 1 FROM persons WHERE curp = ?", (person.curp,)).fetchone():
                raise KioskError("backend.person.exists", curp=person.curp)
            if person.nss is not None:
                holder = db.execute("SELECT curp FROM persons WHERE nss = ?", (person.nss,)).fetchone()
                if holder is not None and holder["curp"] != person.curp:
                    raise KioskError("backend.person.nss_taken", nss=person.nss)
            db.execute(
                "INSERT OR REPLACE INTO persons (curp, nss, name, birth_date, biometric_status) VALUES "
                "(?, ?, ?, ?, COALESCE((SELECT biometric_status FROM persons WHERE curp = ?), 'none'))",
                (person.curp, person.nss, person.name, person.birth_date, person.curp),
            )

    def lookup_person(self, identifier: str) -> models.Person:
        value = identifier.strip().upper()
        if len(value) == 18 and value.isalnum():
            row = self.store.one("SELECT * FROM persons WHERE curp = ?", value)
        elif len(value) == 11 and value.isdigit():
            row = self.store.one("SELECT * FROM persons WHERE nss = ?", value)
        else:
            raise ApiError("invalid_identifier")
        if row is None:
            raise ApiError("person_not_found")
        return models.Person(
            curp=row["curp"],
            nss=row["nss"],
            name=row["name"],
            birth_date=row["birth_date"],
            biometric_status=row["biometric_status"],
        )

    def register_device(self, station_id: str, device: models.DeviceRegistration) -> models.Device:
        now = self.now()
        self.store.run(
            "INSERT INTO devices VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(station_id, serial) DO UPDATE "
            "SET kind = excluded.kind, driver = excluded.driver, "
            "vendor = excluded.vendor, model = excluded.model",
            station_id,
            device.serial,
            device.kind,
            device.driver,
            device.vendor,
            device.model,
            now,
        )
        return models.Device(**device.model_dump(), registered_at=now)

    def devices(self, station_id: str) -> list[models.Device]:
        rows = self.store.all("SELECT * FROM devices WHERE station_id = ? ORDER BY serial", station_id)
        return [
            models.Device(
                kind=r["kind"],
                driver=r["driver"],
                vendor=r["vendor"],
                model=r["model"],
                serial=r["serial"],
                registered_at=r["registered_at"],
            )
            for r in rows
        ]

    def store_diagnostics(self, station_id: str, report: dict[str, Any]) -> models.DiagnosticsStored:
        report_id = "diag-" + uuid.uuid4().hex[:12]
        now = self.now()
        self.store.run(
            "INSERT INTO diagnostics VALUES (?, ?, ?, ?)", report_id, station_id, now, json.dumps(report)
        )
        return models.DiagnosticsStored(report_id=report_id, received_at=now)

    # -- figures ------------------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        counts = {
            r["kind"]: r["n"] for r in self.store.all("SELECT kind, COUNT(*) AS n FROM events GROUP BY kind")
        }
        by_reason = {
            r["code"]: r["n"]
            for r in self.store.all(
                "SELECT code, COUNT(*) AS n FROM events WHERE kind = 'rejected' GROUP BY code ORDER BY code"
            )
        }
        accepted = counts.get("accepted", 0)
        rejected = counts.get("rejected", 0)
        duplicates = counts.get("duplicate", 0)
        return {
            "received": accepted + rejected + duplicates,
            "accepted": accepted,
            "rejected": rejected,
            "rejected_by_reason": by_reason,
            "duplicates": duplicates,
            "stations": len(self.store.all("SELECT station_id FROM stations")),
            # stations whose audit log no longer passed through their last acknowledged checkpoint
            "audit_conflicts": counts.get("audit_conflict", 0),
        }


def public_b64(raw: bytes) -> str:
    return b64(raw)
