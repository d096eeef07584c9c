"""What the fingerprints screen says and draws about a finger: the line after each verdict of the flow,
and each finger's mark on the hands diagram. Words and colours only; every decision is the flow's."""

from __future__ import annotations

from typing import Any

from devices.positions import Finger
from kiosk.enrol.fingers import Attempt, FingerSlot, Verdict
from kiosk.enrol.flow import Enrolment, Step
from kiosk.enrol.rules import FingerRules
from kiosk.messages import Message
from ui.widgets.hands import FingerMark


def finger_name(finger: Finger) -> Message:
    """The finger as people say it ("the right thumb"), in the operator's language."""
    return Message(f"finger.{finger.name.lower()}")


def verdict_line(
    slot: FingerSlot, verdict: Verdict | None, attempt: Attempt | None, rules: FingerRules
) -> tuple[Message, str] | None:
    """The status line and its tone for one `finger` event of the flow (None: nothing to say)."""
    name = finger_name(slot.finger)
    if verdict is Verdict.ACCEPTED:
        score = slot.best.nfiq2 if slot.best is not None else 0
        code = "ui.fingers.below_accepted" if slot.accepted_below_threshold else "ui.fingers.accepted"
        return Message(code, {"finger": name, "score": score}), "ok"
    if verdict is Verdict.NEEDS_EXCEPTION:
        return Message("ui.fingers.needs_exception", {"finger": name}), "error"
    if verdict is None and slot.exception is not None:
        exception = slot.exception
        code = "ui.fingers.exception_temporary" if exception.temporary else "ui.fingers.exception_recorded"
        reason = Message(f"ui.exception.reason.{exception.reason}")
        params: dict[str, Any] = {"finger": name, "reason": reason, "code": exception.code}
        return Message(code, params), "warning" if exception.temporary else "ok"
    if attempt is None:
        return None
    # the attempt's own advice (NFIQ 2's, or the duplicate check naming the other finger) comes first
    advice = attempt.guidance[0] if attempt.guidance else Message("quality.finger.lift_and_place")
    params = {"attempt": slot.attempts, "attempts": rules.attempts, "score": attempt.nfiq2}
    params |= {"minimum": rules.min_nfiq2, "advice": advice}
    if verdict is Verdict.RETRY:
        return Message("ui.fingers.retry", params), "warning"
    if verdict is Verdict.NEEDS_CONFIRMATION:
        return Message("ui.fingers.last_attempt", params), "warning"
    if verdict is Verdict.DUPLICATE:
        return Message("ui.fingers.attempt_said", params), "warning"
    return None


def marks(flow: Enrolment) -> dict[Finger, FingerMark]:
    """What the hands diagram shows for each finger the policy asks for."""
    shown: dict[Finger, FingerMark] = {}
    for slot in flow.slots:
        state = slot.state
        text = ""
        if state in ("accepted", "below_threshold") and slot.best is not None:
            text = str(slot.best.nfiq2)
        elif state == "exception" and slot.exception is not None:
            text = slot.exception.code
        if state == "pending" and slot.finger == flow.current and flow.step is Step.FINGERS:
            state = "live"
        shown[slot.finger] = FingerMark(state, text)
    return shown
