"""What the station asks of its backend, in the contract's terms, with every answer checked.

The signed configuration is verified against the signing keys the station trusts (from its enrolment
file, then from each verified configuration: keys rotate with overlap), its policy version may only
move forward and it must not be expired; receipts are verified before a packet counts as delivered.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.api import models
from kiosk.api.envelopes import b64, ed25519_public, open_document
from kiosk.client.http import BackendError, HttpClient, parse
from kiosk.clock import parse_rfc3339


def verify_config(
    envelope: Mapping[str, Any], trusted: Mapping[str, Ed25519PublicKey], last_version: int = 0
) -> models.StationConfig:
    """A configuration counts only when a trusted key signed it and its policy is not older than the last."""
    try:
        document = open_document(envelope, trusted)
    except ValueError:
        raise BackendError("backend.config_unsigned", retryable=False) from None
    config = parse(models.StationConfig, document)
    if config.policy.version < last_version:
        raise BackendError(
            "backend.policy_rollback", retryable=False, got=config.policy.version, known=last_version
        )
    return config


def segment(value: str) -> str:
    """A path parameter, percent-encoded: `/`, `?`, `#` or `%` in it must not change the path signed."""
    return quote(value, safe="")


def policy_expired(config: models.StationConfig, now: datetime) -> bool:
    return parse_rfc3339(config.policy.expires_at) < now


class BackendClient:
    def __init__(self, http: HttpClient, trusted_keys: Mapping[str, str]) -> None:
        self.http = http
        self.trusted: dict[str, Ed25519PublicKey] = {k: ed25519_public(v) for k, v in trusted_keys.items()}

    # -- station ------------------------------------------------------------------------------------
    def health(self) -> models.Health:
        _, data = self.http.call("GET", "/health", signed=False, idempotent=True)
        return parse(models.Health, data)

    def register(
        self, token: str, name: str, ed25519: bytes, mldsa65: bytes, version: str
    ) -> models.StationRegistered:
        body = {
            "token": token,
            "name": name,
            "public_keys": {"ed25519": b64(ed25519), "mldsa65": b64(mldsa65)},
            "software_version": version,
        }
        _, data = self.http.call("POST", "/stations", body=body, signed=False)
        return parse(models.StationRegistered, data)

    def config(self, last_version: int = 0) -> tuple[models.StationConfig, dict[str, Any]]:
        """The verified configuration and its envelope (kept to start offline)."""
        _, data = self.http.call("GET", "/config", idempotent=True)
        envelope = parse(models.SignedConfig, data).model_dump()
        return self.verify_config(envelope, last_version), envelope

    def verify_config(self, envelope: Mapping[str, Any], last_version: int = 0) -> models.StationConfig:
        config = verify_config(envelope, self.trusted, last_version)
        for key in config.receipt_keys:  # rotation: newly announced keys are trusted from now on
            self.trusted.setdefault(key.key_id, ed25519_public(key.public_key))
        return config

    # -- operators ----------------------------------------------------------------------------------
    def password_login(self, username: str, password: str) -> models.Session:
        _, data = self.http.call(
            "POST", "/sessions/password", body={"username": username, "password": password}
        )
        return parse(models.Session, data)

    def change_password(self, username: str, old: str, new: str) -> None:
        body = {"username": username, "old_password": old, "new_password": new}
        self.http.call("POST", "/sessions/password/change", body=body)

    def fiel_challenge(self) -> models.FielChallenge:
        _, data = self.http.call("POST", "/sessions/fiel/challenge")
        return parse(models.FielChallenge, data)

    def fiel_login(self, challenge_id: str, certificate_der: bytes, signature: bytes) -> models.Session:
        body = {
            "challenge_id": challenge_id,
            "certificate": b64(certificate_der),
            "signature": b64(signature),
        }
        _, data = self.http.call("POST", "/sessions/fiel", body=body)
        return parse(models.Session, data)

    def logout(self, token: str) -> None:
        self.http.call("DELETE", "/sessions/current", token=token)

    def lookup(self, token: str, identifier: str) -> models.Person:
        _, data = self.http.call("GET", f"/persons/{segment(identifier)}", token=token, idempotent=True)
        return parse(models.Person, data)

    # -- devices and diagnostics --------------------------------------------------------------------
    def register_device(self, token: str, device: models.DeviceRegistration) -> models.Device:
        _, data = self.http.call("POST", "/devices", body=device.model_dump(), token=token, idempotent=True)
        return parse(models.Device, data)

    def devices(self) -> list[models.Device]:
        _, data = self.http.call("GET", "/devices", idempotent=True)
        if not isinstance(data, list):
            raise BackendError("backend.bad_answer", retryable=True, reason="device list is not a list")
        return [parse(models.Device, d) for d in data]

    def upload_diagnostics(self, token: str, report: dict[str, Any]) -> models.DiagnosticsStored:
        _, data = self.http.call("POST", "/diagnostics", body={"report": report}, token=token)
        return parse(models.DiagnosticsStored, data)

    # -- audit checkpoints ---------------------------------------------------------------------------
    def last_checkpoint(self) -> models.AuditCheckpointAck | None:
        """The newest audit checkpoint the backend acknowledged for this station; None before the first."""
        try:
            _, data = self.http.call("GET", "/audit/checkpoints/latest", idempotent=True)
        except BackendError as exc:
            if exc.api_code == "checkpoint_not_found":
                return None
            raise
        return parse(models.AuditCheckpointAck, data)

    def deliver_checkpoint(
        self, checkpoint: Mapping[str, Any], acknowledged: Mapping[str, Any] | None
    ) -> models.AuditCheckpointAck:
        """Deliver a signed checkpoint with the hash the log holds at the last acknowledged seq."""
        body = {"checkpoint": dict(checkpoint), "acknowledged": dict(acknowledged) if acknowledged else None}
        _, data = self.http.call("POST", "/audit/checkpoints", body=body, idempotent=True)
        return parse(models.AuditCheckpointAck, data)

    # -- packets ------------------------------------------------------------------------------------
    def submit(self, packet_id: str, blob: bytes) -> tuple[models.ReceiptBody, models.Receipt, bool]:
        """Deliver a sealed packet; returns the verified receipt and whether it was a resend."""
        status, data = self.http.call(
            "POST", "/packets", raw=blob, headers={"X-Packet-Id": packet_id}, idempotent=True
        )
        receipt = parse(models.Receipt, data)
        return self.verify_receipt(receipt, packet_id, blob), receipt, status == 200

    def status(self, packet_id: str) -> models.PacketStatus:
        _, data = self.http.call("GET", f"/packets/{segment(packet_id)}", idempotent=True)
        return parse(models.PacketStatus, data)

    def verify_receipt(
        self, receipt: models.Receipt, packet_id: str, blob: bytes | None
    ) -> models.ReceiptBody:
        import hashlib

        try:
            body = parse(models.ReceiptBody, open_document(receipt.model_dump(), self.trusted))
        except ValueError:
            raise BackendError("backend.bad_receipt", retryable=True, reason="signature") from None
        if body.packet_id != packet_id:
            raise BackendError("backend.bad_receipt", retryable=True, reason="packet id")
        if blob is not None and body.digest != hashlib.sha256(blob).hexdigest():
            raise BackendError("backend.bad_receipt", retryable=True, reason="digest")
        return body
