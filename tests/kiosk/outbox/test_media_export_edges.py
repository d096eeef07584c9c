"""Export to removable media at its edges: a folder that does not exist yet, a used one, a stick that
fills up or is pulled out midway, and a row whose id could name a file outside the folder."""

from __future__ import annotations

import errno
import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

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


def refusal(store: OutboxStore, folder: Path) -> KioskError:
    with pytest.raises(KioskError) as caught:
        export(store, folder)
    return caught.value


def test_a_folder_that_does_not_exist_yet_is_made_with_its_parents(
    tmp_path: Path, store: OutboxStore
) -> None:
    ids = add_fake(store, 2)
    folder = tmp_path / "usb" / "IMSS" / "2026-12-06"
    document = export(store, folder)
    assert [e["packet_id"] for e in document["packets"]] == ids and (folder / media.MANIFEST).is_file()


def test_an_existing_empty_folder_is_used_as_it_is(tmp_path: Path, store: OutboxStore) -> None:
    add_fake(store, 1)
    folder = tmp_path / "usb"
    folder.mkdir()
    assert len(export(store, folder)["packets"]) == 1


def test_a_used_folder_is_named_in_the_refusal(tmp_path: Path, store: OutboxStore) -> None:
    add_fake(store, 1)
    export(store, tmp_path / "usb")
    refused = refusal(store, tmp_path / "usb")
    assert refused.message.code == "outbox.export_not_empty"
    assert refused.message.params == {"path": str(tmp_path / "usb")}


def _full_after_one(monkeypatch: pytest.MonkeyPatch, error: OSError) -> None:
    real = media._write_durably
    calls = []

    def write(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            path.with_suffix(path.suffix + ".part").write_bytes(data[:10])  # half written, then full
            raise error
        real(path, data)

    monkeypatch.setattr(media, "_write_durably", write)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "No space left on device"),
        (OSError("the stick said nothing"), "OSError"),
        (PermissionError(errno.EROFS, "Read-only file system"), "Read-only file system"),
    ],
)
def test_a_stick_that_fills_up_leaves_nothing_half_written_and_nothing_marked(
    tmp_path: Path, store: OutboxStore, monkeypatch: pytest.MonkeyPatch, error: OSError, reason: str
) -> None:
    """The refusal names the folder and the system's words (or the error's kind when it has none);
    what this export wrote is removed, and the packets still wait here and count towards the freeze."""
    add_fake(store, 3)
    _full_after_one(monkeypatch, error)
    folder = tmp_path / "usb"
    refused = refusal(store, folder)
    assert refused.message.code == "outbox.export_failed"
    assert refused.message.params == {"path": str(folder), "reason": reason}
    assert list(folder.iterdir()) == []
    assert store.waiting(include_exported=False)[0] == 3 and store.counts()["exported_waiting"] == 0


def test_a_stick_pulled_out_while_cleaning_up_still_gives_the_export_s_refusal(
    tmp_path: Path, store: OutboxStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Removing the leftovers fails too when the medium is gone: the person still reads why the export
    failed, not a crash from the cleaning."""
    add_fake(store, 2)
    _full_after_one(monkeypatch, OSError(errno.EIO, "Input/output error"))

    def gone(self: Path, missing_ok: bool = False) -> None:
        raise OSError(errno.ENODEV, "No such device")

    monkeypatch.setattr(Path, "unlink", gone)
    refused = refusal(store, tmp_path / "usb")
    assert refused.message.params == {"path": str(tmp_path / "usb"), "reason": "Input/output error"}


def test_a_row_whose_id_could_name_another_file_is_left_out_not_the_rows_after_it(
    tmp_path: Path, store: OutboxStore
) -> None:
    """Ids come from the outbox file, which a damaged or planted file could fill with anything: such a
    row is never written (it could land outside the folder), and the rows after it still are."""
    blob = fake_blob(new_packet_id(), seed=1)  # planted: store.add would refuse an id its header lacks
    with closing(sqlite3.connect(store.path)) as db, db:
        db.execute(
            "INSERT INTO packets (packet_id, created_at, state, blob, digest, size) "
            "VALUES (?, ?, 'sealed', ?, ?, ?)",
            ("../escape", NOW - 100, blob, hashlib.sha256(blob).hexdigest(), len(blob)),
        )
    ids = add_fake(store, 2, created_at=NOW)
    folder = tmp_path / "usb" / "export"
    document = export(store, folder)
    assert [e["packet_id"] for e in document["packets"]] == ids
    assert not (tmp_path / "usb" / "escape.kpk").exists()
    assert sorted(p.name for p in folder.iterdir()) == sorted([f"{i}.kpk" for i in ids] + [media.MANIFEST])
