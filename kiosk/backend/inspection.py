"""`kiosk backend inspect-packet FILE --backend-dir DIR [--json]`: open a sealed packet as the backend would.

For integrators and support: decrypt with the backend's HPKE keys, verify every signature and the
station's registered keys, check the manifest and the records' structure, and print the manifest.
Never an image: records appear by name, format, size and digest only. The backend directory is
read, never created: pointing at the wrong directory must not mint a new set of keys there. It reads
either store (SQLite in the folder, or PostgreSQL named by `--database`), with the folder's key files.
It lives with the backend because it needs the backend's keys and stations: station code never reads
them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.backend.keys import BackendKeys, KeysMissing
from kiosk.backend.storage import Records, StoreConfig, embedded, open_store
from kiosk.cli.context import Context
from kiosk.errors import KioskError
from kiosk.messages import Message


def inspect_packet(path: Path, backend_dir: Path, storage: StoreConfig | None = None) -> dict[str, Any]:
    """The verified packet's description; a PacketError (with its precise code) when it does not verify.

    `storage` names the backend's store as for every `kiosk backend` command (None: the environment's
    choice, else the folder's SQLite): the keys' rows and the stations are read from it, the private
    keys from the folder's `keys/`."""
    from kiosk.packet.open import open_packet

    keys_dir = backend_dir / "keys"
    if not keys_dir.is_dir() or (embedded(storage) and not (backend_dir / "backend.db").is_file()):
        raise KioskError("packet_cmd.no_backend", directory=str(backend_dir))
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise KioskError("packet_cmd.unreadable", path=str(path), reason=exc.strerror or str(exc)) from None
    records, objects = open_store(backend_dir, storage)
    try:
        try:
            keys = BackendKeys(keys_dir, records, create=False)
        except KeysMissing:
            raise KioskError("packet_cmd.no_backend", directory=str(backend_dir)) from None
        stations = _Stations(records)
        opened = open_packet(blob, keys.hpke_private(), station_resolver=stations.resolve)
        station = stations.rows[opened.manifest.station.id]
        received = records.one(
            "SELECT folio, received_at, digest FROM packets WHERE packet_id = ?", opened.header.packet_id
        )
    finally:
        records.close()
        objects.close()
    verification = opened.verification
    return {
        "file": str(path),
        "packet_id": opened.header.packet_id,
        "size": len(blob),
        "digest": opened.digest,
        "header": {
            "version": opened.header.version,
            "suite": opened.header.suite.value,
            "key_id": opened.header.key_id,
        },
        "station": {
            "id": station["station_id"],
            "name": station["name"],
            "registered_at": station["registered_at"],
            "revoked": bool(station["revoked_at"]),
        },
        "signatures": {
            "station": ["ed25519", "mldsa65"],
            "operator_fiel": verification.operator_certificate_number,
        },
        "records": [
            {"name": r.name, "format": r.format, "size": r.length, "sha256": r.sha256}
            for r in opened.manifest.records
        ],
        "received": None
        if received is None
        else {
            "folio": received["folio"],
            "received_at": received["received_at"],
            "same_bytes": received["digest"] == opened.digest,
        },
        "manifest": opened.manifest.to_document(),
    }


class _Stations:
    """The station resolver of `open_packet`, over the backend's registered stations (read only)."""

    def __init__(self, records: Records) -> None:
        self.records = records
        self.rows: dict[str, Any] = {}

    def resolve(self, station_id: str) -> Any:
        from kiosk.api.envelopes import unb64
        from kiosk.station.keys import StationPublicKeys

        row = self.records.one("SELECT * FROM stations WHERE station_id = ?", station_id)
        if row is None:
            return None
        self.rows[station_id] = row
        return StationPublicKeys(unb64(row["ed25519"]), unb64(row["mldsa65"]))


def describe(ctx: Context, d: dict[str, Any]) -> str:
    from kiosk.masking import mask_curp

    manifest = d["manifest"]
    operator = manifest["operator"]
    fingers = manifest["fingers"]
    lines = [
        Message("packet_cmd.summary", {**d["header"], "packet_id": d["packet_id"], "size": d["size"]}),
        Message(
            "packet_cmd.station_revoked" if d["station"]["revoked"] else "packet_cmd.station", d["station"]
        ),
        Message(
            "packet_cmd.operator",
            {"role": operator["role"], "id": operator["id"], "login": operator["login"]},
        ),
        Message(
            "packet_cmd.person",
            {"curp": mask_curp(manifest["person"]["curp"]), "created_at": manifest["created_at"]},
        ),
        Message(
            "packet_cmd.fingers_and_face" if manifest["face"] else "packet_cmd.fingers",
            {
                "captured": sum(f["status"] == "captured" for f in fingers),
                "exceptions": sum(f["status"] == "exception" for f in fingers),
            },
        ),
    ]
    lines += [Message("packet_cmd.record", record) for record in d["records"]]
    received = d["received"]
    lines.append(
        Message("packet_cmd.received", received) if received else Message("packet_cmd.not_received", {})
    )
    if manifest["test"]:
        lines.append(Message("packet_cmd.test", {}))
    return "\n".join(ctx.text(line) for line in lines)
