"""Export to removable media and import back: signed, checked whole before anything is taken, once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.errors import KioskError
from kiosk.outbox import media
from kiosk.outbox.store import OutboxStore
from kiosk.station.keys import StationKeys
from tests.kiosk.outbox.helpers import add_fake, fake_blob

NOW = 1_800_000_000.0
KEYS = StationKeys.generate()


def export(store: OutboxStore, folder: Path, keys: StationKeys = KEYS) -> dict:
    return media.export(
        store, folder, "ST-0001", keys.public.to_json(), lambda d: keys.sign(d).to_bytes(), NOW
    )


def exported(tmp_path: Path, count: int = 3) -> tuple[OutboxStore, Path, list[str]]:
    source = OutboxStore(tmp_path / "source" / "outbox.db")
    ids = add_fake(source, count, created_at=NOW - 10)
    export(source, tmp_path / "usb")
    return source, tmp_path / "usb", ids


def test_export_writes_each_pending_packet_and_a_signed_manifest(tmp_path: Path) -> None:
    source, folder, ids = exported(tmp_path)
    signed = json.loads((folder / media.MANIFEST).read_text(encoding="utf-8"))
    assert signed["manifest"]["station_id"] == "ST-0001"
    assert [e["packet_id"] for e in signed["manifest"]["packets"]] == ids
    for packet_id in ids:
        assert (folder / f"{packet_id}.kpk").read_bytes() == source.get(packet_id).blob  # type: ignore[union-attr]
    assert not list(folder.glob("*.part"))
    assert source.counts()["exported_waiting"] == 3 and source.counts()["sealed"] == 3
    source.close()


def test_export_refuses_an_empty_outbox_and_a_used_folder(tmp_path: Path, store: OutboxStore) -> None:
    with pytest.raises(KioskError) as caught:
        export(store, tmp_path / "usb")
    assert caught.value.message.code == "outbox.export_empty"
    add_fake(store, 1)
    export(store, tmp_path / "usb")
    with pytest.raises(KioskError) as caught:
        export(store, tmp_path / "usb")
    assert caught.value.message.code == "outbox.export_not_empty"


def test_import_takes_every_packet_and_reports_who_exported(tmp_path: Path, store: OutboxStore) -> None:
    source, folder, ids = exported(tmp_path)
    result = media.import_folder(store, folder)
    assert result == {
        "station_id": "ST-0001",
        "station_key_fingerprint": KEYS.public.fingerprint,
        "imported": 3,
        "already_here": 0,
    }
    for packet_id in ids:
        mine, theirs = store.get(packet_id), source.get(packet_id)
        assert mine is not None and theirs is not None
        assert (mine.state, mine.blob, mine.digest, mine.created_at) == (
            "sealed",
            theirs.blob,
            theirs.digest,
            theirs.created_at,
        )
    source.close()


def test_importing_twice_takes_each_packet_once(tmp_path: Path, store: OutboxStore) -> None:
    source, folder, _ids = exported(tmp_path)
    media.import_folder(store, folder)
    again = media.import_folder(store, folder)
    assert (again["imported"], again["already_here"]) == (0, 3)
    assert store.counts()["sealed"] == 3
    source.close()


def test_importing_back_into_the_exporting_outbox_adds_nothing(tmp_path: Path) -> None:
    source, folder, _ids = exported(tmp_path)
    assert media.import_folder(source, folder)["already_here"] == 3
    source.close()


def tamper_manifest(folder: Path, change: object) -> None:
    path = folder / media.MANIFEST
    signed = json.loads(path.read_text(encoding="utf-8"))
    change(signed)  # type: ignore[operator]
    path.write_text(json.dumps(signed), encoding="utf-8")


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s["manifest"].update(station_id="ST-9999"),
        lambda s: s["manifest"]["packets"].pop(),
        lambda s: s["manifest"]["packets"][0].update(created_at=0),
        lambda s: s.update(signature=s["signature"][:-8] + "AAAAAAA="),
        lambda s: s.update(signature="not base64!"),
        lambda s: s["manifest"].update(format="something-else"),
        lambda s: s.pop("signature"),
        lambda s: s["manifest"]["public_keys"].update(
            ed25519=StationKeys.generate().public.to_json()["ed25519"]
        ),
    ],
    ids=[
        "station",
        "packet-dropped",
        "date",
        "signature-bits",
        "signature-garbage",
        "format",
        "unsigned",
        "swapped-key",
    ],
)
def test_a_tampered_manifest_is_refused_with_nothing_imported(
    tmp_path: Path, store: OutboxStore, change: object
) -> None:
    source, folder, _ids = exported(tmp_path)
    tamper_manifest(folder, change)
    with pytest.raises(KioskError) as caught:
        media.import_folder(store, folder)
    assert caught.value.message.code == "outbox.import_bad_signature"
    assert store.all() == []
    source.close()


def test_a_manifest_resigned_by_another_station_is_reported_as_that_station(
    tmp_path: Path, store: OutboxStore
) -> None:
    """The manifest proves which key signed it; the fingerprint tells the operator which station that is."""
    source = OutboxStore(tmp_path / "source" / "outbox.db")
    add_fake(source, 1)
    other = StationKeys.generate()
    export(source, tmp_path / "usb", keys=other)
    result = media.import_folder(store, tmp_path / "usb")
    assert result["station_key_fingerprint"] == other.public.fingerprint != KEYS.public.fingerprint
    source.close()


@pytest.mark.parametrize("damage", ["flip", "truncate", "missing", "swap"])
def test_a_damaged_packet_is_refused_with_nothing_imported(
    tmp_path: Path, store: OutboxStore, damage: str
) -> None:
    source, folder, ids = exported(tmp_path)
    victim = folder / f"{ids[1]}.kpk"
    data = bytearray(victim.read_bytes())
    if damage == "flip":
        data[-1] ^= 0x01
        victim.write_bytes(bytes(data))
    elif damage == "truncate":
        victim.write_bytes(bytes(data[:-10]))
    elif damage == "missing":
        victim.unlink()
    else:
        victim.write_bytes((folder / f"{ids[0]}.kpk").read_bytes())
    with pytest.raises(KioskError) as caught:
        media.import_folder(store, folder)
    assert caught.value.message.code == "outbox.import_bad_packet"
    assert caught.value.message.params["packet_id"] == ids[1]
    assert store.all() == []
    source.close()


def test_a_packet_filed_under_another_id_is_refused(tmp_path: Path, store: OutboxStore) -> None:
    """The digest matches, but the sealed header names another packet: the manifest lies about the id."""
    import hashlib

    folder = tmp_path / "usb"
    folder.mkdir()
    blob = fake_blob("0190a2b4-0000-7000-8000-000000000001")
    claimed = "0190a2b4-0000-7000-8000-000000000002"
    (folder / f"{claimed}.kpk").write_bytes(blob)
    entry = {"packet_id": claimed, "sha256": hashlib.sha256(blob).hexdigest(), "size": len(blob)}
    write_signed_manifest(folder, [{**entry, "created_at": NOW, "test": True}])
    with pytest.raises(KioskError) as caught:
        media.import_folder(store, folder)
    assert caught.value.message.code == "outbox.import_bad_packet"


@pytest.mark.parametrize("packet_id", ["../../etc/passwd", "/etc/passwd", "", ".hidden", "a" * 200, None])
def test_packet_ids_cannot_name_files_outside_the_folder(
    tmp_path: Path, store: OutboxStore, packet_id: object
) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    write_signed_manifest(folder, [{"packet_id": packet_id, "sha256": "0" * 64, "created_at": NOW}])
    with pytest.raises(KioskError) as caught:
        media.import_folder(store, folder)
    assert caught.value.message.code == "outbox.import_bad_packet"


def test_a_folder_without_an_export_is_refused(tmp_path: Path, store: OutboxStore) -> None:
    with pytest.raises(KioskError) as caught:
        media.import_folder(store, tmp_path)
    assert caught.value.message.code == "outbox.import_no_manifest"


def write_signed_manifest(folder: Path, packets: list[dict]) -> None:
    from kiosk.api.envelopes import b64, canonical_json

    document = {
        "format": media.FORMAT,
        "station_id": "ST-0001",
        "exported_at": "2027-01-15T10:00:00Z",
        "public_keys": KEYS.public.to_json(),
        "packets": packets,
    }
    signed = {"manifest": document, "signature": b64(KEYS.sign(canonical_json(document)).to_bytes())}
    (folder / media.MANIFEST).write_text(json.dumps(signed), encoding="utf-8")
