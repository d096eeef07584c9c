"""`kiosk enrol --simulated`: a scripted clerk and person acting on the real enrolment flow, no UI.

The station acceptance test after an installation and the load generator. The script only does what a
clerk and a person would: type the CURP, show a document, consent, put each finger on the simulated
reader (now and then badly: dry or partial, as real people do), stand in front of the simulated camera,
confirm the review. Every decision (retries, when to ask for a confirmation, what is sealed, the
receipt) is the flow's; the script answers the confirmations the policy asks for, as the operator (or
the supervisor, when the policy names one and credentials were given) would.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kiosk.enrol.confirm import Decision
from kiosk.enrol.face import FaceVerdict
from kiosk.enrol.fingers import Verdict
from kiosk.enrol.flow import Enrolment, Step
from kiosk.enrol.lookup import Outcome
from kiosk.enrol.runner import Credentials
from kiosk.enrol.station import StationContext
from kiosk.enrol.submit import ReceiptView
from kiosk.errors import KioskError
from kiosk.masking import mask_curp
from kiosk.messages import Message
from kiosk.operators.login import OperatorLogin
from kiosk.operators.override import CredentialCheck, SupervisorConfirmation
from kiosk.synthetic_people import SyntheticPerson

MAX_FINGER_TRIES = 12  # placements that ended without a capture (lifted, no finger) before giving up


@dataclass
class EnrolResult:
    person: str  # masked CURP
    outcome: str  # delivered | pending | refused | not_enrolled
    packet_id: str | None = None
    folio: str | None = None
    receipt_verified: bool = False
    fingers: dict[str, int] = field(default_factory=dict)
    face_passed: bool = False
    face_below_threshold: bool = False
    timings_ms: dict[str, float] = field(default_factory=dict)
    provisional_receipt: dict[str, Any] | None = None
    message: Message | None = None

    def to_json(self, language: str = "es_MX") -> dict[str, Any]:
        return {
            "person": self.person,
            "outcome": self.outcome,
            "packet_id": self.packet_id,
            "folio": self.folio,
            "receipt_verified": self.receipt_verified,
            "fingers": self.fingers,
            "face_passed": self.face_passed,
            "face_below_threshold": self.face_below_threshold,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "provisional_receipt": self.provisional_receipt,
            "message": self.message.render(language) if self.message else None,
        }


class SimulatedActor:
    def __init__(
        self,
        station: StationContext,
        operator: OperatorLogin,
        *,
        verify: CredentialCheck | None = None,
        supervisor: Credentials | None = None,
        seed: int = 7,
        poor_placement_rate: float = 0.1,
        face_timeout: float = 8.0,
    ) -> None:
        self.station, self.operator = station, operator
        self.verify, self.supervisor = verify, supervisor
        self.rng = random.Random(seed)
        self.poor_placement_rate = poor_placement_rate
        self.face_timeout = face_timeout

    def enrol(self, person: SyntheticPerson) -> EnrolResult:
        laps: dict[str, float] = {}
        started = time.perf_counter()
        mark = [started]

        def lap(name: str) -> None:
            now = time.perf_counter()
            laps[name], mark[0] = (now - mark[0]) * 1000, now

        flow = Enrolment.start(self.station, self.operator, verify=self.verify)
        try:
            result = self._visit(flow, person, lap)
        finally:
            flow.wipe("stopped")  # idempotent: a finished visit is already wiped
        laps["total"] = (time.perf_counter() - started) * 1000
        result.timings_ms = laps
        return result

    # -- one visit ------------------------------------------------------------------------------------------
    def _visit(self, flow: Enrolment, person: SyntheticPerson, lap: Callable[[str], None]) -> EnrolResult:
        found = flow.lookup(person.curp)()
        if found.outcome is Outcome.ENROLLED:
            about = flow.reenrol_subject("poor_quality")
            flow.reenrol("poor_quality", confirmation=self._confirm(flow, Decision.REENROLMENT, about))
        elif found.may_enrol:
            flow.proceed()
        lap("lookup")
        if flow.step is not Step.IDENTITY:
            return EnrolResult(mask_curp(person.curp), "not_enrolled", message=found.message)
        flow.record_identity("ine", person.curp[-4:], attested=True)
        flow.record_consent(True)
        lap("consent")
        self._fingers(flow, person)
        lap("fingers")
        self._face(flow)
        lap("face")
        flow.confirm_review()
        fingers = {
            "captured": sum(1 for s in flow.slots if s.accepted and not s.accepted_below_threshold),
            "below_threshold": sum(1 for s in flow.slots if s.accepted_below_threshold),
            "exceptions": sum(1 for s in flow.slots if s.exception is not None),
            "attempts": sum(s.attempts for s in flow.slots),
        }
        face_passed = bool(flow.face.best and flow.face.best.passed)
        face_below = flow.face.accepted_below_threshold
        receipt: ReceiptView = flow.submit_job()()
        lap("seal_deliver")
        flow.finish()
        outcome = {"acuse": "delivered", "provisional": "pending", "refused": "refused"}[receipt.kind]
        return EnrolResult(
            receipt.curp_masked,
            outcome,
            receipt.packet_id,
            receipt.folio,
            receipt.kind == "acuse" and receipt.verified,
            fingers,
            face_passed,
            face_below,
            provisional_receipt=receipt.document if receipt.kind == "provisional" else None,
            message=receipt.warning or receipt.reason,
        )

    def _fingers(self, flow: Enrolment, person: SyntheticPerson) -> None:
        reader: Any = self.station.devices.reader  # the simulated reader: its sensor is steered here
        assert reader is not None
        tries = 0
        while flow.step is Step.FINGERS:
            slot = flow.current_slot
            assert slot is not None
            if slot.last is Verdict.NEEDS_CONFIRMATION:
                about = flow.below_threshold_subject()
                flow.accept_below_threshold(self._confirm(flow, Decision.BELOW_THRESHOLD, about))
                continue
            if slot.last is Verdict.NEEDS_EXCEPTION:
                about = flow.exception_subject(slot.finger, "UP", "other")
                confirmation = self._confirm(flow, Decision.EXCEPTION, about)
                flow.record_exception(
                    slot.finger, "UP", "other", "simulated: wrong finger each time", confirmation
                )
                continue
            condition = None
            if slot.attempts == 0 and self.rng.random() < self.poor_placement_rate:
                condition = self.rng.choice(("dry", "partial"))
            reader.simulation.place(person.finger_seed, slot.finger, condition)
            try:
                verdict = flow.capture_job(timeout=10.0)()
            finally:
                reader.simulation.lift()
            if verdict is None:
                tries += 1
                if tries > MAX_FINGER_TRIES:
                    raise KioskError("enrol.simulation_stuck", finger=slot.finger.slug)

    def _face(self, flow: Enrolment) -> None:
        tries = 0
        while flow.step is Step.FACE:
            if flow.face.last is FaceVerdict.NEEDS_CONFIRMATION:
                about = flow.face_subject()
                flow.accept_face_below_threshold(self._confirm(flow, Decision.FACE_BELOW_THRESHOLD, about))
                continue
            if flow.face_job(timeout=self.face_timeout)() is None:
                tries += 1
                if tries > MAX_FINGER_TRIES:
                    raise KioskError("enrol.simulation_stuck", finger="face")

    def _confirm(
        self, flow: Enrolment, decision: Decision, about: dict[str, Any]
    ) -> SupervisorConfirmation | None:
        """The operator's own confirmation, or the supervisor's when the policy wants one."""
        if not flow.needs_supervisor(decision):
            return None
        if self.supervisor is None:
            raise KioskError("enrol.supervisor_needed", decision=decision.value)
        job = flow.supervisor_job(decision, about, self.supervisor.username, self.supervisor.password)
        return job()
