"""Packet intake: open, verify, deduplicate, accept exactly once, and sign the receipt (the Acuse).

Opening and verifying run outside the database lock (they are the expensive part); the
exactly-once decision runs inside one IMMEDIATE transaction keyed by packet id, so two copies of the
same packet arriving at once still give one acceptance and one original receipt.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from kiosk.api import models
from kiosk.api.envelopes import unb64
from kiosk.backend import retention
from kiosk.backend.errors import ApiError
from kiosk.backend.service import Backend
from kiosk.masking import mask_curp
from kiosk.packet.errors import PacketError
from kiosk.packet.open import OpenedPacket, open_packet
from kiosk.station.keys import StationPublicKeys

# Packet error code -> contract error code.
PACKET_CODES = {
    "truncated": "malformed_packet",
    "bad_magic": "malformed_packet",
    "unknown_version": "malformed_packet",
    "unknown_suite": "malformed_packet",
    "bad_packet_id": "malformed_packet",
    "malformed_container": "malformed_packet",
    "unknown_key_id": "unknown_key",
    "suite_mismatch": "unknown_key",
    "decryption_failed": "decryption_failed",
    "unsigned": "unsigned_packet",
    "bad_signature": "bad_signature",
    "station_key_mismatch": "bad_signature",
    "operator_signature_missing": "bad_signature",
    "bad_operator_signature": "bad_signature",
    "operator_certificate_mismatch": "bad_signature",
    "malformed_manifest": "manifest_invalid",
    "packet_id_mismatch": "packet_id_mismatch",
    "record_mismatch": "record_invalid",
    "malformed_record": "record_invalid",
    "unknown_station": "station_mismatch",
}


def _reject(
    backend: Backend, code: str, station_id: str, packet_id: str, detail: str = "", blob: bytes | None = None
) -> ApiError:
    """The refusal, counted; the refused bytes kept for support within the retention (`retention`)."""
    backend.store.event("rejected", backend.now(), code, station_id, packet_id)
    if blob is not None:
        retention.keep(backend, code, station_id, packet_id, blob)
    return ApiError(code, detail)


def _resolver(backend: Backend, revoked: list[str]) -> Any:
    def resolve(station_id: str) -> StationPublicKeys | None:
        row = backend.store.one("SELECT * FROM stations WHERE station_id = ?", station_id)
        if row is None:
            return None
        if row["revoked_at"]:
            revoked.append(station_id)
        return StationPublicKeys(unb64(row["ed25519"]), unb64(row["mldsa65"]))

    return resolve


def _open(backend: Backend, station_id: str, packet_id: str, blob: bytes) -> OpenedPacket:
    revoked: list[str] = []
    try:
        try:
            opened = open_packet(
                blob, backend.keys.hpke_private(), station_resolver=_resolver(backend, revoked)
            )
        except PacketError as exc:
            # A key made a moment ago by a rotation in another process: read the keys again, once.
            if exc.code != "unknown_key_id" or not backend.keys.refresh(force=True):
                raise
            revoked.clear()
            opened = open_packet(
                blob, backend.keys.hpke_private(), station_resolver=_resolver(backend, revoked)
            )
    except PacketError as exc:
        raise _reject(
            backend, PACKET_CODES.get(exc.code, "malformed_packet"), station_id, packet_id, exc.code, blob
        ) from None
    if revoked:
        # A packet sealed by a revoked station is refused even when another station relays it.
        raise _reject(backend, "station_revoked", station_id, packet_id, blob=blob)
    if opened.header.packet_id != packet_id:
        raise _reject(backend, "packet_id_mismatch", station_id, packet_id, blob=blob)
    origin = opened.manifest.station.id
    registered = {
        r["serial"] for r in backend.store.all("SELECT serial FROM devices WHERE station_id = ?", origin)
    }
    for device in opened.manifest.devices:
        if device.serial not in registered:
            raise _reject(backend, "unregistered_device", station_id, packet_id, device.serial, blob)
    return opened


def submit(backend: Backend, station: Any, packet_id: str, blob: bytes) -> tuple[models.Receipt, bool]:
    """Accept a packet once; a resend of the same bytes gets the original receipt (second value True)."""
    station_id = station["station_id"]
    digest = hashlib.sha256(blob).hexdigest()
    earlier = backend.store.one("SELECT digest, receipt FROM packets WHERE packet_id = ?", packet_id)
    if earlier is not None:
        return _answer_resend(backend, station_id, packet_id, digest, earlier, blob)
    opened = _open(backend, station_id, packet_id, blob)
    # Kept (durably) before its acceptance commits: an accepted packet is always there to read.
    backend.objects.put(digest, blob)
    with backend.store.transaction() as db:
        earlier = db.execute(
            "SELECT digest, receipt FROM packets WHERE packet_id = ?", (packet_id,)
        ).fetchone()
        if earlier is None:
            number = backend.store.next_folio_number(db)
            now = backend.clock()
            body = models.ReceiptBody(
                folio=f"ACU-{now:%Y%m%d}-{number:07d}",
                packet_id=packet_id,
                station_id=opened.manifest.station.id,
                curp_masked=mask_curp(opened.manifest.person.curp),
                received_at=backend.now(),
                digest=digest,
                test=opened.manifest.test,
            )
            receipt = models.Receipt(**backend.keys.sign(body.model_dump()))
            db.execute(
                "INSERT INTO packets VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    packet_id,
                    opened.manifest.station.id,
                    digest,
                    len(blob),
                    body.received_at,
                    body.folio,
                    json.dumps(receipt.model_dump()),
                    int(opened.manifest.test),
                ),
            )
            # A station's set-up check (a technician's test packet) files nobody; the demo's synthetic
            # people are filed, so that a second demo run meets them again as re-enrolments.
            if opened.manifest.operator.role != "technician":
                db.execute(
                    "UPDATE persons SET biometric_status = 'pending' WHERE curp = ?",
                    (opened.manifest.person.curp,),
                )
            db.execute(
                "INSERT INTO events (at, kind, station_id, packet_id) VALUES (?, 'accepted', ?, ?)",
                (body.received_at, station_id, packet_id),
            )
            return receipt, False
    return _answer_resend(backend, station_id, packet_id, digest, earlier, blob)


def _answer_resend(
    backend: Backend, station_id: str, packet_id: str, digest: str, earlier: Any, blob: bytes
) -> tuple[models.Receipt, bool]:
    if earlier["digest"] != digest:
        raise _reject(backend, "packet_id_reused", station_id, packet_id, blob=blob)
    backend.store.event("duplicate", backend.now(), None, station_id, packet_id)
    return models.Receipt(**json.loads(earlier["receipt"])), True


def status(backend: Backend, station_id: str, packet_id: str) -> models.PacketStatus:
    row = backend.store.one("SELECT receipt FROM packets WHERE packet_id = ?", packet_id)
    if row is None:
        raise ApiError("packet_not_found")
    return models.PacketStatus(
        packet_id=packet_id, status="accepted", receipt=models.Receipt(**json.loads(row["receipt"]))
    )
