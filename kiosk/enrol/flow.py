"""One person's enrolment: the order of the steps, what each needs, and every rule of the policy.

`Enrolment` is the one object that decides (DESIGN: "the flow is one Qt-free object"): the screens
show its state and ask it to act, `kiosk enrol --simulated` is a script over it, and neither decides
anything itself. It owns the session lock for the person's whole visit (so no technician tool writes
an image meanwhile), refuses to start when the station cannot finish the job (`preflight`), writes
every step to the audit log, and wipes the person from memory when the visit ends, however it ends.

Threading: every method runs on the owner's thread (the GUI thread in the window) and is quick; the
slow parts (backend calls, capture with NFIQ 2, sealing and delivery) come out as `Job`s whose `work`
touches none of this object's state. A job that returns after the flow moved on (the person was wiped,
another finger was chosen) is recognised and dropped, its images wiped.

Steps, in order: lookup, identity (document), consent, fingers, face, review, submit, receipt; `ended`
from anywhere. Allowed moves back are in `BACK`; the review may send one finger or the face back to be
taken again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from devices.errors import DeviceError, DeviceTimeout, Disconnected, FingerLifted, ScanRetry
from devices.positions import Finger
from kiosk import session_lock
from kiosk.audit import events
from kiosk.client.http import BackendError
from kiosk.enrol import lookup as lk
from kiosk.enrol import preflight
from kiosk.enrol.confirm import Confirmations, Decision, audit_event, subject
from kiosk.enrol.face import FaceCapture, FaceSlot, FaceStep, FaceVerdict
from kiosk.enrol.fingers import Attempt, FingerException, FingerSlot, Verdict, judge
from kiosk.enrol.live import Cancelled, FaceFrame, FingerFrame, capture_face, capture_finger
from kiosk.enrol.rules import FaceRules, FingerRules
from kiosk.enrol.sealing import Context
from kiosk.enrol.station import StationContext
from kiosk.enrol.submit import ReceiptView, Submission
from kiosk.enrol.submit import run as run_submission
from kiosk.errors import KioskError
from kiosk.evented import EventGroup
from kiosk.identity import IdCheck
from kiosk.jobs import Job
from kiosk.messages import Message
from kiosk.operators.login import OperatorLogin, is_offline
from kiosk.operators.override import CredentialCheck, SupervisorConfirmation, confirm_over_session
from kiosk.packet import manifest as mf
from kiosk.person.consent import ConsentGate, ConsentMethod, ConsentRecord, GuardianConsent
from kiosk.person.notices import Notice, current_notice
from kiosk.person.proofing import IdentityProofing


class Step(StrEnum):
    LOOKUP = "lookup"
    IDENTITY = "identity"
    CONSENT = "consent"
    FINGERS = "fingers"
    FACE = "face"
    REVIEW = "review"
    SUBMIT = "submit"
    RECEIPT = "receipt"
    ENDED = "ended"


FORWARD: dict[Step, Step] = {
    Step.LOOKUP: Step.IDENTITY,
    Step.IDENTITY: Step.CONSENT,
    Step.CONSENT: Step.FINGERS,
    Step.FINGERS: Step.FACE,
    Step.FACE: Step.REVIEW,
    Step.REVIEW: Step.SUBMIT,
    Step.SUBMIT: Step.RECEIPT,
}
BACK: dict[Step, Step] = {Step.IDENTITY: Step.LOOKUP, Step.CONSENT: Step.IDENTITY}
CONSENT_METHODS = {  # the manifest's spelling of each consent method
    ConsentMethod.TOUCH: "touch_screen",
    ConsentMethod.SIGNATURE_PAD: "signature_pad",
    ConsentMethod.VERBAL_WITNESSED: "verbal_witnessed",
}


class Enrolment:
    """Events: step, lookup, finger, face, message, confirmation, receipt, ended (see module docstring)."""

    def __init__(
        self,
        station: StationContext,
        operator: OperatorLogin,
        *,
        verify: CredentialCheck | None = None,
        today: date | None = None,
    ) -> None:
        self.station = station
        self.operator = operator
        self.verify = verify
        self.today = today or datetime.now(UTC).date()
        self.events = EventGroup(
            self, "step", "lookup", "finger", "face", "message", "confirmation", "receipt", "ended"
        )
        policy = station.policy
        self.rules = FingerRules.from_policy(policy.fingers.model_dump())
        self.face_rules = FaceRules.from_policy(policy.face.model_dump())
        self.confirmations = Confirmations(policy, operator.session)
        self.step = Step.LOOKUP
        self.end_reason: str | None = None
        self.lookup_result: lk.LookupResult | None = None
        self.reenrolment: mf.Reenrolment | None = None
        self.proofing: IdentityProofing | None = None
        self.consent: ConsentGate | None = None
        self.slots: list[FingerSlot] = [FingerSlot(f, self.rules) for f in self.rules.order]
        self.current: Finger | None = self.rules.order[0] if self.rules.order else None
        self.face = FaceSlot(self.face_rules)
        self.receipt: ReceiptView | None = None
        self.checker: Any = None
        self._face_step: FaceStep | None = None
        self._face_jobs = 0  # face jobs handed out and not settled: they own the analysers meanwhile
        self._sealing = False  # a submission job is out: no second one until it settles
        self._stack = ExitStack()
        self._generation = 0  # bumps on every wipe or retake: stale jobs recognise themselves

    # -- start and end --------------------------------------------------------------------------------------
    @classmethod
    def start(cls, station: StationContext, operator: OperatorLogin, **options: Any) -> Enrolment:
        """A new person's session, or `KioskError` with the first reason the station cannot take one."""
        found = preflight.problems(station, operator)
        if found:
            operator.session.record(station.audit, events.ENROLMENT_REFUSED, {"why": found[0].code})
            raise KioskError(found[0].code, **found[0].params)
        flow = cls(station, operator, **options)
        flow._stack.enter_context(session_lock.hold(station.data_dir))
        flow._log(events.ENROLMENT_STARTED, policy_version=station.policy.version)
        return flow

    @property
    def ended(self) -> bool:
        return self.step is Step.ENDED

    def finish(self) -> None:
        """ "Next person": the visit is over; everything of this person leaves memory and screen."""
        self.wipe("finished")

    def wipe(self, reason: str) -> None:
        """End the visit (finished, idle, logout, refused, stopped): wipe, release the lock. Idempotent."""
        if self.step is Step.ENDED:
            return
        self._generation += 1
        for slot in self.slots:
            slot.wipe()
        self.face.wipe()
        if self.checker is not None:
            self.checker.clear()
        self.lookup_result = self.proofing = self.consent = self.reenrolment = None
        self.receipt = None
        if self._face_step is not None and not self._face_jobs:  # a running job returns its own
            self.station.keep_face_step(self._face_step)
        self._face_step = None
        self._log(events.PERSON_WIPED, reason=reason)
        self.end_reason = reason
        self._stack.close()  # the session lock
        self._go(Step.ENDED)
        self.events.ended.emit(reason=reason)

    # -- lookup ---------------------------------------------------------------------------------------------
    def check_identifier(self, text: str) -> IdCheck:
        """Live validation as the clerk types (no state change, nothing sent)."""
        return lk.check_identifier(text)

    def lookup(self, text: str) -> Job[Any, lk.LookupResult]:
        self._require(Step.LOOKUP)
        checked = lk.check_identifier(text)
        generation = self._generation
        client, token = self.station.client, self.operator.token

        def work() -> Any:
            if not checked.valid:
                return None
            if client is None or token is None:
                raise BackendError("backend.unreachable", retryable=True, url="-")
            return client.lookup(token, checked.normalized)

        def finish(found: Any) -> lk.LookupResult:
            if not checked.valid:
                result = lk.LookupResult(lk.Outcome.INVALID, checked, Message("enrol.lookup_invalid"))
            else:
                result = lk.classify(found, checked)
            return self._looked_up(result, generation)

        def fail(exc: BaseException) -> lk.LookupResult:
            if isinstance(exc, BackendError) and exc.api_code == "person_not_found":
                result = lk.LookupResult(lk.Outcome.NOT_FOUND, checked, Message("enrol.lookup_not_found"))
            elif is_offline(exc) or (isinstance(exc, BackendError) and self.operator.offline):
                result = self._offline_lookup(checked)
            elif isinstance(exc, KioskError):
                result = lk.LookupResult(lk.Outcome.REFUSED, checked, exc.message)
            else:
                raise exc
            return self._looked_up(result, generation)

        return Job("lookup", work, finish, fail)

    def _offline_lookup(self, checked: IdCheck) -> lk.LookupResult:
        if not self.station.policy.offline.enrol_without_lookup:
            return lk.LookupResult(lk.Outcome.OFFLINE, checked, Message("enrol.offline_no_enrolment"))
        if checked.kind != "curp":
            return lk.LookupResult(lk.Outcome.OFFLINE, checked, Message("enrol.offline_needs_curp"))
        return lk.LookupResult(
            lk.Outcome.OFFLINE, checked, Message("enrol.offline_enrol"), lk.offline_person(checked)
        )

    def _looked_up(self, result: lk.LookupResult, generation: int) -> lk.LookupResult:
        if generation != self._generation or self.step is not Step.LOOKUP:
            return result  # the visit moved on while the backend answered
        self.lookup_result = result
        if result.person is not None:
            self._log(
                events.LOOKUP,
                curp=result.person.curp,
                biometric_status=result.person.biometric_status,
                outcome=result.outcome.value,
            )
        else:
            self._log(events.LOOKUP, outcome=result.outcome.value)
        self.events.lookup.emit(result=result)
        return result

    def proceed(self) -> None:
        """The clerk saw the person's record (name, the "no biometric record" flag) and goes on."""
        self._require(Step.LOOKUP)
        if self.lookup_result is None or not self.lookup_result.may_enrol:
            raise KioskError("enrol.cannot_proceed")
        self._go(Step.IDENTITY)

    @property
    def person(self) -> Any:
        return self.lookup_result.person if self.lookup_result else None

    def reenrolment_reasons(self) -> list[str]:
        return list(self.station.policy.reenrolment.reasons)

    def reenrol(
        self, reason: str, note: str | None = None, confirmation: SupervisorConfirmation | None = None
    ) -> None:
        """Enrol again a person the backend knows as enrolled: only with a reason the policy lists."""
        self._require(Step.LOOKUP)
        result = self.lookup_result
        if result is None or result.outcome is not lk.Outcome.ENROLLED or result.person is None:
            raise KioskError("enrol.reenrol_not_needed")
        if reason not in self.station.policy.reenrolment.reasons:
            raise KioskError("enrol.reenrol_bad_reason", reason=reason)
        note = (note or "").strip() or None
        if reason == "other" and not note:
            raise KioskError("enrol.reenrol_needs_note")
        about = self.reenrol_subject(reason)
        confirmed_by = self.confirmations.require(Decision.REENROLMENT, about, confirmation)
        self.reenrolment = mf.Reenrolment(reason, result.person.biometric_status, confirmed_by, note)
        self._log(events.REENROLMENT, reason=reason, confirmed_by=confirmed_by)
        self._go(Step.IDENTITY)

    def reenrol_subject(self, reason: str) -> dict[str, Any]:
        return subject(Decision.REENROLMENT, reason=reason)

    # -- identity document and consent ----------------------------------------------------------------------
    def record_identity(
        self, document: str, last_four: str, *, attested: bool, description: str | None = None
    ) -> IdentityProofing:
        self._require(Step.IDENTITY)
        proofing = IdentityProofing.record(
            document,
            last_four,
            attested=attested,
            operator_id=self.operator.operator_id,
            description=description,
        )
        proofing.require_attested()
        self.proofing = proofing
        self._log(events.IDENTITY_PROOFED, **proofing.audit_fields())
        self.consent = ConsentGate(
            self.person.curp, today=self.today, adult_age=self.station.policy.minor_age
        )
        self._go(Step.CONSENT)
        return proofing

    @property
    def minor(self) -> bool:
        return bool(self.consent and self.consent.minor)

    def notice(self, kind: str = "simplified", language: str = "es_MX") -> Notice:
        return current_notice(kind, language)

    def record_consent(
        self,
        given: bool,
        *,
        method: ConsentMethod | str = ConsentMethod.TOUCH,
        language: str = "es_MX",
        guardian_curp: str | None = None,
        guardian_given: bool | None = None,
        witness_id: str | None = None,
    ) -> bool:
        """Record the answer; a refusal ends the visit (recorded). True when capture may start."""
        self._require(Step.CONSENT)
        assert self.consent is not None
        guardian = None
        if guardian_curp:
            guardian = GuardianConsent(guardian_curp, given if guardian_given is None else guardian_given)
        record = ConsentRecord.for_notice(
            self.notice("simplified", language),
            given=given,
            method=method,
            guardian=guardian,
            witness_id=witness_id,
        )
        self.consent.submit(record)  # an incomplete record (a minor without guardian) raises here
        self._log(record.audit_event, **record.audit_fields())
        if self.consent.ends_session:
            self.wipe("consent_refused")
            return False
        self._go(Step.FINGERS)
        return True

    def back(self) -> None:
        """One step back where that makes sense (a different person, a corrected document)."""
        target = BACK.get(self.step)
        if target is None:
            raise KioskError("enrol.cannot_go_back", step=self.step.value)
        if target is Step.LOOKUP:
            self.lookup_result = None
            self.reenrolment = None
        self.proofing = None if target in (Step.LOOKUP, Step.IDENTITY) else self.proofing
        self.consent = None
        self._go(target)

    # -- fingers --------------------------------------------------------------------------------------------
    def slot(self, finger: Finger) -> FingerSlot:
        for slot in self.slots:
            if slot.finger == finger:
                return slot
        raise KioskError("enrol.finger_not_in_policy", finger=Message(f"finger.{finger.name.lower()}"))

    @property
    def current_slot(self) -> FingerSlot | None:
        return None if self.current is None else self.slot(self.current)

    def capture_job(
        self,
        *,
        on_frame: Callable[[FingerFrame], None] | None = None,
        cancel: threading.Event | None = None,
        timeout: float = 10.0,
        require_lift: bool = False,
    ) -> Job[Attempt, Verdict | None]:
        """Capture the current finger: live frames to `on_frame`, then NFIQ 2 and the duplicate check."""
        self._require(Step.FINGERS)
        slot = self.current_slot
        if slot is None or slot.done or slot.last in (Verdict.NEEDS_CONFIRMATION, Verdict.NEEDS_EXCEPTION):
            raise KioskError("enrol.no_finger_to_capture")
        assert self.consent is not None
        self.consent.require_capture()
        reader = self.station.devices.reader
        if reader is None or not self.station.devices.reader_ready:
            raise KioskError("enrol.no_reader")
        checker = [self.checker]  # made in the worker the first time: its import costs the GUI ~0.6 s
        threshold = self.rules.duplicate_threshold
        finger, generation = slot.finger, self._generation

        def work() -> Attempt:
            if checker[0] is None:
                from kiosk.quality.matching import DuplicateChecker

                checker[0] = DuplicateChecker(threshold)
            frame = capture_finger(
                reader, on_frame=on_frame, cancel=cancel, timeout=timeout, require_lift=require_lift
            )
            return judge(finger, frame.image, frame.ppi or reader.info.ppi or 500, checker[0])

        def finish(attempt: Attempt) -> Verdict | None:
            if generation != self._generation or self.step is not Step.FINGERS or self.current != finger:
                attempt.wipe()
                return None
            if self.checker is None:
                self.checker = checker[0]
            return self.offer(attempt)

        def fail(exc: BaseException) -> Verdict | None:
            if isinstance(exc, Cancelled):
                return None
            if isinstance(exc, DeviceError):
                self._say(_device_message(exc), level="warning")
                return None
            raise exc

        return Job("capture_finger", work, finish, fail)

    def offer(self, attempt: Attempt) -> Verdict:
        """The verdict on one scored capture of the current finger (the policy's gate, per finger)."""
        self._require(Step.FINGERS)
        slot = self.current_slot
        assert slot is not None and self.consent is not None
        self.consent.note_capture()
        verdict = slot.offer(attempt)
        fields: dict[str, Any] = {
            "finger": slot.finger.slug,
            "nfiq2": attempt.nfiq2,
            "verdict": verdict.value,
        }
        reader = self.station.devices.reader
        if reader is not None:  # the day summary charts NFIQ 2 per device: a worn sensor shows there
            fields["device"] = reader.info.serial
            fields["driver"] = reader.info.driver_id
        self._log(events.CAPTURE_ATTEMPT, **fields)
        if attempt.duplicate_of is not None:
            self._log(
                events.DUPLICATE_FINGER,
                finger=slot.finger.slug,
                matches=attempt.duplicate_of.slug,
                score=attempt.duplicate_score,
            )
        self.events.finger.emit(slot=slot, verdict=verdict, attempt=attempt)
        if verdict is Verdict.ACCEPTED:
            self._keep(slot)
        elif verdict in (Verdict.NEEDS_CONFIRMATION, Verdict.NEEDS_EXCEPTION):
            usable = verdict is Verdict.NEEDS_CONFIRMATION
            self._ask(Decision.BELOW_THRESHOLD if usable else Decision.EXCEPTION, finger=slot.finger)
        return verdict

    def below_threshold_subject(self) -> dict[str, Any]:
        slot = self.current_slot
        assert slot is not None
        return subject(
            Decision.BELOW_THRESHOLD, finger=slot.finger.slug, nfiq2=slot.best.nfiq2 if slot.best else 0
        )

    def accept_below_threshold(self, confirmation: SupervisorConfirmation | None = None) -> None:
        """Keep the best attempt of a finger whose attempts ran out, confirmed as the policy says."""
        self._require(Step.FINGERS)
        slot = self.current_slot
        if slot is None or slot.last is not Verdict.NEEDS_CONFIRMATION:
            raise KioskError("enrol.nothing_to_accept")
        confirmed_by = self.confirmations.require(
            Decision.BELOW_THRESHOLD, self.below_threshold_subject(), confirmation
        )
        slot.accept_below_threshold(confirmed_by)
        assert slot.best is not None
        self._log(
            events.ACCEPTED_BELOW_THRESHOLD,
            modality="finger",
            finger=slot.finger.slug,
            nfiq2=slot.best.nfiq2,
            confirmed_by=confirmed_by,
        )
        self.events.finger.emit(slot=slot, verdict=Verdict.ACCEPTED, attempt=None)
        self._keep(slot)

    def exception_subject(self, finger: Finger, code: str, reason: str) -> dict[str, Any]:
        return subject(Decision.EXCEPTION, finger=finger.slug, code=code, reason=reason)

    def record_exception(
        self,
        finger: Finger,
        code: str,
        reason: str,
        note: str | None = None,
        confirmation: SupervisorConfirmation | None = None,
    ) -> None:
        """A finger that cannot be captured (XX missing, UP unable to print), confirmed as the policy says."""
        self._require(Step.FINGERS)
        slot = self.slot(finger)
        if slot.done:
            raise KioskError("enrol.finger_already_done", finger=Message(f"finger.{finger.name.lower()}"))
        exception = FingerException(code, reason, note)  # validates code, reason and note first
        confirmed_by = self.confirmations.require(
            Decision.EXCEPTION, self.exception_subject(finger, code, reason), confirmation
        )
        supervisor = confirmed_by if confirmed_by != self.operator.operator_id else None
        slot.mark_exception(FingerException(code, reason, exception.note, supervisor))
        if self.checker is not None:
            self.checker.remove(finger)
        self._log(
            events.EXCEPTION,
            finger=finger.slug,
            code=code,
            reason=reason,
            temporary=exception.temporary,
            confirmed_by=confirmed_by,
        )
        self.events.finger.emit(slot=slot, verdict=None, attempt=None)
        if self.current == finger:
            self._advance()

    def _keep(self, slot: FingerSlot) -> None:
        if slot.best is not None and slot.best.template is not None:
            self._checker().add(slot.finger, slot.best.template)
        self._advance()

    def _advance(self) -> None:
        pending = [s for s in self.slots if not s.done]
        self.current = pending[0].finger if pending else None
        if not pending:
            self._go(Step.FACE if not self.face.done else Step.REVIEW)

    def _checker(self) -> Any:
        if self.checker is None:
            from kiosk.quality.matching import DuplicateChecker

            self.checker = DuplicateChecker(self.rules.duplicate_threshold)
        return self.checker

    # -- face -----------------------------------------------------------------------------------------------
    def face_job(
        self,
        *,
        on_frame: Callable[[FaceFrame], None] | None = None,
        cancel: threading.Event | None = None,
        timeout: float | None = 8.0,
    ) -> Job[FaceCapture | None, FaceVerdict | None]:
        self._require(Step.FACE)
        if self.face.last is FaceVerdict.NEEDS_CONFIRMATION:
            raise KioskError("enrol.face_needs_decision")
        assert self.consent is not None
        self.consent.require_capture()
        camera = self.station.devices.camera
        if camera is None or not self.station.devices.camera_ready:
            raise KioskError("enrol.no_camera")
        # The analysers take seconds to build the first time (mediapipe's import and graphs): that happens
        # in `work`, off the owner's thread, and the flow keeps them for the next attempt when it settles.
        held: list[FaceStep | None] = [self._face_step]
        policy = self.face_policy
        generation = self._generation
        self._face_jobs += 1

        station = self.station

        def work() -> FaceCapture | None:
            step = held[0] = held[0] or station.take_face_step(policy) or FaceStep(policy)
            return capture_face(camera, step, on_frame=on_frame, cancel=cancel, timeout=timeout)

        def settle() -> None:
            self._face_jobs -= 1
            step = held[0]
            if step is None or step is self._face_step:
                return
            if generation == self._generation and self.step is Step.FACE and self._face_step is None:
                self._face_step = step
            else:  # the visit was wiped (or another job's analysers were kept): the station keeps them
                station.keep_face_step(step)

        def finish(capture: FaceCapture | None) -> FaceVerdict | None:
            settle()
            if generation != self._generation or self.step is not Step.FACE:
                if capture is not None:
                    capture.wipe()
                return None
            if capture is None:
                self._say(Message("enrol.face_not_found"), level="warning")
                return None
            return self.offer_face(capture)

        def fail(exc: BaseException) -> FaceVerdict | None:
            settle()
            if isinstance(exc, Cancelled):
                return None
            if isinstance(exc, DeviceError):
                if generation == self._generation and self.step is Step.FACE:  # not for a visit gone by
                    self._say(Message(exc.code, exc.to_json()["params"]), level="warning")  # the camera's
                return None
            raise exc

        return Job("capture_face", work, finish, fail)

    @property
    def face_policy(self) -> Any:
        """The face checks' thresholds from the signed policy (the screen draws its guide oval from them)."""
        return _face_policy(self.station.policy)

    def offer_face(self, capture: FaceCapture) -> FaceVerdict:
        self._require(Step.FACE)
        assert self.consent is not None
        self.consent.note_capture()
        verdict = self.face.offer(capture)
        self._log(
            events.CAPTURE,
            modality="face",
            passed=capture.passed,
            score=round(capture.score, 1),
            attempt=self.face.attempts,
            failed=list(capture.failed),
        )
        self.events.face.emit(slot=self.face, verdict=verdict, capture=capture)
        if verdict is FaceVerdict.ACCEPTED:
            self._go(Step.REVIEW)
        elif verdict is FaceVerdict.NEEDS_CONFIRMATION:
            self._ask(Decision.FACE_BELOW_THRESHOLD)
        elif capture.guidance is not None:
            self._say(capture.guidance)
        return verdict

    def face_subject(self) -> dict[str, Any]:
        best = self.face.best
        return subject(Decision.FACE_BELOW_THRESHOLD, failed=list(best.failed) if best else [])

    def accept_face_below_threshold(self, confirmation: SupervisorConfirmation | None = None) -> None:
        self._require(Step.FACE)
        if self.face.last is not FaceVerdict.NEEDS_CONFIRMATION or self.face.best is None:
            raise KioskError("enrol.nothing_to_accept")
        confirmed_by = self.confirmations.require(
            Decision.FACE_BELOW_THRESHOLD, self.face_subject(), confirmation
        )
        self.face.accept_below_threshold(confirmed_by)
        self._log(
            events.ACCEPTED_BELOW_THRESHOLD,
            modality="face",
            score=round(self.face.best.score, 1),
            failed=list(self.face.best.failed),
            confirmed_by=confirmed_by,
        )
        self.events.face.emit(slot=self.face, verdict=FaceVerdict.ACCEPTED, capture=None)
        self._go(Step.REVIEW)

    # -- review ---------------------------------------------------------------------------------------------
    def retake_finger(self, finger: Finger) -> None:
        self._require(Step.REVIEW)
        self.slot(finger).restart()
        if self.checker is not None:
            self.checker.remove(finger)
        self._generation += 1
        self.current = finger
        self._log(events.CAPTURE, modality="finger", finger=finger.slug, retake=True)
        self._go(Step.FINGERS)

    def retake_face(self) -> None:
        self._require(Step.REVIEW)
        self.face.restart()
        self._generation += 1
        self._go(Step.FACE)

    def confirm_review(self) -> None:
        self._require(Step.REVIEW)
        if not all(s.done for s in self.slots) or not self.face.done:
            raise KioskError("enrol.review_incomplete")
        self._go(Step.SUBMIT)

    # -- seal, submit, receipt ------------------------------------------------------------------------------
    def submit_job(
        self, deliver_within: float = 15.0, on_stage: Callable[[str], None] | None = None
    ) -> Job[ReceiptView, ReceiptView]:
        """Seal, queue and deliver; the kiosk is free for the next person while the outbox keeps trying.

        `on_stage` hears each stage as it starts (`kiosk.enrol.submit.STAGES`), from the worker's thread.
        """
        self._require(Step.SUBMIT)
        if self._sealing:  # a second tap while the first seals would make the person a second packet
            raise KioskError("enrol.already_sealing")
        assert self.consent is not None and self.proofing is not None and self.person is not None
        record = self.consent.require_seal()
        submission = Submission.copy_of(
            self.slots,
            self.face.best,
            context=self._context(record),
            face_confirmed_by=self.face.confirmed_by if self.face.accepted_below_threshold else None,
            signer=self.operator.signer,
            actor=self.operator.operator_id,
            role=self.operator.role,
            session_id=self.operator.session.session_id,
            person_name=self.person.name,
            deliver_within=deliver_within if self.station.online else 0.0,
            on_stage=on_stage,
        )
        generation = self._generation
        self._sealing = True

        def work() -> ReceiptView:
            return run_submission(submission, self.station)

        def finish(view: ReceiptView) -> ReceiptView:  # the flag stays: no step after this one seals
            if generation != self._generation or self.step is not Step.SUBMIT:
                return view  # wiped meanwhile: the packet is safe in the outbox, the screen moved on
            for slot in self.slots:  # sealed: nothing of the person's biometrics stays in memory
                slot.wipe()
            self.face.wipe()
            if self.checker is not None:
                self.checker.clear()
            self.receipt = view
            self.events.receipt.emit(receipt=view)
            self._go(Step.RECEIPT)
            return view

        def fail(exc: BaseException) -> ReceiptView:
            self._sealing = False  # nothing was queued (or it is safe in the outbox): a retry may seal
            submission.wipe()
            if isinstance(exc, KioskError) and generation == self._generation:
                self._say(exc.message, level="error")  # e.g. the disk is full: the data is still here
            raise exc

        return Job("submit", work, finish, fail)

    def _context(self, record: ConsentRecord) -> Context:
        assert self.proofing is not None and self.person is not None and self.lookup_result is not None
        operator = self.operator.session
        return Context(
            station=mf.Station(self.station.station_id, self.station.name),
            operator=mf.Operator(
                operator.role.value,
                operator.operator_id,
                operator.auth_method.value,
                operator.certificate_number,
            ),
            person=mf.Person(self.person.curp, self.person.nss),
            identity_document=mf.IdentityDocument(
                self.proofing.document.value, self.proofing.last_four, self.proofing.attested
            ),
            consent=mf.Consent(
                record.notice_id,
                record.notice_version,
                record.given_at,
                CONSENT_METHODS[record.method],
                True,
                record.guardian.curp if record.guardian else None,
            ),
            policy_version=self.station.policy.version,
            devices=self.station.devices.manifest_devices(),
            audit_chain_head=self.station.audit.head(),
            test=self.station.test,
            lookup="offline" if self.lookup_result.outcome is lk.Outcome.OFFLINE else "online",
            reenrolment=self.reenrolment,
        )

    # -- supervisor confirmations ---------------------------------------------------------------------------
    def needs_supervisor(self, decision: Decision) -> bool:
        return self.confirmations.needs_supervisor(decision)

    def supervisor_job(
        self, decision: Decision, about: dict[str, Any], username: str, secret: str
    ) -> Job[SupervisorConfirmation, SupervisorConfirmation]:
        """A supervisor signs in over this session to confirm `about` (checked at the backend)."""
        if self.verify is None:
            raise KioskError("enrol.no_supervisor_check")
        verify, session, audit = self.verify, self.operator.session, self.station.audit
        station_id = self.station.station_id

        def work() -> SupervisorConfirmation:
            return confirm_over_session(
                session,
                station_id=station_id,
                username=username,
                secret=secret,
                check=verify,
                audit=audit,
                subject=about,
                event=audit_event(decision),
            )

        return Job("confirm", work, lambda confirmation: confirmation)

    # -- internals ------------------------------------------------------------------------------------------
    def _require(self, step: Step) -> None:
        if self.step is not step:
            raise KioskError("enrol.wrong_step", expected=step.value, actual=self.step.value)
        if not self.operator.session.active:
            raise KioskError("operators.session_ended")

    def _go(self, step: Step) -> None:
        previous, self.step = self.step, step
        self.events.step.emit(step=step, previous=previous)

    def _ask(self, decision: Decision, **details: Any) -> None:
        self.events.confirmation.emit(
            decision=decision, supervisor=self.needs_supervisor(decision), **details
        )

    def _say(self, message: Message, level: str = "info") -> None:
        self.events.message.emit(message=message, level=level)

    def _log(self, event: str, **fields: Any) -> None:
        self.operator.session.record(self.station.audit, event, fields)


def _device_message(exc: DeviceError) -> Message:
    if isinstance(exc, Disconnected):
        return Message("enrol.reader_unplugged")
    if isinstance(exc, FingerLifted):
        return Message("enrol.finger_lifted")
    if isinstance(exc, ScanRetry):  # the finger was there: the reader's own advice (centre it, swipe longer)
        return Message(exc.code, exc.to_json()["params"])
    if isinstance(exc, DeviceTimeout):
        return Message("enrol.no_finger")
    return Message(exc.code, exc.to_json()["params"])


def _face_policy(policy: Any) -> Any:
    from dataclasses import fields, replace

    from kiosk.quality.face import FacePolicy

    known = {f.name for f in fields(FacePolicy)}
    return replace(FacePolicy(), **{k: v for k, v in policy.face.model_dump().items() if k in known})
