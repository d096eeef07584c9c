"""Seal, queue, deliver, and say what the person takes home.

`Submission` is what the flow hands to a worker: copies of the kept prints and face (so an idle wipe of
the flow while the worker seals cannot tear a packet), and everything the manifest says. `run` builds
and seals the packet, puts it in the durable outbox (from here on nothing can be lost), logs the seal,
wipes its copies, then tries to deliver at once within a deadline. What comes back is a `ReceiptView`:
the backend's verified Acuse, a station-signed provisional receipt while the packet waits in the outbox,
or the backend's refusal with its reason, never a pending receipt for a packet the backend refused.
On the way it names each stage it starts (`STAGES`) to `on_stage`, from the worker's thread, so a
screen can say what is happening without guessing from the time.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from kiosk.audit import events
from kiosk.enrol.face import FaceCapture
from kiosk.enrol.fingers import FingerSlot
from kiosk.enrol.sealing import Context, seal_enrolment
from kiosk.enrol.station import StationContext
from kiosk.errors import KioskError
from kiosk.masking import mask_curp
from kiosk.messages import Message
from kiosk.outbox.delivery import deliver_with
from kiosk.outbox.provisional import provisional_receipt
from kiosk.outbox.sender import Sender
from kiosk.packet.signing import OperatorSigner

STAGES = ("sealing", "queued", "delivering")  # signed and encrypted; safe in the outbox; sent to the backend


logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReceiptView:
    """What the receipt screen shows and the PDF prints."""

    kind: str  # acuse (verified backend receipt) | provisional (station-signed, pending) | refused
    packet_id: str
    digest: str
    station_id: str
    station_name: str
    curp_masked: str
    person_name: str
    sealed_at: str
    folio: str | None = None
    received_at: str | None = None
    verified: bool = False
    test: bool = False
    reason: Message | None = None  # refused: the backend's reason; provisional: why it waits
    warning: Message | None = None  # something the technician must look at (the seal not in the log)
    document: dict[str, Any] = field(default_factory=dict)  # the signed receipt, for the QR code

    def to_json(self, language: str = "es_MX") -> dict[str, Any]:
        return {
            "kind": self.kind,
            "packet_id": self.packet_id,
            "folio": self.folio,
            "digest": self.digest,
            "station_id": self.station_id,
            "curp_masked": self.curp_masked,
            "sealed_at": self.sealed_at,
            "received_at": self.received_at,
            "verified": self.verified,
            "test": self.test,
            "reason": self.reason.render(language) if self.reason else None,
        }


@dataclass
class Submission:
    context: Context
    slots: list[FingerSlot]
    face: FaceCapture | None
    face_confirmed_by: str | None
    signer: OperatorSigner | None
    actor: str
    role: str
    session_id: str
    person_name: str
    deliver_within: float = 15.0
    on_stage: Callable[[str], None] | None = field(default=None, repr=False)

    @classmethod
    def copy_of(cls, slots: list[FingerSlot], face: FaceCapture | None, **rest: Any) -> Submission:
        """Deep copies of the images: the flow's own arrays may be wiped while this one is sealed."""
        copied = []
        for slot in slots:
            best = None if slot.best is None else replace(slot.best, image=slot.best.image.copy())
            copied.append(replace(slot, best=best))
        face_copy = None if face is None else replace(face, token=face.token.copy())
        return cls(context=rest.pop("context"), slots=copied, face=face_copy, **rest)

    def wipe(self) -> None:
        for slot in self.slots:
            slot.wipe()
        if self.face is not None:
            self.face.wipe()


def run(submission: Submission, station: StationContext) -> ReceiptView:
    """Seal and queue (raises, with nothing lost, when the outbox cannot take the packet), then deliver."""
    log = _Log(station, submission)
    stage = submission.on_stage or _no_stage
    try:
        stage("sealing")
        station.audit.checkpoint()
        context = replace(submission.context, audit_chain_head=station.audit.head())
        sealed = seal_enrolment(
            context,
            submission.slots,
            submission.face,
            station.keys,
            station.recipient(),
            submission.signer,
            face_confirmed_by=submission.face_confirmed_by,
        )
        station.outbox.add(sealed.packet_id, sealed.blob, sealed.digest, test=context.test)
    finally:
        submission.wipe()
    # From here on the packet is safe in the outbox: nothing below may make the operator seal it again
    # (a second packet for the same person). A log that cannot be written (a full disk) is said, not raised.
    sealed_at = datetime.now(UTC)
    unaudited = not log.quietly(events.SEAL, packet_id=sealed.packet_id)
    stage("queued")
    base = ReceiptView(
        kind="provisional",
        packet_id=sealed.packet_id,
        digest=sealed.digest,
        station_id=station.station_id,
        station_name=station.name,
        curp_masked=mask_curp(context.person.curp),
        person_name=submission.person_name,
        sealed_at=sealed_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        test=context.test,
    )
    if station.client is not None and submission.deliver_within > 0:
        stage("delivering")
    try:
        view = deliver(station, base, submission.deliver_within)
    except Exception:  # a delivery bug or a store error: the packet waits, the person gets the paper
        logger.exception("delivery right after sealing failed; the packet stays queued")
        view = receipt_for(station, base)
    if view.kind == "provisional":  # the sender audits what settles a packet (receipt, refusal)
        log.quietly(events.DELIVERY_FAILED, packet_id=sealed.packet_id, final=False, provisional_receipt=True)
    if unaudited:
        view = replace(view, warning=Message("enrol.sealed_not_audited"))
    return view


def deliver(station: StationContext, view: ReceiptView, within: float) -> ReceiptView:
    """Deliver what is due (oldest first) until this packet is answered or `within` seconds pass."""
    packet_id = view.packet_id
    if station.client is not None and within > 0:
        sender = station.sender or Sender(station.outbox, deliver_with(station.client), audit=station.audit)
        sender.poke()
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            row = station.outbox.get(packet_id)
            if row is None or row.state not in ("sealed", "sending"):
                break
            outcome = sender.deliver_one() if row.state == "sealed" else None
            if outcome is None:
                time.sleep(0.05)  # another thread holds it ("sending"): wait for its answer
            elif outcome.result == "retry" and outcome.packet_id == packet_id:
                break  # the backend is down: the provisional receipt now, delivery later
    return receipt_for(station, view)


def receipt_for(station: StationContext, view: ReceiptView) -> ReceiptView:
    """The receipt the outbox holds for this packet now (also for a reprint)."""
    row = station.outbox.get(view.packet_id)
    if row is not None and row.state in ("delivered", "purged") and row.receipt:
        stored = json.loads(row.receipt)
        body = stored["body"]
        verified = station.client is not None and _verified(station, view.packet_id, row.digest, row.receipt)
        return replace(
            view,
            kind="acuse",
            folio=row.folio,
            received_at=body.get("received_at"),
            verified=verified,
            document=stored["envelope"],
        )
    if row is not None and row.state == "rejected":
        code = row.reject_code or ""
        return replace(
            view,
            kind="refused",
            reason=Message("enrol.refused", {"code": code, "why": Message(f"backend.error.{code}")}),
        )
    signed = provisional_receipt(
        packet_id=view.packet_id,
        digest=view.digest,
        station_id=station.station_id,
        curp_masked=view.curp_masked,
        sealed_at=datetime.fromisoformat(view.sealed_at.replace("Z", "+00:00")),
        public_keys=station.keys.public.to_json(),
        sign=lambda data: station.keys.sign(data).to_bytes(),
    )
    why = Message("enrol.pending_offline" if station.client is None else "enrol.pending_backend")
    return replace(view, kind="provisional", reason=why, document=signed, verified=False)


def _verified(station: StationContext, packet_id: str, digest: str, receipt: str) -> bool:
    from kiosk.outbox.delivery import verify_stored_receipt

    assert station.client is not None
    return verify_stored_receipt(station.client, packet_id, digest, receipt)


def _no_stage(_stage: str) -> None:
    pass


class _Log:
    def __init__(self, station: StationContext, submission: Submission) -> None:
        self.station, self.submission = station, submission

    def quietly(self, event: str, **fields: Any) -> bool:
        """Log, or say in the station's log file why not (True when the entry is written)."""
        try:
            self(event, **fields)
        except KioskError as exc:
            logger.warning("audit entry %s not written: %s", event, exc.message.code)
            return False
        return True

    def __call__(self, event: str, **fields: Any) -> None:
        s = self.submission
        self.station.audit.append(
            event, actor=s.actor, role=s.role, fields={"session": s.session_id, **fields}
        )
