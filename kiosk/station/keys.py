"""The station's signing identity: Ed25519 and ML-DSA-65 as a hybrid (both must verify).

Why a hybrid: a packet must stay attributable for as long as the records are kept, past the day a
quantum computer breaks Ed25519; ML-DSA-65 (FIPS 204) covers that, Ed25519 covers a flaw in the
young ML-DSA implementations. The station never holds a key that can open a packet.

Where the private seeds live: the OS keyring when it has a usable backend (not the `fail`/`null`
ones a headless machine gets), else a file only the kiosk's user can read (0600 in a 0700
directory, refused when looser, like ssh does). A small `station-keys.json` in the data dir
records which store holds them, so a keyring that disappears is an error, never a silent new
identity (the backend knows the station by its public keys).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519, mldsa

from kiosk.errors import KioskError
from kiosk.station import keystore

KEYS_DIR = "keys"
PUBLIC_FILE = "station-public.json"
ED25519_SIG, MLDSA65_SIG = 64, 3309
ED25519_PUB, MLDSA65_PUB = 32, 1952
Store = Literal["auto", "keyring", "file"]


@dataclass(frozen=True)
class HybridSignature:
    ed25519: bytes
    mldsa65: bytes

    def to_bytes(self) -> bytes:
        """Ed25519 (64 bytes) then ML-DSA-65 (3309 bytes): both have fixed sizes."""
        return self.ed25519 + self.mldsa65

    @classmethod
    def from_bytes(cls, raw: bytes) -> HybridSignature:
        if len(raw) != ED25519_SIG + MLDSA65_SIG:
            raise ValueError(f"a hybrid signature has {ED25519_SIG + MLDSA65_SIG} bytes, not {len(raw)}")
        return cls(bytes(raw[:ED25519_SIG]), bytes(raw[ED25519_SIG:]))


@dataclass(frozen=True)
class StationPublicKeys:
    ed25519: bytes  # raw, 32 bytes
    mldsa65: bytes  # raw (FIPS 204 encoding), 1952 bytes

    def __post_init__(self) -> None:
        if len(self.ed25519) != ED25519_PUB or len(self.mldsa65) != MLDSA65_PUB:
            raise ValueError("station public keys have the wrong sizes")

    @property
    def fingerprint(self) -> str:
        """Hex SHA-256 of both raw keys (Ed25519 first): how backend and station name this identity."""
        return hashlib.sha256(self.ed25519 + self.mldsa65).hexdigest()

    def verify(self, data: bytes, signature: HybridSignature) -> bool:
        """True only when both signatures verify."""
        try:
            ed25519.Ed25519PublicKey.from_public_bytes(self.ed25519).verify(signature.ed25519, data)
            mldsa.MLDSA65PublicKey.from_public_bytes(self.mldsa65).verify(signature.mldsa65, data)
        except (InvalidSignature, ValueError):
            return False
        return True

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "kiosk-station-public-keys",
            "version": 1,
            "ed25519": base64.b64encode(self.ed25519).decode(),
            "mldsa65": base64.b64encode(self.mldsa65).decode(),
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StationPublicKeys:
        keys = cls(base64.b64decode(data["ed25519"]), base64.b64decode(data["mldsa65"]))
        if "fingerprint" in data and data["fingerprint"] != keys.fingerprint:
            raise ValueError("station public key fingerprint does not match the keys")
        return keys


class StationKeys:
    """The private half; keep one instance per process and never log or serialise it."""

    def __init__(self, ed25519_seed: bytes, mldsa65_seed: bytes, location: str = "memory") -> None:
        self._ed = ed25519.Ed25519PrivateKey.from_private_bytes(ed25519_seed)
        self._ml = mldsa.MLDSA65PrivateKey.from_seed_bytes(mldsa65_seed)
        self.location = location  # "keyring", "file" or "memory"
        self.public = StationPublicKeys(
            self._ed.public_key().public_bytes_raw(), self._ml.public_key().public_bytes_raw()
        )

    @classmethod
    def generate(cls) -> StationKeys:
        return cls(os.urandom(32), os.urandom(32))

    def sign(self, data: bytes) -> HybridSignature:
        return HybridSignature(self._ed.sign(data), self._ml.sign(data))

    @staticmethod
    def verify(public: StationPublicKeys, data: bytes, signature: HybridSignature) -> bool:
        return public.verify(data, signature)

    def _seeds(self) -> str:
        return json.dumps(
            {
                "version": 1,
                "ed25519_seed": base64.b64encode(self._ed.private_bytes_raw()).decode(),
                "mldsa65_seed": base64.b64encode(self._ml.private_bytes_raw()).decode(),
            }
        )

    @classmethod
    def _from_seeds(cls, text: str, location: str) -> StationKeys:
        try:
            data = json.loads(text)
            return cls(
                base64.b64decode(data["ed25519_seed"]), base64.b64decode(data["mldsa65_seed"]), location
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise KioskError("station_keys.corrupt", where=location, reason=str(exc)) from None

    @classmethod
    def load_or_create(
        cls, data_dir: Path, *, store: Store = "auto", keyring_backend: Any = None
    ) -> StationKeys:
        """The station's keys, created on first use; `store` forces keyring or file for new keys."""
        folder = keystore.private_dir(Path(data_dir) / KEYS_DIR)
        existing = keystore.read(folder, keyring_backend)
        if existing is not None:
            keys = cls._from_seeds(*existing)
        else:
            keys = cls.generate()
            keys.location = keystore.write(folder, keys._seeds(), store, keyring_backend)
        keystore.write_public(folder / PUBLIC_FILE, json.dumps(keys.public.to_json(), indent=2))
        return keys


def load_public(data_dir: Path) -> StationPublicKeys | None:
    """The exported public keys (for registration and diagnostics) without touching the private ones."""
    path = Path(data_dir) / KEYS_DIR / PUBLIC_FILE
    if not path.is_file():
        return None
    return StationPublicKeys.from_json(json.loads(path.read_text(encoding="utf-8")))
