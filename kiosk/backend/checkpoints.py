"""The stations' audit checkpoints at the backend: the newest one each station delivered, checked.

A station's log can be cut together with its newest local checkpoints, or deleted whole, and nothing
left at the station would show it. The backend keeps the newest signed checkpoint of each station. A
station delivering a new one also says which hash its log holds today at the seq the backend last
acknowledged; a different hash, or none, means the log no longer passes through a point the station
signed, and the backend refuses and counts the conflict, so the cut shows there even if the station
never looks. A delivery that raced another process of the same station (the window application and a
technician's command) is answered `checkpoint_stale` with nothing counted: the station asks again.
"""

from __future__ import annotations

import binascii
from typing import Any

from kiosk.api import models
from kiosk.api.envelopes import unb64
from kiosk.audit.chain import checkpoint_payload
from kiosk.backend.errors import ApiError
from kiosk.backend.service import Backend
from kiosk.station.keys import HybridSignature, StationPublicKeys


def _ack(row: Any) -> models.AuditCheckpointAck:
    return models.AuditCheckpointAck(
        station_id=row["station_id"],
        seq=row["seq"],
        hash=row["hash"],
        ts=row["ts"],
        received_at=row["received_at"],
    )


def _signed_by(station: Any, point: models.AuditCheckpoint) -> bool:
    try:
        public = StationPublicKeys(unb64(station["ed25519"]), unb64(station["mldsa65"]))
        signature = HybridSignature.from_bytes(unb64(point.sig))
    except (ValueError, binascii.Error):
        return False
    return public.verify(checkpoint_payload(point.seq, point.hash, point.ts, point.file), signature)


def receive(
    backend: Backend, station: Any, delivery: models.AuditCheckpointDelivery
) -> models.AuditCheckpointAck:
    """Keep the checkpoint when the station's log still passes through the last one acknowledged."""
    station_id = station["station_id"]
    point, said = delivery.checkpoint, delivery.acknowledged
    if not _signed_by(station, point):
        raise ApiError("bad_checkpoint")
    refusal = None
    with backend.store.transaction() as db:
        last = db.execute("SELECT * FROM audit_checkpoints WHERE station_id = ?", (station_id,)).fetchone()
        if last is not None and (said is None or said.seq != last["seq"]):
            refusal = ApiError("checkpoint_stale", f"the last acknowledged checkpoint is seq {last['seq']}")
        elif last is not None and said is not None and said.hash != last["hash"]:
            reason = "missing" if said.hash is None else "rewritten"
            db.execute(
                "INSERT INTO events (at, kind, code, station_id) VALUES (?, 'audit_conflict', ?, ?)",
                (backend.now(), reason, station_id),
            )
            refusal = ApiError(
                "checkpoint_conflict", f"the log no longer passes through seq {last['seq']} ({reason})"
            )
        elif last is None or point.seq > last["seq"]:
            db.execute(
                "INSERT INTO audit_checkpoints (station_id, seq, hash, ts, file, sig, received_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(station_id) DO UPDATE SET seq = excluded.seq, "
                "hash = excluded.hash, ts = excluded.ts, file = excluded.file, sig = excluded.sig, "
                "received_at = excluded.received_at",
                (station_id, point.seq, point.hash, point.ts, point.file, point.sig, backend.now()),
            )
    if refusal is not None:  # raised after the commit, so a conflict stays counted
        raise refusal
    return latest(backend, station_id)


def latest(backend: Backend, station_id: str) -> models.AuditCheckpointAck:
    row = backend.store.one("SELECT * FROM audit_checkpoints WHERE station_id = ?", station_id)
    if row is None:
        raise ApiError("checkpoint_not_found")
    return _ack(row)
