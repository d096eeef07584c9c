"""Export to and import from removable media, for stations without a network.

An export folder holds each pending sealed packet as `<packet id>.kpk` and `export-manifest.json`
naming them with their SHA-256, signed by the exporting station (Ed25519 + ML-DSA-65). Import checks
the signature, every digest and every packet's clear header before taking anything, then takes all
the new packets in one transaction, each once. The packets stay sealed end to end: the media never
carry plaintext, and the backend still verifies each packet's own station signature, so the manifest's
signature guards against damaged or swapped media; the signer's key fingerprint is reported so an
operator can check which station made the export. Exported packets stay in the exporting outbox until
a receipt arrives (a resend is answered with the original receipt) but no longer count towards the
freeze.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.api.envelopes import b64, canonical_json, unb64
from kiosk.clock import rfc3339, utcnow
from kiosk.errors import KioskError
from kiosk.outbox.store import OutboxStore
from kiosk.packet import header as packet_header
from kiosk.packet.errors import PacketError
from kiosk.station.keys import HybridSignature, StationPublicKeys

FORMAT = "kiosk-outbox-export-v1"
MANIFEST = "export-manifest.json"
SUFFIX = ".kpk"
# Packet ids become file names: nothing that could climb out of the folder.
SAFE_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,127}$")

Verify = Callable[[dict[str, str], bytes, bytes], bool]


def verify_station_signature(public: dict[str, str], data: bytes, signature: bytes) -> bool:
    """Both halves of the station's hybrid signature must verify with the keys named in the manifest."""
    try:
        return StationPublicKeys.from_json(public).verify(data, HybridSignature.from_bytes(signature))
    except (KeyError, ValueError, TypeError):
        return False


def export(
    store: OutboxStore,
    folder: Path,
    station_id: str,
    public_keys: dict[str, str],
    sign: Callable[[bytes], bytes],
    now: float,
) -> dict[str, Any]:
    """Write every pending packet and the signed manifest; the manifest goes last, as the commit mark.

    A medium that is full, read-only or pulled out midway raises `outbox.export_failed`: what this
    export wrote is removed again (no half export that an import would refuse later), and nothing is
    marked exported, so the packets still count towards the freeze and go on waiting here.
    """
    pending = store.pending()
    if not pending:
        raise KioskError("outbox.export_empty")
    if (folder / MANIFEST).exists():
        raise KioskError("outbox.export_not_empty", path=str(folder))
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        document = _write_export(pending, folder, station_id, public_keys, sign, written)
    except OSError as exc:
        for path in reversed(written):
            for leftover in (path, path.with_suffix(path.suffix + ".part")):
                with contextlib.suppress(OSError):
                    leftover.unlink(missing_ok=True)
        raise KioskError(
            "outbox.export_failed", path=str(folder), reason=exc.strerror or type(exc).__name__
        ) from None
    store.mark_exported([str(e["packet_id"]) for e in document["packets"]], now)
    return document


def _write_export(
    pending: list[Any],
    folder: Path,
    station_id: str,
    public_keys: dict[str, str],
    sign: Callable[[bytes], bytes],
    written: list[Path],
) -> dict[str, Any]:
    entries = []
    for packet in pending:
        if packet.blob is None or not SAFE_ID.match(packet.packet_id):
            continue
        written.append(folder / f"{packet.packet_id}{SUFFIX}")
        _write_durably(written[-1], packet.blob)
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
    written.append(folder / MANIFEST)
    _write_durably(written[-1], json.dumps(signed, indent=2).encode("utf-8"))
    _fsync_dir(folder)
    return document


def import_folder(
    store: OutboxStore, folder: Path, verify: Verify = verify_station_signature
) -> dict[str, Any]:
    """Check the whole export first, then queue each packet not already here (all in one transaction)."""
    document = _verified_manifest(folder, verify)
    items = []
    for entry in document["packets"]:
        packet_id = entry.get("packet_id") if isinstance(entry, dict) else None
        if not isinstance(packet_id, str) or not SAFE_ID.match(packet_id):
            raise KioskError("outbox.import_bad_packet", packet_id=str(packet_id)[:64])
        blob_path = folder / f"{packet_id}{SUFFIX}"
        blob = blob_path.read_bytes() if blob_path.is_file() else b""
        if hashlib.sha256(blob).hexdigest() != entry.get("sha256") or not _header_names(blob, packet_id):
            raise KioskError("outbox.import_bad_packet", packet_id=packet_id)
        try:
            created_at = float(entry["created_at"])
        except (KeyError, TypeError, ValueError):
            raise KioskError("outbox.import_bad_packet", packet_id=packet_id) from None
        items.append((packet_id, blob, str(entry["sha256"]), bool(entry.get("test")), created_at))
    added = store.add_many(items)
    public = StationPublicKeys.from_json(document["public_keys"])
    return {
        "station_id": document["station_id"],
        "station_key_fingerprint": public.fingerprint,
        "imported": sum(added),
        "already_here": len(added) - sum(added),
    }


def _verified_manifest(folder: Path, verify: Verify) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise KioskError("outbox.import_no_manifest", path=str(folder))
    try:
        signed = json.loads(path.read_text(encoding="utf-8"))
        document = signed["manifest"]
        ok = (
            document.get("format") == FORMAT
            and isinstance(document.get("packets"), list)
            and verify(document["public_keys"], canonical_json(document), unb64(signed["signature"]))
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        ok = False
    if not ok:
        raise KioskError("outbox.import_bad_signature", path=str(folder))
    return dict(document)


def _header_names(blob: bytes, packet_id: str) -> bool:
    """The clear header must carry the id the manifest files it under (it is bound into the HPKE info)."""
    try:
        return packet_header.decode(blob).packet_id == packet_id
    except (PacketError, ValueError):
        return False


def _write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".part")
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


def _fsync_dir(folder: Path) -> None:
    """Removable media get pulled: the renames must be on the stick before we say it is done."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
