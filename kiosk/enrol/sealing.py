"""From captures to a sealed packet: ISO/IEC 19794-4 and -5 records, the manifest, signatures, HPKE.

Everything happens in memory; the only thing that leaves this module is the sealed (encrypted) packet,
which goes straight into the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from kiosk import __version__
from kiosk.enrol.face import FaceCapture
from kiosk.enrol.fingers import FingerSlot
from kiosk.packet import manifest as mf
from kiosk.packet.ids import new_packet_id
from kiosk.packet.keys import BackendPublicKey
from kiosk.packet.seal import SealedPacket, seal
from kiosk.packet.signing import OperatorSigner
from kiosk.records import iso19794_4, iso19794_5
from kiosk.station.keys import StationKeys


@dataclass(frozen=True)
class Context:
    """Who, where and under which rules: everything in the manifest that is not a capture."""

    station: mf.Station
    operator: mf.Operator
    person: mf.Person
    identity_document: mf.IdentityDocument
    consent: mf.Consent
    policy_version: int
    devices: tuple[mf.Device, ...]
    audit_chain_head: str
    test: bool
    lookup: str = "online"
    reenrolment: mf.Reenrolment | None = None


def finger_entries(slots: Sequence[FingerSlot], operator_id: str) -> tuple[mf.FingerEntry, ...]:
    """The manifest's finger entries; `operator_id` is who seals, so a confirmation that was not theirs
    (a below-threshold finger confirmed by someone else) is entered as the supervisor's."""
    entries = []
    for slot in slots:
        if slot.exception is not None:
            e = slot.exception
            entries.append(
                mf.FingerEntry.exception(
                    slot.finger, e.code, e.reason, e.note, e.supervisor_id, slot.attempts
                )
            )
        elif slot.accepted and slot.best is not None:
            entry = mf.FingerEntry.captured(
                slot.finger, slot.best.nfiq2, slot.attempts, slot.accepted_below_threshold
            )
            if slot.accepted_below_threshold and slot.confirmed_by and slot.confirmed_by != operator_id:
                entry = replace(entry, supervisor_id=slot.confirmed_by)  # a supervisor confirmed it
            entries.append(entry)
    return tuple(entries)


def build_records(slots: Sequence[FingerSlot], face: FaceCapture | None) -> dict[str, bytes]:
    """The ISO records, each capture dated when it was taken (not when the packet was sealed)."""
    views = [
        iso19794_4.wsq_view(
            slot.best.image,
            slot.finger,
            slot.best.nfiq2,
            ppi=slot.best.ppi,
            captured_at=slot.best.captured_at,
        )
        for slot in slots
        if slot.accepted and slot.exception is None and slot.best is not None
    ]
    records: dict[str, bytes] = {}
    if views:
        records["fingers"] = iso19794_4.encode(views)
    if face is not None:
        image = iso19794_5.jpeg_face(
            face.token,
            face_type=iso19794_5.FaceImageType.TOKEN_FRONTAL,
            pose=face.pose or (None, None, None),
            eyes=face.eyes,
            captured_at=face.captured_at,
        )
        records["face"] = iso19794_5.encode([image])
    return records


def seal_enrolment(
    context: Context,
    slots: Sequence[FingerSlot],
    face: FaceCapture | None,
    keys: StationKeys,
    recipient: BackendPublicKey,
    operator_signer: OperatorSigner | None = None,
    now: datetime | None = None,
    face_confirmed_by: str | None = None,
) -> SealedPacket:
    """`face_confirmed_by` names who accepted a face that failed its checks (None: it passed)."""
    at = now or datetime.now(UTC)
    face_entry = None
    if face is not None:
        h, w = face.token.shape[:2]
        face_entry = mf.FaceEntry(
            round(face.score, 1),
            face.passed,
            face.attempts,
            w,
            h,
            _plain(face.measures),
            accepted_below_threshold=not face.passed,
            confirmed_by=None if face.passed else face_confirmed_by,
        )
    manifest = mf.Manifest(
        packet_id=new_packet_id(),
        created_at=at,
        station=context.station,
        operator=context.operator,
        person=context.person,
        identity_document=context.identity_document,
        consent=context.consent,
        policy_version=context.policy_version,
        software_version=__version__,
        fingers=finger_entries(slots, context.operator.id),
        face=face_entry,
        devices=context.devices,
        audit_chain_head=context.audit_chain_head,
        test=context.test,
        lookup=context.lookup,
        reenrolment=context.reenrolment,
    )
    return seal(manifest, build_records(slots, face), keys, recipient, operator_signer)


def _plain(measures: dict[str, Any]) -> dict[str, float | bool | None]:
    out: dict[str, float | bool | None] = {}
    for name, value in measures.items():
        if isinstance(value, bool) or value is None:
            out[name] = value
        else:
            out[name] = round(float(value), 4)
    return out
