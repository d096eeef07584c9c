"""Export to and import from removable media, for stations without a network.

An export folder holds each pending sealed packet as `<packet id>.kpk` and `export-manifest.json`
naming them with their SHA-256, signed by the exporting station. Import checks the signature and every
digest before taking anything, and takes each packet once. The packets stay sealed end to end: the
media never carry plaintext, and the backend still verifies each packet's own station signature.
Exported packets stay in the exporting outbox until a receipt arrives (a resend is answered with the
original receipt), but no longer count towards the freeze.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.api.envelopes import b64, canonical_json, unb64
from kiosk.clock import rfc3339, utcnow
from kiosk.errors import KioskError
from kiosk.outbox.store import OutboxStore

FORMAT = "kiosk-outbox-export-v1"
MANIFEST = "export-manifest.json"
SUFFIX = ".kpk"


def export(
    store: OutboxStore,
    folder: Path,
    station_id: str,
    public_keys: dict[str, str],
    sign: Callable[[bytes], bytes],
    now: float,
) -> dict[str, Any]:
    pending = store.pending()
    if not pending:
        raise KioskError("outbox.export_empty")
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / MANIFEST).exists():
        raise KioskError("outbox.export_not_empty", path=str(folder))
    entries = []
    for packet in pending:
        assert packet.blob is not None
        _write_durably(folder / f"{packet.packet_id}{SUFFIX}", packet.blob)
        entries.append(
            {
                "packet_id": packet.packet_id,
                "sha256": packet.digest,
                "size": packet.size,
                "created_at": packet.created_at,
                "test": packet.test,
            }
        )
    document = {
        "format": FORMAT,
        "station_id": station_id,
        "exported_at": rfc3339(utcnow()),
        "public_keys": public_keys,
        "packets": entries,
    }
    signed = {"manifest": document, "signature": b64(sign(canonical_json(document)))}
    _write_durably(folder / MANIFEST, json.dumps(signed, indent=2).encode("utf-8"))
    store.mark_exported([str(e["packet_id"]) for e in entries], now)
    return document


def import_folder(
    store: OutboxStore, folder: Path, verify: Callable[[dict[str, str], bytes, bytes], bool]
) -> dict[str, Any]:
    """Check the whole export first, then queue each packet not already here."""
    path = folder / MANIFEST
    if not path.is_file():
        raise KioskError("outbox.import_no_manifest", path=str(folder))
    try:
        signed = json.loads(path.read_text(encoding="utf-8"))
        document = signed["manifest"]
        ok = document.get("format") == FORMAT and verify(
            document["public_keys"], canonical_json(document), unb64(signed["signature"])
        )
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise KioskError("outbox.import_bad_signature", path=str(folder))
    blobs = {}
    for entry in document["packets"]:
        blob_path = folder / f"{entry['packet_id']}{SUFFIX}"
        blob = blob_path.read_bytes() if blob_path.is_file() else b""
        if hashlib.sha256(blob).hexdigest() != entry["sha256"]:
            raise KioskError("outbox.import_bad_packet", packet_id=entry["packet_id"])
        blobs[entry["packet_id"]] = (blob, entry)
    added = [
        packet_id
        for packet_id, (blob, entry) in blobs.items()
        if store.add(packet_id, blob, entry["sha256"], bool(entry.get("test")), float(entry["created_at"]))
    ]
    return {
        "station_id": document["station_id"],
        "imported": len(added),
        "already_here": len(blobs) - len(added),
    }


def _write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".part")
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
