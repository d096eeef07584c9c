"""The export manifest entry by entry, and what an import refuses, named: a missing manifest or a bad
signature by folder, a bad entry by its (shortened) packet id, a file that is no sealed packet even
when its digest matches, a date that is no number."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk.api.envelopes import b64, canonical_json
from kiosk.errors import KioskError
from kiosk.outbox import media
from kiosk.outbox.store import OutboxStore
from kiosk.packet.ids import new_packet_id
from kiosk.station.keys import StationKeys
from tests.kiosk.outbox.helpers import add_fake, fake_blob

NOW = 1_800_000_000.0
KEYS = StationKeys.generate()


def export(store: OutboxStore, folder: Path) -> dict[str, Any]:
    return media.export(
        store, folder, "ST-0001", KEYS.public.to_json(), lambda d: KEYS.sign(d).to_bytes(), NOW
    )


def signed_folder(folder: Path, packets: list[Any], files: dict[str, bytes] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in (files or {}).items():
        (folder / name).write_bytes(data)
    document = {
        "format": media.FORMAT,
        "station_id": "ST-0001",
        "exported_at": "2027-01-15T10:00:00.000Z",
        "public_keys": KEYS.public.to_json(),
        "packets": packets,
    }
    signed = {"manifest": document, "signature": b64(KEYS.sign(canonical_json(document)).to_bytes())}
    (folder / media.MANIFEST).write_text(json.dumps(signed), encoding="utf-8")
    return folder


def refusal(store: OutboxStore, folder: Path) -> KioskError:
    with pytest.raises(KioskError) as caught:
        media.import_folder(store, folder)
    assert store.all() == []
    return caught.value


def test_each_manifest_entry_names_the_packet_s_digest_size_date_and_test_flag(
    store: OutboxStore, tmp_path: Path
) -> None:
    packet_id = new_packet_id()
    blob = fake_blob(packet_id, size=100)
    store.add(packet_id, blob, hashlib.sha256(blob).hexdigest(), test=True, created_at=NOW - 7)
    document = export(store, tmp_path / "usb")
    assert document["packets"] == [
        {
            "packet_id": packet_id,
            "sha256": hashlib.sha256(blob).hexdigest(),
            "size": len(blob),
            "created_at": NOW - 7,
            "test": True,
        }
    ]
    assert datetime.fromisoformat(document["exported_at"].replace("Z", "+00:00")).tzinfo is not None
    text = (tmp_path / "usb" / media.MANIFEST).read_text(encoding="utf-8")
    assert json.loads(text)["manifest"] == document
    assert '\n  "manifest": {\n' in text  # indented: a person can read it on the stick


def test_an_imported_test_packet_stays_a_test_packet(store: OutboxStore, tmp_path: Path) -> None:
    source = OutboxStore(tmp_path / "source.db")
    try:
        packet_id = new_packet_id()
        blob = fake_blob(packet_id)
        source.add(packet_id, blob, hashlib.sha256(blob).hexdigest(), test=True, created_at=NOW)
        add_fake(source, 1, created_at=NOW + 1)
        export(source, tmp_path / "usb")
    finally:
        source.close()
    media.import_folder(store, tmp_path / "usb")
    assert [p.test for p in store.all()] == [True, False]


def test_a_folder_without_a_manifest_is_named(store: OutboxStore, tmp_path: Path) -> None:
    error = refusal(store, tmp_path)
    assert error.message.code == "outbox.import_no_manifest" and error.message.params == {
        "path": str(tmp_path)
    }


def test_a_bad_signature_names_the_folder(store: OutboxStore, tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    (folder / media.MANIFEST).write_text('{"manifest": {"format": 1}}', encoding="utf-8")
    error = refusal(store, folder)
    assert error.message.code == "outbox.import_bad_signature" and error.message.params == {
        "path": str(folder)
    }


@pytest.mark.parametrize(
    ("entry", "named"),
    [
        ("just a string", "None"),
        ({"packet_id": "a" * 200, "sha256": "0" * 64}, "a" * 64),
        ({"packet_id": None}, "None"),
        ({"sha256": "0" * 64}, "None"),
    ],
)
def test_a_bad_entry_is_named_by_its_id_cut_to_64_characters(
    store: OutboxStore, tmp_path: Path, entry: Any, named: str
) -> None:
    error = refusal(store, signed_folder(tmp_path / "usb", [entry]))
    assert error.message.code == "outbox.import_bad_packet" and error.message.params == {"packet_id": named}


def test_a_file_that_is_no_sealed_packet_is_refused_even_when_its_digest_matches(
    store: OutboxStore, tmp_path: Path
) -> None:
    packet_id = new_packet_id()
    junk = b"no header here " * 20
    entry = {"packet_id": packet_id, "sha256": hashlib.sha256(junk).hexdigest(), "created_at": NOW}
    error = refusal(store, signed_folder(tmp_path / "usb", [entry], {f"{packet_id}.kpk": junk}))
    assert error.message.code == "outbox.import_bad_packet" and error.message.params == {
        "packet_id": packet_id
    }


@pytest.mark.parametrize("created_at", ["yesterday", None, "missing"])
def test_an_entry_without_a_sealing_time_is_refused_and_named(
    store: OutboxStore, tmp_path: Path, created_at: Any
) -> None:
    packet_id = new_packet_id()
    blob = fake_blob(packet_id)
    entry: dict[str, Any] = {"packet_id": packet_id, "sha256": hashlib.sha256(blob).hexdigest()}
    if created_at != "missing":
        entry["created_at"] = created_at
    error = refusal(store, signed_folder(tmp_path / "usb", [entry], {f"{packet_id}.kpk": blob}))
    assert error.message.code == "outbox.import_bad_packet" and error.message.params == {
        "packet_id": packet_id
    }
