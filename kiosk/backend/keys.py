"""The backend's keys: Ed25519 signing keys (configuration and receipts) and HPKE keys (packets).

Every key has an id and keys rotate with overlap: a new key becomes current, the old ones stay to
verify old receipts and open packets sealed before the station saw the new configuration.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kiosk.api.envelopes import b64, sign_document
from kiosk.packet import keys as hpke_keys
from kiosk.private import private_dir, write_private


def _new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def _write_private(path: Path, data: bytes) -> None:
    write_private(path, data)


class BackendKeys:
    def __init__(self, directory: Path) -> None:
        self.dir = private_dir(directory)
        self.index_path = directory / "index.json"
        if not self.index_path.exists():
            self._index: dict[str, dict[str, object]] = {"signing": {}, "hpke": {}}
            self.rotate_signing()
            self.rotate_hpke()
        else:
            self._index = json.loads(self.index_path.read_text(encoding="utf-8"))
        self._signing = {
            key_id: serialization.load_pem_private_key((directory / f"{key_id}.pem").read_bytes(), None)
            for key_id in self._index["signing"]
        }
        self._hpke = {
            key_id: hpke_keys.BackendPrivateKey.load(directory / f"{key_id}.hpke.json")
            for key_id in self._index["hpke"]
        }

    def _save(self) -> None:
        write_private(self.index_path, json.dumps(self._index, indent=2).encode("utf-8"))

    def _current(self, kind: str) -> str:
        for key_id, info in self._index[kind].items():
            if isinstance(info, dict) and info.get("current"):
                return key_id
        raise RuntimeError(f"no current {kind} key")

    def rotate_signing(self) -> str:
        key_id = _new_id("sig")
        key = Ed25519PrivateKey.generate()
        _write_private(
            self.dir / f"{key_id}.pem",
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
        )
        for info in self._index["signing"].values():
            if isinstance(info, dict):
                info["current"] = False
        self._index["signing"][key_id] = {"current": True}
        self._save()
        if hasattr(self, "_signing"):
            self._signing[key_id] = key
        return key_id

    def rotate_hpke(self, suite: str = "mlkem768x25519") -> str:
        key = hpke_keys.BackendPrivateKey.generate(suite)  # key id derived from the public key
        key.save(self.dir / f"{key.key_id}.hpke.json")
        for info in self._index["hpke"].values():
            if isinstance(info, dict):
                info["current"] = False
        self._index["hpke"][key.key_id] = {"current": True, "suite": suite}
        self._save()
        if hasattr(self, "_hpke"):
            self._hpke[key.key_id] = key
        return key.key_id

    @property
    def signing_key_id(self) -> str:
        return self._current("signing")

    def signing_key(self) -> Ed25519PrivateKey:
        key = self._signing[self.signing_key_id]
        assert isinstance(key, Ed25519PrivateKey)
        return key

    def cosigning_keys(self) -> dict[str, Ed25519PrivateKey]:
        """The signing keys other than the current one: they co-sign configurations and receipts, so
        a station that has not yet seen the new key still verifies them (docs/keys.md)."""
        current = self.signing_key_id
        return {k: v for k, v in self._signing.items() if k != current and isinstance(v, Ed25519PrivateKey)}

    def sign(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """A signed envelope: the current key's signature and the other keys' co-signatures."""
        return sign_document(document, self.signing_key(), self.signing_key_id, self.cosigning_keys())

    def signing_public_keys(self) -> dict[str, Ed25519PublicKey]:
        return {k: v.public_key() for k, v in self._signing.items() if isinstance(v, Ed25519PrivateKey)}

    def signing_public_b64(self) -> dict[str, str]:
        return {
            k: b64(v.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
            for k, v in self.signing_public_keys().items()
        }

    @property
    def hpke_current_id(self) -> str:
        return self._current("hpke")

    def hpke_private(self) -> dict[str, hpke_keys.BackendPrivateKey]:
        return dict(self._hpke)

    def hpke_public(self) -> list[dict[str, object]]:
        current = self.hpke_current_id
        return [
            {
                "key_id": k,
                "suite": v.suite.value,
                "public_key": b64(v.public_key().public_bytes),
                "current": k == current,
            }
            for k, v in self._hpke.items()
        ]
