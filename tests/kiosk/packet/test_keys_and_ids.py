"""Backend HPKE keys (generate, serialise, load, sizes, ids) and UUIDv7 packet ids."""

from __future__ import annotations

import json
import stat
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.packet import BackendPrivateKey, BackendPublicKey, PacketError, PacketSuite
from kiosk.packet.ids import is_uuid7, new_packet_id, uuid7, uuid7_time


@pytest.mark.parametrize("suite", list(PacketSuite))
def test_keys_serialise_and_load(suite: PacketSuite, tmp_path: Path) -> None:
    key = BackendPrivateKey.generate(suite)
    assert key.key_id.startswith("xwing-" if suite is PacketSuite.MLKEM768_X25519 else "x25519-")
    assert len(key.public_key().public_bytes) == (1216 if suite is PacketSuite.MLKEM768_X25519 else 32)
    assert BackendPrivateKey.from_json(json.loads(json.dumps(key.to_json()))) == key
    public = key.public_key()
    assert BackendPublicKey.from_json(public.to_json()) == public
    path = tmp_path / "hpke.json"
    key.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert BackendPrivateKey.load(path) == key
    assert "private_bytes" not in repr(key) and key.private_bytes.hex() not in repr(key)


def test_explicit_key_ids_and_bad_keys() -> None:
    key = BackendPrivateKey.generate("x25519", key_id="backend-2025-01")
    assert key.key_id == "backend-2025-01" and key.public_key().key_id == "backend-2025-01"
    for make in (
        lambda: BackendPrivateKey.generate("x25519", key_id="has space"),
        lambda: BackendPrivateKey("ok", PacketSuite.MLKEM768_X25519, bytes(32)),
        lambda: BackendPublicKey("ok", PacketSuite.X25519, bytes(31)),
        lambda: BackendPrivateKey.generate("rsa"),
        lambda: BackendPrivateKey.from_json({"key_id": "a"}),
        lambda: BackendPrivateKey.load(Path("/nonexistent/key.json")),
    ):
        with pytest.raises(PacketError) as caught:
            make()
        assert caught.value.code in ("bad_key", "unknown_suite")


def test_suite_ids_are_the_rfc_9180_ones() -> None:
    assert PacketSuite.MLKEM768_X25519.ids == (0x647A, 0x0001, 0x0002)
    assert PacketSuite.X25519.ids == (0x0020, 0x0001, 0x0002)
    assert PacketSuite.from_ids(0x0020, 1, 1) is None


def test_uuid7_layout_and_order(monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.packet import ids

    monkeypatch.setattr(ids, "_last_ms", -1)  # ids made by earlier tests (now) would outrank 2025
    moment = int(datetime(2025, 1, 15, 16, tzinfo=UTC).timestamp() * 1000)
    value = uuid7(moment)
    assert value.version == 7 and value.variant == uuid.RFC_4122
    assert uuid7_time(value) == datetime(2025, 1, 15, 16, tzinfo=UTC)
    made = [uuid7() for _ in range(3000)]  # many per millisecond: the counter keeps them ordered
    assert made == sorted(made) and len(set(made)) == len(made)
    earlier = uuid7(moment - 1000)  # a clock that steps back never makes an id go backwards
    assert earlier > made[-1]
    text = new_packet_id()
    assert is_uuid7(text) and not is_uuid7(text.upper()) and not is_uuid7(str(uuid.uuid4()))
    assert abs(uuid7_time(text) - datetime.now(UTC)) < timedelta(seconds=5)


@pytest.mark.parametrize("suite", list(PacketSuite))
def test_generated_key_ids_follow_the_documented_rule(suite: PacketSuite) -> None:
    """`prefix-` + the first 16 hex digits of SHA-256(public key): anyone with the key re-derives it."""
    import hashlib

    key = BackendPrivateKey.generate(suite)
    digest = hashlib.sha256(key.public_key().public_bytes).hexdigest()[:16]
    prefix = "xwing" if suite is PacketSuite.MLKEM768_X25519 else "x25519"
    assert key.key_id == f"{prefix}-{digest}"


def test_the_reference_backend_names_keys_by_the_rule(tmp_path: Path) -> None:
    pytest.importorskip("fastapi", reason="the reference backend is the `backend` extra")
    from kiosk.backend.service import Backend
    from kiosk.packet.keys import default_key_id

    backend = Backend(tmp_path)
    keys = backend.keys
    for suite in ("x25519", "mlkem768x25519"):
        key_id = keys.rotate_hpke(suite)
        key = keys.hpke_private()[key_id]
        assert key_id == default_key_id(suite, key.public_key().public_bytes)
    backend.close()


def test_a_header_packet_id_that_is_not_a_uuid7_is_refused() -> None:
    from kiosk.packet.header import PacketHeader, decode

    good = new_packet_id()
    assert (
        decode(PacketHeader(good, PacketSuite.X25519, "x25519-0011223344556677").encode()).packet_id == good
    )
    for other in (str(uuid.uuid4()), str(uuid.UUID(int=0)), good[:19] + "0" + good[20:]):
        blob = PacketHeader(other, PacketSuite.X25519, "x25519-0011223344556677").encode()
        with pytest.raises(PacketError) as caught:
            decode(blob)
        assert caught.value.code == "bad_packet_id"
