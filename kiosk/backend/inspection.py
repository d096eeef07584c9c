"""`kiosk backend inspect-packet FILE --backend-dir DIR [--json]`: open a sealed packet as the backend would.

For integrators and support: decrypt with the backend's HPKE keys, verify every signature and the
station's registered keys, check the manifest and the records' structure, and print the manifest.
Never an image: records appear by name, format, size and digest only. The backend directory is
read, never created: pointing at the wrong directory must not mint a new set of keys there. It lives
with the backend because it needs the backend's keys and stations: station code never reads them.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from kiosk.backend.keys import BackendKeys
from kiosk.cli.context import Context
from kiosk.errors import KioskError
from kiosk.messages import Message


def inspect_packet(path: Path, backend_dir: Path) -> dict[str, Any]:
    """The verified packet's description; a PacketError (with its precise code) when it does not verify."""
    from kiosk.packet.open import open_packet

    keys_dir, database = backend_dir / "keys", backend_dir / "backend.db"
    if not (keys_dir / "index.json").is_file() or not database.is_file():
        raise KioskError("packet_cmd.no_backend", directory=str(backend_dir))
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise KioskError("packet_cmd.unreadable", path=str(path), reason=exc.strerror or str(exc)) from None
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        db.row_factory = sqlite3.Row
        stations = _Stations(db)
        opened = open_packet(blob, BackendKeys(keys_dir).hpke_private(), station_resolver=stations.resolve)
        station = stations.rows[opened.manifest.station.id]
        received = db.execute(
            "SELECT folio, received_at, digest FROM packets WHERE packet_id = ?", (opened.header.packet_id,)
        ).fetchone()
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
    """The station resolver of `open_packet`, over the backend's registered stations (read-only)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.rows: dict[str, sqlite3.Row] = {}

    def resolve(self, station_id: str) -> Any:
        from kiosk.api.envelopes import unb64
        from kiosk.station.keys import StationPublicKeys

        row = self.db.execute("SELECT * FROM stations WHERE station_id = ?", (station_id,)).fetchone()
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
