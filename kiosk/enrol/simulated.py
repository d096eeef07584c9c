"""`kiosk enrol --simulated`: whole enrolments of synthetic people through the real pipeline, no UI.

The station acceptance test after an installation and the load generator: the simulated reader and
camera go through the device layer, every finger through NFIQ 2 and the duplicate check, the records
are built and sealed, queued in the outbox, delivered, and the receipt's signature verified.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from devices.policy import DevicePolicy
from devices.registry import Registry
from kiosk.api import models
from kiosk.audit import events
from kiosk.audit.log import AuditLog
from kiosk.client.backend import BackendClient
from kiosk.enrol.face import FaceCapture, FaceStep
from kiosk.enrol.fingers import FingerSlot, Verdict, judge
from kiosk.enrol.rules import FingerRules
from kiosk.enrol.sealing import Context, seal_enrolment
from kiosk.masking import mask_curp
from kiosk.outbox.delivery import deliver_with
from kiosk.outbox.provisional import provisional_receipt
from kiosk.outbox.sender import Sender
from kiosk.outbox.store import OutboxStore
from kiosk.packet import manifest as mf
from kiosk.packet.keys import BackendPublicKey
from kiosk.person.consent import ConsentGate, ConsentMethod, ConsentRecord
from kiosk.person.notices import current_notice
from kiosk.person.proofing import IdentityProofing
from kiosk.station.keys import StationKeys
from kiosk.synthetic_people import SyntheticPerson

SIM_DRIVERS = ("sim-fingerprint", "sim-camera")
CONSENT_METHODS = {ConsentMethod.TOUCH: "touch_screen"}  # manifest v1 spelling


@dataclass
class EnrolResult:
    packet_id: str
    folio: str | None
    receipt_verified: bool
    person: str  # masked CURP
    fingers: dict[str, int]
    face_passed: bool
    timings_ms: dict[str, float] = field(default_factory=dict)
    provisional_receipt: dict[str, Any] | None = (
        None  # station-signed "submission pending" when not delivered
    )

    def to_json(self) -> dict[str, Any]:
        return {
            "packet_id": self.packet_id,
            "folio": self.folio,
            "receipt_verified": self.receipt_verified,
            "person": self.person,
            "fingers": self.fingers,
            "face_passed": self.face_passed,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "provisional_receipt": self.provisional_receipt,
        }


@contextmanager
def simulated_devices(mode: str = "test") -> Iterator[tuple[Any, Any]]:
    """The simulated reader and camera, opened through the registry like any other device."""
    registry = Registry(DevicePolicy.build(mode=mode, allowed_drivers=SIM_DRIVERS))
    registry.scan()
    reader = registry.open(kind="fingerprint")
    camera = registry.open(kind="camera")
    try:
        yield reader, camera
    finally:
        registry.release(reader)
        registry.release(camera)


def manifest_device(info: Any) -> mf.Device:
    return mf.Device(
        str(info.kind), info.driver_id, info.vendor, info.model, info.serial, info.firmware or None
    )


class SimulatedEnrolment:
    def __init__(
        self,
        *,
        client: BackendClient,
        token: str,
        operator: models.Operator,
        config: models.StationConfig,
        keys: StationKeys,
        station_name: str,
        outbox: OutboxStore,
        audit: AuditLog,
        reader: Any,
        camera: Any,
        seed: int = 7,
    ) -> None:
        self.client, self.token, self.operator, self.config = client, token, operator, config
        self.keys, self.station_name, self.outbox, self.audit = keys, station_name, outbox, audit
        self.reader, self.camera = reader, camera
        self.rules = FingerRules.from_policy(config.policy.fingers.model_dump())
        current = next(k for k in config.backend_keys if k.current)
        self.recipient = BackendPublicKey.from_json(current.model_dump())
        self.sender = Sender(outbox, deliver_with(client))
        self.rng = random.Random(seed)
        self.face = FaceStep(_face_policy(config))

    def close(self) -> None:
        self.face.close()

    def _log(self, event: str, **fields: Any) -> None:
        self.audit.append(event, actor=self.operator.operator_id, role=self.operator.role, fields=fields)

    def enrol(self, person: SyntheticPerson) -> EnrolResult:
        timings: dict[str, float] = {}
        started = time.perf_counter()

        def lap(name: str, since: float) -> float:
            now = time.perf_counter()
            timings[name] = (now - since) * 1000
            return now

        found = self.client.lookup(self.token, person.curp)
        self._log(events.LOOKUP, curp=found.curp, biometric_status=found.biometric_status)
        t = lap("lookup", started)

        proofing = IdentityProofing.record(
            "ine", person.curp[-4:], attested=True, operator_id=self.operator.operator_id
        )
        self._log(events.IDENTITY_PROOFED, **proofing.audit_fields())
        today = datetime.now(UTC).date()
        gate = ConsentGate(person.curp, today=today, adult_age=self.config.policy.minor_age)
        notice = current_notice("simplified", "es_MX")
        record = ConsentRecord.for_notice(notice, given=True, method=ConsentMethod.TOUCH)
        gate.submit(record)
        self._log(record.audit_event, **record.audit_fields())
        gate.require_capture()
        t = lap("consent", t)

        slots = self._fingers(person)
        t = lap("fingers", t)
        face = self.face.run(self.camera, timeout=3.0)
        self._log(events.CAPTURE, modality="face", passed=bool(face and face.passed))
        t = lap("face", t)

        self.audit.checkpoint()
        context = Context(
            station=mf.Station(self.config.station_id, self.station_name),
            operator=mf.Operator(
                self.operator.role,
                self.operator.operator_id,
                self.operator.auth,
                self.operator.certificate_number,
            ),
            person=mf.Person(found.curp, found.nss),
            identity_document=mf.IdentityDocument("ine", proofing.last_four, proofing.attested),
            consent=mf.Consent(
                record.notice_id,
                record.notice_version,
                record.given_at,
                CONSENT_METHODS.get(record.method, record.method.value),
                True,
                record.guardian.curp if record.guardian else None,
            ),
            policy_version=self.config.policy.version,
            devices=(manifest_device(self.reader.info), manifest_device(self.camera.info)),
            audit_chain_head=self.audit.head(),
            test=True,
        )
        sealed = seal_enrolment(context, slots, face, self.keys, self.recipient)
        self.outbox.add(sealed.packet_id, sealed.blob, sealed.digest, test=True)
        self._log(events.SEAL, packet_id=sealed.packet_id)
        self._wipe(slots, face)
        t = lap("seal", t)

        outcome = self.sender.deliver_one()
        delivered = (
            outcome is not None and outcome.packet_id == sealed.packet_id and outcome.result == "delivered"
        )
        self._log(events.RECEIPT if delivered else events.DELIVERY_FAILED, packet_id=sealed.packet_id)
        provisional = None
        if not delivered:  # the person still leaves with proof: the packet waits in the outbox
            provisional = provisional_receipt(
                packet_id=sealed.packet_id,
                digest=sealed.digest,
                station_id=self.config.station_id,
                curp_masked=mask_curp(person.curp),
                sealed_at=datetime.now(UTC),
                public_keys=self.keys.public.to_json(),
                sign=lambda data: self.keys.sign(data).to_bytes(),
            )
        lap("deliver", t)
        timings["total"] = (time.perf_counter() - started) * 1000
        counts = {
            "captured": sum(1 for s in slots if s.accepted and not s.accepted_below_threshold),
            "below_threshold": sum(1 for s in slots if s.accepted_below_threshold),
            "exceptions": sum(1 for s in slots if s.exception is not None),
            "attempts": sum(s.attempts for s in slots),
        }
        return EnrolResult(
            sealed.packet_id,
            outcome.detail if delivered and outcome else None,
            delivered,
            mask_curp(person.curp),
            counts,
            bool(face and face.passed),
            timings,
            provisional,
        )

    def _fingers(self, person: SyntheticPerson) -> list[FingerSlot]:
        from kiosk.quality.matching import DuplicateChecker

        checker = DuplicateChecker(self.rules.duplicate_threshold)
        slots = []
        for finger in self.rules.order:
            slot = FingerSlot(finger, self.rules)
            while not slot.done:
                # Real people are not perfect: now and then a first placement is dry or partial.
                condition = (
                    self.rng.choice(("dry", "partial"))
                    if slot.attempts == 0 and self.rng.random() < 0.1
                    else None
                )
                self.reader.simulation.place(person.finger_seed, finger, condition)
                frame = self.reader.capture(timeout=10.0)
                self.reader.simulation.lift()
                attempt = judge(finger, frame.image, frame.ppi or 500, checker)
                verdict = slot.offer(attempt)
                self._log(
                    events.CAPTURE_ATTEMPT, finger=finger.slug, nfiq2=attempt.nfiq2, verdict=verdict.value
                )
                if verdict is Verdict.NEEDS_CONFIRMATION:
                    slot.accept_below_threshold()
                    self._log(
                        events.ACCEPTED_BELOW_THRESHOLD,
                        finger=finger.slug,
                        nfiq2=slot.best.nfiq2 if slot.best else 0,
                    )
            if slot.best is not None and slot.best.template is not None:
                checker.add(finger, slot.best.template)
            slots.append(slot)
        return slots

    @staticmethod
    def _wipe(slots: list[FingerSlot], face: FaceCapture | None) -> None:
        for slot in slots:
            slot.wipe()
        if face is not None:
            face.wipe()


def _face_policy(config: models.StationConfig) -> Any:
    from dataclasses import replace

    from kiosk.quality.face import FacePolicy

    return replace(FacePolicy(), **config.policy.face.model_dump())
