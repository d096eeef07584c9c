"""The station's hybrid signing keys: signatures, storage in a 0600 file or the keyring, and the
refusals that keep a station from silently changing identity or leaking its keys."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from kiosk.errors import KioskError
from kiosk.station import keystore
from kiosk.station.keys import HybridSignature, StationKeys, StationPublicKeys, load_public


class MemoryKeyring(KeyringBackend):
    priority = 10

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


def test_both_signatures_must_verify() -> None:
    keys = StationKeys.generate()
    signature = keys.sign(b"packet body digest")
    assert StationKeys.verify(keys.public, b"packet body digest", signature)
    assert not keys.public.verify(b"another body", signature)
    other = StationKeys.generate().sign(b"packet body digest")
    assert not keys.public.verify(b"packet body digest", HybridSignature(signature.ed25519, other.mldsa65))
    assert not keys.public.verify(b"packet body digest", HybridSignature(other.ed25519, signature.mldsa65))
    assert HybridSignature.from_bytes(signature.to_bytes()) == signature and len(signature.to_bytes()) == 3373
    with pytest.raises(ValueError):
        HybridSignature.from_bytes(b"short")


def test_public_keys_export_with_a_fingerprint() -> None:
    public = StationKeys.generate().public
    document = json.loads(json.dumps(public.to_json()))
    assert StationPublicKeys.from_json(document) == public and len(public.fingerprint) == 64
    document["fingerprint"] = "0" * 64
    with pytest.raises(ValueError):
        StationPublicKeys.from_json(document)


def test_file_store_is_private_and_stable(tmp_path: Path) -> None:
    keys = StationKeys.load_or_create(tmp_path, keyring_backend=fail.Keyring())
    assert keys.location == "file"
    folder = tmp_path / "keys"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / keystore.SEED_FILE).stat().st_mode) == 0o600
    again = StationKeys.load_or_create(tmp_path, keyring_backend=fail.Keyring())
    assert again.public == keys.public and again.location == "file"
    assert load_public(tmp_path) == keys.public
    assert not list(folder.glob("*.tmp"))


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_loose_permissions_are_refused(tmp_path: Path) -> None:
    StationKeys.load_or_create(tmp_path, store="file")
    seeds = tmp_path / "keys" / keystore.SEED_FILE
    seeds.chmod(0o644)
    with pytest.raises(KioskError) as caught:
        StationKeys.load_or_create(tmp_path, store="file")
    assert caught.value.message.code == "station_keys.permissions"


def test_keyring_store_keeps_seeds_out_of_the_data_dir(tmp_path: Path) -> None:
    ring = MemoryKeyring()
    keys = StationKeys.load_or_create(tmp_path, keyring_backend=ring)
    assert keys.location == "keyring" and len(ring.entries) == 1
    assert not (tmp_path / "keys" / keystore.SEED_FILE).exists()
    assert StationKeys.load_or_create(tmp_path, keyring_backend=ring).public == keys.public
    other = tmp_path / "second-station"
    assert StationKeys.load_or_create(other, keyring_backend=ring).public != keys.public
    assert len(ring.entries) == 2


def test_a_vanished_keyring_is_an_error_not_a_new_identity(tmp_path: Path) -> None:
    ring = MemoryKeyring()
    StationKeys.load_or_create(tmp_path, keyring_backend=ring)
    for backend, code in (
        (fail.Keyring(), "station_keys.keyring_unavailable"),
        (MemoryKeyring(), "station_keys.missing"),
    ):
        with pytest.raises(KioskError) as caught:
            StationKeys.load_or_create(tmp_path, keyring_backend=backend)
        assert caught.value.message.code == code


def test_store_choice_and_corruption(tmp_path: Path) -> None:
    with pytest.raises(KioskError) as caught:
        StationKeys.load_or_create(tmp_path / "a", store="keyring", keyring_backend=fail.Keyring())
    assert caught.value.message.code == "station_keys.keyring_unavailable"
    assert (
        StationKeys.load_or_create(tmp_path / "b", store="file", keyring_backend=MemoryKeyring()).location
        == "file"
    )
    (tmp_path / "b" / "keys" / keystore.SEED_FILE).write_text("{broken")
    with pytest.raises(KioskError) as caught:
        StationKeys.load_or_create(tmp_path / "b")
    assert caught.value.message.code == "station_keys.corrupt"
    assert (
        keystore.usable_keyring(fail.Keyring()) is None
        and keystore.usable_keyring(MemoryKeyring()) is not None
    )
