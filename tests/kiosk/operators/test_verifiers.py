"""What the station keeps for offline logins: a salted scrypt verifier (never the password) or the
e.firma certificate's digest, in a private file that survives damage by forgetting, not by failing."""

from __future__ import annotations

import base64
import hashlib
import json
import stat
from pathlib import Path

import pytest

from kiosk.operators.verifiers import (
    FILE,
    Remembered,
    VerifierCache,
    certificate_verifier,
    check_password,
    describe,
    password_verifier,
)

SALT = bytes(range(16))


def entry(key: str = "ventanilla", **changes: object) -> Remembered:
    fields: dict[str, object] = {
        "key": key,
        "operator_id": "op-clerk",
        "name": "Juana Pérez",
        "role": "clerk",
        "auth": "password",
        "verifier": password_verifier("clave-1", SALT),
        "last_online_at": 1_796_000_000.0,
    }
    fields.update(changes)
    return Remembered(**fields)  # type: ignore[arg-type]


def test_the_password_verifier_is_scrypt_with_the_documented_parameters() -> None:
    # Stations keep these across upgrades: a change of parameters would lock everyone out offline.
    digest = hashlib.scrypt(b"clave-1", salt=SALT, n=2**14, r=8, p=1, dklen=32)
    expected = f"scrypt${base64.b64encode(SALT).decode()}${base64.b64encode(digest).decode()}"
    assert password_verifier("clave-1", SALT) == expected


def test_each_verifier_has_its_own_sixteen_byte_salt() -> None:
    first, second = password_verifier("clave-1"), password_verifier("clave-1")
    assert first != second
    for verifier in (first, second):
        kind, salt, digest = verifier.split("$")
        assert kind == "scrypt" and len(base64.b64decode(salt)) == 16 and len(base64.b64decode(digest)) == 32
        assert check_password("clave-1", verifier) and not check_password("clave-2", verifier)


def test_a_non_ascii_password_is_checked_as_utf8() -> None:
    verifier = password_verifier("contraseña-ñ", SALT)
    digest = hashlib.scrypt("contraseña-ñ".encode(), salt=SALT, n=2**14, r=8, p=1, dklen=32)
    assert verifier.endswith(base64.b64encode(digest).decode()) and check_password("contraseña-ñ", verifier)


@pytest.mark.parametrize(
    "verifier",
    [
        "",
        "scrypt$only-two",
        "scrypt$a$b$c",
        "scrypt$!!not-base64!!$" + "A" * 44,
        "sha256$" + hashlib.sha256(b"x").hexdigest(),
    ],
)
def test_a_malformed_verifier_never_matches(verifier: str) -> None:
    assert check_password("clave-1", verifier) is False


def test_a_verifier_of_another_kind_never_matches_even_with_the_right_digest() -> None:
    _, salt, digest = password_verifier("clave-1", SALT).split("$")
    assert check_password("clave-1", f"bcrypt${salt}${digest}") is False
    assert check_password("clave-1", f"scrypt${salt}${digest}") is True


def test_the_certificate_verifier_is_the_sha256_of_the_der() -> None:
    assert certificate_verifier(b"der bytes") == "sha256$" + hashlib.sha256(b"der bytes").hexdigest()


def test_the_cache_is_a_private_file_in_a_private_folder(tmp_path: Path) -> None:
    data_dir = tmp_path / "station" / "data"
    cache = VerifierCache(data_dir)
    assert cache.path == data_dir / "operators.json" and FILE == "operators.json"
    cache.remember(entry())
    cache.remember(entry("supervisora", operator_id="op-sup"))  # the folder exists now: no error
    assert stat.S_IMODE(cache.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert sorted(p.name for p in data_dir.iterdir()) == ["operators.json"]  # no temporary file left
    stored = json.loads(cache.path.read_text(encoding="utf-8"))
    assert stored["ventanilla"]["verifier"] == password_verifier("clave-1", SALT)
    assert "clave-1" not in cache.path.read_text(encoding="utf-8")


def test_what_is_remembered_comes_back_as_it_was(tmp_path: Path) -> None:
    cache = VerifierCache(tmp_path)
    fiel = entry(
        "fiel:30001000000500003415",
        auth="fiel",
        verifier=certificate_verifier(b"der"),
        certificate_number="30001000000500003415",
        rfc="EKU9003173C9",
    )
    cache.remember(entry())
    cache.remember(fiel)
    assert VerifierCache(tmp_path).get("fiel:30001000000500003415") == fiel
    assert VerifierCache(tmp_path).get("ventanilla") == entry()
    assert VerifierCache(tmp_path).get("nadie") is None
    assert cache.keys() == ["fiel:30001000000500003415", "ventanilla"]
    cache.remember(entry(name="Juana Pérez López"))  # a newer login replaces the old entry
    assert cache.get("ventanilla") == entry(name="Juana Pérez López")


def test_an_absent_or_damaged_cache_only_costs_offline_logins(tmp_path: Path) -> None:
    cache = VerifierCache(tmp_path)
    assert cache.get("ventanilla") is None and cache.keys() == []
    for damage in ("{not json", '["a list"]', '{"ventanilla": {"key": "ventanilla"}}'):
        cache.path.write_text(damage, encoding="utf-8")
        assert cache.get("ventanilla") is None and cache.keys() == []
    cache.path.unlink()
    cache.path.mkdir()  # unreadable as a file
    assert cache.get("ventanilla") is None and cache.keys() == []


def test_failures_are_recorded_kept_to_the_last_twenty_one_and_cleared(tmp_path: Path) -> None:
    cache = VerifierCache(tmp_path)
    cache.remember(entry())
    assert cache.record_failure("ventanilla", 10.0) == [10.0]
    assert cache.record_failure("ventanilla", 11.0) == [10.0, 11.0]
    assert cache.get("ventanilla").failures == [10.0, 11.0]  # type: ignore[union-attr]
    for moment in range(12, 40):
        failures = cache.record_failure("ventanilla", float(moment))
    assert failures == [float(m) for m in range(19, 40)]
    assert cache.get("ventanilla").failures == failures  # type: ignore[union-attr]
    cache.clear_failures("ventanilla")
    assert cache.get("ventanilla").failures == []  # type: ignore[union-attr]


def test_failures_of_someone_unknown_are_not_recorded(tmp_path: Path) -> None:
    cache = VerifierCache(tmp_path)
    assert cache.record_failure("nadie", 10.0) == []
    cache.clear_failures("nadie")
    cache.forget("nadie")
    assert not cache.path.exists()  # nothing to write, nothing written
    cache.remember(entry())
    cache.record_failure("nadie", 10.0)
    cache.clear_failures("nadie")
    assert cache.keys() == ["ventanilla"]


def test_clearing_no_failures_or_forgetting_nobody_leaves_the_file_alone(tmp_path: Path) -> None:
    cache = VerifierCache(tmp_path)
    cache.remember(entry())
    before = cache.path.stat().st_ino  # every write replaces the file with a new one
    cache.clear_failures("ventanilla")
    cache.forget("nadie")
    assert cache.path.stat().st_ino == before


def test_forgetting_removes_one_entry(tmp_path: Path) -> None:
    cache = VerifierCache(tmp_path)
    cache.remember(entry())
    cache.remember(entry("supervisora"))
    cache.forget("ventanilla")
    assert cache.keys() == ["supervisora"] and VerifierCache(tmp_path).get("ventanilla") is None


def test_describe_never_shows_the_verifier() -> None:
    assert describe(entry()) == {
        "key": "ventanilla",
        "operator_id": "op-clerk",
        "role": "clerk",
        "auth": "password",
        "last_online_at": 1_796_000_000.0,
    }
