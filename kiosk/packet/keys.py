"""The backend's HPKE key pairs (the only keys that open packets), with the ids packets name them by.

Two suites are allowed, both HKDF-SHA256 + AES-256-GCM:
- `mlkem768x25519` (default): KEM X-Wing, ML-KEM-768 + X25519 (HPKE KEM id 0x647a), because
  fingerprints cannot be changed after a leak and today's ciphertext must survive tomorrow's
  computers;
- `x25519`: DHKEM(X25519, HKDF-SHA256) (KEM id 0x0020), for integrators without ML-KEM yet.

Encodings (docs/packet-format.md): an X-Wing public key is the ML-KEM-768 encapsulation key (1184
bytes) followed by the X25519 public key (32); its private key is the ML-KEM-768 seed d||z (64)
followed by the X25519 private key (32). The station holds public keys only.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519

from kiosk.packet.errors import PacketError

KEY_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
KDF_HKDF_SHA256, AEAD_AES_256_GCM = 0x0001, 0x0002
MLKEM768_PUBLIC, MLKEM768_SEED = 1184, 64


class PacketSuite(Enum):
    MLKEM768_X25519 = "mlkem768x25519"
    X25519 = "x25519"

    @property
    def kem_id(self) -> int:
        return 0x647A if self is PacketSuite.MLKEM768_X25519 else 0x0020

    @property
    def ids(self) -> tuple[int, int, int]:
        return self.kem_id, KDF_HKDF_SHA256, AEAD_AES_256_GCM

    @property
    def enc_length(self) -> int:
        return 1120 if self is PacketSuite.MLKEM768_X25519 else 32

    def hpke(self) -> hpke.Suite:
        kem = hpke.KEM.MLKEM768_X25519 if self is PacketSuite.MLKEM768_X25519 else hpke.KEM.X25519
        return hpke.Suite(kem, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)

    @classmethod
    def parse(cls, value: str | PacketSuite) -> PacketSuite:
        try:
            return value if isinstance(value, PacketSuite) else cls(value)
        except ValueError:
            raise PacketError("unknown_suite", suite=str(value)) from None

    @classmethod
    def from_ids(cls, kem_id: int, kdf_id: int, aead_id: int) -> PacketSuite | None:
        return next((s for s in cls if s.ids == (kem_id, kdf_id, aead_id)), None)


KEY_ID_PREFIX = {"mlkem768x25519": "xwing", "x25519": "x25519"}


def default_key_id(suite: PacketSuite | str, public_bytes: bytes) -> str:
    """`xwing-`/`x25519-` + 16 hex digits of SHA-256(public key) (packet-format.md section 8): the same
    key always has the same id, so a backend and its stations can re-derive it instead of trusting it."""
    prefix = KEY_ID_PREFIX[PacketSuite.parse(suite).value]
    return f"{prefix}-{hashlib.sha256(public_bytes).hexdigest()[:16]}"


def check_key_id(key_id: str) -> str:
    if not KEY_ID_RE.match(key_id):
        raise PacketError("bad_key", reason=f"key id {key_id!r} must match {KEY_ID_RE.pattern}")
    return key_id


@dataclass(frozen=True)
class BackendPublicKey:
    key_id: str
    suite: PacketSuite
    public_bytes: bytes

    def __post_init__(self) -> None:
        check_key_id(self.key_id)
        expected = MLKEM768_PUBLIC + 32 if self.suite is PacketSuite.MLKEM768_X25519 else 32
        if len(self.public_bytes) != expected:
            raise PacketError(
                "bad_key", reason=f"{self.suite.value} public key of {len(self.public_bytes)} bytes"
            )

    def hpke_key(self) -> hpke.MLKEM768X25519PublicKey | x25519.X25519PublicKey:
        if self.suite is PacketSuite.X25519:
            return x25519.X25519PublicKey.from_public_bytes(self.public_bytes)
        return hpke.MLKEM768X25519PublicKey(
            mlkem.MLKEM768PublicKey.from_public_bytes(self.public_bytes[:MLKEM768_PUBLIC]),
            x25519.X25519PublicKey.from_public_bytes(self.public_bytes[MLKEM768_PUBLIC:]),
        )

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.public_bytes).hexdigest()

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "kiosk-backend-hpke-public-key",
            "version": 1,
            "key_id": self.key_id,
            "suite": self.suite.value,
            "public_key": base64.b64encode(self.public_bytes).decode(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BackendPublicKey:
        try:
            return cls(data["key_id"], PacketSuite.parse(data["suite"]), base64.b64decode(data["public_key"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise PacketError("bad_key", reason=str(exc)) from None


@dataclass(frozen=True)
class BackendPrivateKey:
    key_id: str
    suite: PacketSuite
    private_bytes: bytes = field(repr=False)

    def __post_init__(self) -> None:
        check_key_id(self.key_id)
        expected = MLKEM768_SEED + 32 if self.suite is PacketSuite.MLKEM768_X25519 else 32
        if len(self.private_bytes) != expected:
            raise PacketError(
                "bad_key", reason=f"{self.suite.value} private key of {len(self.private_bytes)} bytes"
            )

    @classmethod
    def generate(
        cls, suite: PacketSuite | str = PacketSuite.MLKEM768_X25519, key_id: str | None = None
    ) -> BackendPrivateKey:
        chosen = PacketSuite.parse(suite)
        secret = os.urandom(MLKEM768_SEED + 32 if chosen is PacketSuite.MLKEM768_X25519 else 32)
        provisional = cls("pending", chosen, secret)
        return cls(key_id or default_key_id(chosen, provisional.public_key().public_bytes), chosen, secret)

    def hpke_key(self) -> hpke.MLKEM768X25519PrivateKey | x25519.X25519PrivateKey:
        if self.suite is PacketSuite.X25519:
            return x25519.X25519PrivateKey.from_private_bytes(self.private_bytes)
        return hpke.MLKEM768X25519PrivateKey(
            mlkem.MLKEM768PrivateKey.from_seed_bytes(self.private_bytes[:MLKEM768_SEED]),
            x25519.X25519PrivateKey.from_private_bytes(self.private_bytes[MLKEM768_SEED:]),
        )

    def public_key(self) -> BackendPublicKey:
        if self.suite is PacketSuite.X25519:
            raw = (
                x25519.X25519PrivateKey.from_private_bytes(self.private_bytes).public_key().public_bytes_raw()
            )
        else:
            ml = mlkem.MLKEM768PrivateKey.from_seed_bytes(self.private_bytes[:MLKEM768_SEED])
            xk = x25519.X25519PrivateKey.from_private_bytes(self.private_bytes[MLKEM768_SEED:])
            raw = ml.public_key().public_bytes_raw() + xk.public_key().public_bytes_raw()
        return BackendPublicKey(self.key_id, self.suite, raw)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "kiosk-backend-hpke-private-key",
            "version": 1,
            "key_id": self.key_id,
            "suite": self.suite.value,
            "private_key": base64.b64encode(self.private_bytes).decode(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BackendPrivateKey:
        try:
            return cls(
                data["key_id"], PacketSuite.parse(data["suite"]), base64.b64decode(data["private_key"])
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise PacketError("bad_key", reason=str(exc)) from None

    def save(self, path: Path) -> None:
        """Write as JSON, readable by the owner only (0600), atomically."""
        temporary = path.with_name(path.name + ".tmp")
        temporary.unlink(missing_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(descriptor, json.dumps(self.to_json(), indent=2).encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: Path) -> BackendPrivateKey:
        try:
            return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise PacketError("bad_key", reason=f"{path}: {exc}") from None
