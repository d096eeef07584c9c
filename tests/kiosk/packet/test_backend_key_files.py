"""Backend key files as docs/packet-format.md section 8 defines them, and the operator's answer when
one cannot be used.

A key file is read by other programs (a backend written from the document, its rotation tools), so
its fields are checked exactly; and a key that cannot be used must say why in the message a
technician reads (`packet.bad_key`: "unusable backend key: {reason}"), naming the file, the field or
the size that is wrong.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from kiosk.packet import BackendPrivateKey, BackendPublicKey, PacketError, PacketSuite


def refused(code: str, make: object) -> PacketError:
    with pytest.raises(PacketError) as caught:
        make()  # type: ignore[operator]
    assert caught.value.code == code, caught.value
    return caught.value


@pytest.mark.parametrize(
    ("suite", "public_size", "private_size"), [("mlkem768x25519", 1216, 96), ("x25519", 32, 32)]
)
def test_key_files_hold_exactly_the_documented_fields(
    suite: str, public_size: int, private_size: int, tmp_path: Path
) -> None:
    key = BackendPrivateKey.generate(suite)
    assert key.to_json() == {
        "kind": "kiosk-backend-hpke-private-key",
        "version": 1,
        "key_id": key.key_id,
        "suite": suite,
        "private_key": base64.b64encode(key.private_bytes).decode("ascii"),
    }
    public = key.public_key()
    assert public.to_json() == {
        "kind": "kiosk-backend-hpke-public-key",
        "version": 1,
        "key_id": key.key_id,
        "suite": suite,
        "public_key": base64.b64encode(public.public_bytes).decode("ascii"),
    }
    assert len(key.private_bytes) == private_size and len(public.public_bytes) == public_size
    path = tmp_path / "backend-hpke.json"
    key.save(path)
    assert json.loads(path.read_text(encoding="utf-8")) == key.to_json()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backend-hpke.json"]  # no temporary left


def test_saving_again_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "backend-hpke.json"
    first, second = BackendPrivateKey.generate("x25519"), BackendPrivateKey.generate("x25519")
    first.save(path)
    second.save(path)
    assert BackendPrivateKey.load(path) == second


@pytest.mark.parametrize("suite", ["x25519", "mlkem768x25519"])
def test_a_key_of_the_wrong_size_names_its_suite_and_size(suite: str) -> None:
    error = refused("bad_key", lambda: BackendPrivateKey("k", PacketSuite(suite), bytes(31)))
    assert error.message.params["reason"] == f"{suite} private key of 31 bytes"
    error = refused("bad_key", lambda: BackendPublicKey("k", PacketSuite(suite), bytes(33)))
    assert error.message.params["reason"] == f"{suite} public key of 33 bytes"


@pytest.mark.parametrize("kind", ["private", "public"])
def test_a_key_document_missing_a_field_names_it(kind: str) -> None:
    key = BackendPrivateKey.generate("x25519")
    document = key.to_json() if kind == "private" else key.public_key().to_json()
    reader = BackendPrivateKey.from_json if kind == "private" else BackendPublicKey.from_json
    assert reader(dict(document)) is not None
    for field in ("key_id", f"{kind}_key"):
        broken = {k: v for k, v in document.items() if k != field}
        error = refused("bad_key", lambda broken=broken: reader(broken))
        assert field in error.message.params["reason"]
        assert field in error.render("en")
    not_base64 = {**document, f"{kind}_key": "***"}
    error = refused("bad_key", lambda: reader(not_base64))
    assert error.message.params["reason"]  # binascii's own words: the key is not base64


@pytest.mark.parametrize("kind", ["private", "public"])
def test_a_key_document_of_another_suite_is_an_unknown_suite(kind: str) -> None:
    key = BackendPrivateKey.generate("x25519")
    document = key.to_json() if kind == "private" else key.public_key().to_json()
    reader = BackendPrivateKey.from_json if kind == "private" else BackendPublicKey.from_json
    error = refused("unknown_suite", lambda: reader({**document, "suite": "rsa-oaep"}))
    assert error.message.params["suite"] == "rsa-oaep"


def test_a_suite_is_named_by_its_value_or_given_as_itself() -> None:
    assert PacketSuite.parse("x25519") is PacketSuite.X25519
    assert PacketSuite.parse(PacketSuite.MLKEM768_X25519) is PacketSuite.MLKEM768_X25519
    error = refused("unknown_suite", lambda: PacketSuite.parse("X25519"))
    assert error.message.params["suite"] == "X25519" and "X25519" in error.render("en")


def test_a_key_file_that_cannot_be_read_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    error = refused("bad_key", lambda: BackendPrivateKey.load(missing))
    assert str(missing) in error.message.params["reason"]
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json", encoding="utf-8")
    error = refused("bad_key", lambda: BackendPrivateKey.load(garbage))
    assert error.message.params["reason"].startswith(f"{garbage}: ")


def test_a_key_id_outside_the_rule_is_named_with_the_rule() -> None:
    error = refused("bad_key", lambda: BackendPrivateKey.generate("x25519", key_id="has space"))
    assert error.message.params["reason"] == "key id 'has space' must match ^[A-Za-z0-9._-]{1,64}$"
