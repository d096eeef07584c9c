"""The face step's edges in the flow: what the capture job hands the camera, what it says, when a late
answer is dropped, where the analysers go, and what a face accepted below its checks leaves in the log."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import pytest

from devices.errors import Disconnected, HardwareFault
from devices.positions import Finger
from kiosk.audit import events
from kiosk.enrol import flow as flow_module
from kiosk.enrol.confirm import Decision
from kiosk.enrol.face import FaceCapture, FaceVerdict
from kiosk.enrol.flow import Enrolment, Step
from kiosk.errors import KioskError
from kiosk.messages import Message
from tests.fixtures.enrolment import (
    CLERK_ID,
    SUPERVISOR,
    Bench,
    all_fingers,
    attempt,
    face_capture,
    logged,
    to_fingers,
)


class FakeStep:
    """Analysers without mediapipe: only what the flow and the station look at (policy, close)."""

    def __init__(self, policy: Any, built: list[FakeStep] | None = None) -> None:
        self.policy = policy
        self.closed = 0
        if built is not None:
            built.append(self)

    def close(self) -> None:
        self.closed += 1


@dataclass
class Rig:
    """The flow at the face, analysers and the capture replaced by stand-ins that record what they got."""

    bench: Bench
    flow: Enrolment
    built: list[FakeStep] = field(default_factory=list)  # every analyser the flow had built
    calls: list[dict[str, Any]] = field(default_factory=list)  # every capture_face call, its arguments
    outcomes: list[Any] = field(default_factory=list)  # what the next captures return (or raise)
    said: list[Any] = field(default_factory=list)  # the flow's messages

    def capture_face(self, camera: Any, step: Any, **options: Any) -> FaceCapture | None:
        self.calls.append({"camera": camera, "step": step, **options})
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    @property
    def messages(self) -> list[tuple[str, str]]:
        return [(e.message.code, e.level) for e in self.said]


def at_face(bench: Bench, monkeypatch: pytest.MonkeyPatch) -> Rig:
    rig = Rig(bench, to_fingers(bench.start()))
    monkeypatch.setattr(flow_module, "FaceStep", lambda policy: FakeStep(policy, rig.built))
    monkeypatch.setattr(flow_module, "capture_face", rig.capture_face)
    all_fingers(rig.flow)
    assert rig.flow.step is Step.FACE
    rig.flow.events.message.connect(rig.said.append)
    return rig


@pytest.fixture
def rig(bench: Bench, monkeypatch: pytest.MonkeyPatch) -> Rig:
    return at_face(bench, monkeypatch)


# -- what the job hands the capture ------------------------------------------------------------------------
def test_the_capture_runs_on_the_station_camera_with_the_screen_s_preview_cancel_and_time_limit(
    rig: Rig,
) -> None:
    cancel = threading.Event()
    frames: list[Any] = []
    rig.flow.face_job(on_frame=frames.append, cancel=cancel, timeout=3.5)()
    (call,) = rig.calls
    assert call["camera"] is rig.bench.station.devices.camera
    assert call["step"] is rig.built[0]
    assert {k: v for k, v in call.items() if k not in ("camera", "step")} == {
        "on_frame": frames.append,
        "cancel": cancel,
        "timeout": 3.5,
    }


def test_by_default_the_preview_waits_eight_seconds_before_the_still_is_taken_anyway(rig: Rig) -> None:
    rig.flow.face_job()()
    assert rig.calls[0]["timeout"] == 8.0


def test_the_analysers_are_built_for_the_signed_policy_s_face_checks(
    bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench.set_policy(**{"face.min_inter_eye_px": 120.0, "face.yaw_max": 4.0})
    rig = at_face(bench, monkeypatch)
    rig.flow.face_job()()
    (step,) = rig.built
    assert step.policy == rig.flow.face_policy
    assert step.policy.min_inter_eye_px == 120.0 and step.policy.yaw_max == 4.0


def test_analysers_the_station_kept_for_the_same_policy_are_reused_not_rebuilt(rig: Rig) -> None:
    kept = FakeStep(rig.flow.face_policy)
    rig.bench.station.keep_face_step(kept)
    rig.flow.face_job()()
    assert rig.built == [] and rig.calls[0]["step"] is kept and kept.closed == 0


# -- what the job decides when it returns --------------------------------------------------------------------
def test_a_passing_still_from_the_job_is_offered_and_the_flow_goes_to_the_review(rig: Rig) -> None:
    still = face_capture(True)
    rig.outcomes.append(still)
    assert rig.flow.face_job()() is FaceVerdict.ACCEPTED
    assert rig.flow.step is Step.REVIEW and rig.flow.face.best is still and rig.flow.face.attempts == 1


def test_a_still_with_no_face_warns_the_person_and_costs_no_attempt(rig: Rig) -> None:
    rig.outcomes.append(None)
    assert rig.flow.face_job()() is None
    assert rig.messages == [("enrol.face_not_found", "warning")]
    assert rig.flow.step is Step.FACE and rig.flow.face.attempts == 0


def test_a_camera_fault_is_said_as_a_warning_in_the_camera_s_own_words(rig: Rig) -> None:
    rig.outcomes.append(HardwareFault("sim-camera:0", reason="lens cover stuck"))
    assert rig.flow.face_job()() is None
    (said,) = rig.said
    assert said.level == "warning"
    assert said.message == Message(
        "devices.error.hardware_fault", {"device": "sim-camera:0", "reason": "lens cover stuck"}
    )
    assert rig.flow.step is Step.FACE and rig.flow.face.attempts == 0


def test_a_camera_error_of_a_job_overtaken_by_an_accepted_face_says_nothing(rig: Rig) -> None:
    late = rig.flow.face_job()
    rig.outcomes.append(face_capture(True))
    assert rig.flow.face_job()() is FaceVerdict.ACCEPTED  # another attempt got there first
    assert late.fail(Disconnected("sim-camera:0", reason="unplugged")) is None
    assert rig.said == [] and rig.flow.step is Step.REVIEW


def test_a_still_begun_before_the_review_sent_a_finger_and_the_face_back_is_dropped_and_wiped(
    rig: Rig,
) -> None:
    flow = rig.flow
    flow.offer_face(face_capture(True))
    flow.retake_face()
    late = flow.face_job()
    stale = face_capture(True)
    rig.outcomes.append(stale)
    result = late.work()  # the preview is still running...
    rig.outcomes.append(face_capture(True))
    flow.face_job()()  # ...while another attempt is accepted,
    flow.retake_finger(Finger.LEFT_INDEX)  # the review sends a finger back,
    flow.offer(attempt(70))
    flow.retake_face()  # and then the face again
    assert late.finish(result) is None
    assert not stale.token.any() and flow.face.best is None and flow.face.attempts == 0
    assert flow.step is Step.FACE


def test_no_new_face_is_taken_while_a_failed_one_waits_for_the_decision(
    bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench.set_policy(**{"face.attempts": 1})
    rig = at_face(bench, monkeypatch)
    assert rig.flow.offer_face(face_capture(False)) is FaceVerdict.NEEDS_CONFIRMATION
    with pytest.raises(KioskError) as caught:
        rig.flow.face_job()
    assert caught.value.message == Message("enrol.face_needs_decision")
    assert rig.calls == []


def test_no_face_job_with_a_camera_that_was_pulled_out(rig: Rig) -> None:
    camera = rig.bench.station.devices.camera
    assert camera is not None
    rig.bench.hardware.unplug(camera.device_id)
    with pytest.raises(Disconnected):
        camera.capture_still(timeout=1.0)  # the station still holds it, gone
    assert rig.bench.station.devices.camera is camera and not rig.bench.station.devices.camera_ready
    with pytest.raises(KioskError) as caught:
        rig.flow.face_job()
    assert caught.value.message == Message("enrol.no_camera")
    assert rig.calls == []


# -- where the analysers go ----------------------------------------------------------------------------------
def test_after_two_attempts_and_the_end_of_the_visit_the_station_keeps_the_one_open_analyser(
    rig: Rig,
) -> None:
    for _ in range(2):
        rig.flow.face_job()()
    (step,) = rig.built
    assert rig.bench.station.face_pool == []  # the flow holds them: no other visit may take them meanwhile
    rig.flow.wipe("finished")
    assert rig.bench.station.face_pool == [step] and step.closed == 0


def test_analysers_two_overlapping_jobs_built_are_each_kept_or_closed_never_leaked(rig: Rig) -> None:
    first, second = rig.flow.face_job(), rig.flow.face_job()
    first_result, second_result = first.work(), second.work()
    mine, spare = rig.built
    first.finish(first_result)
    second.finish(second_result)
    assert rig.bench.station.face_pool == [spare]  # the flow goes on with the first job's
    rig.flow.wipe("finished")
    assert rig.bench.station.face_pool == [spare] and spare.closed == 0
    assert mine.closed == 1  # one is enough for the station: the other one is closed, not forgotten


def test_analysers_still_used_by_a_second_running_job_are_not_given_away_at_the_wipe(rig: Rig) -> None:
    rig.flow.face_job()()
    (step,) = rig.built
    first, second = rig.flow.face_job(), rig.flow.face_job()
    first_result, second_result = first.work(), second.work()
    first.finish(first_result)
    rig.flow.wipe("idle")  # the second job's preview is still running on them
    assert rig.bench.station.face_pool == [] and step.closed == 0
    assert second.finish(second_result) is None
    assert rig.bench.station.face_pool == [step] and step.closed == 0


# -- the log and the decisions -----------------------------------------------------------------------------
def test_each_face_attempt_is_logged_with_its_result_rounded_score_and_failed_checks(rig: Rig) -> None:
    rig.flow.offer_face(face_capture(False, 61.26))
    rig.flow.offer_face(face_capture(True, 82.46))
    assert logged(rig.bench, events.CAPTURE)[-2:] == [
        {"modality": "face", "passed": False, "score": 61.3, "attempt": 1, "failed": ["pitch"]},
        {"modality": "face", "passed": True, "score": 82.5, "attempt": 2, "failed": []},
    ]


def test_each_still_offered_is_shown_to_the_screen_with_its_verdict(rig: Rig) -> None:
    heard: list[Any] = []
    rig.flow.events.face.connect(heard.append)
    failing, passing = face_capture(False), face_capture(True)
    rig.flow.offer_face(failing)
    rig.flow.offer_face(passing)
    assert [(e.verdict, e.capture) for e in heard] == [
        (FaceVerdict.RETRY, failing),
        (FaceVerdict.ACCEPTED, passing),
    ]
    assert all(e.slot is rig.flow.face for e in heard)


def test_a_failed_still_with_attempts_left_tells_the_person_what_to_change_and_asks_nobody(rig: Rig) -> None:
    asked: list[Any] = []
    rig.flow.events.confirmation.connect(asked.append)
    closer = face_capture(False)
    closer.guidance = Message("quality.face.come_closer")
    assert rig.flow.offer_face(closer) is FaceVerdict.RETRY
    assert rig.flow.offer_face(face_capture(False)) is FaceVerdict.RETRY  # no advice: nothing to say
    assert rig.messages == [("quality.face.come_closer", "info")] and asked == []


def test_the_last_failed_still_asks_the_confirmer_the_policy_names(
    bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench.set_policy(**{"face.attempts": 1, "face.below_threshold_confirmation": "supervisor"})
    rig = at_face(bench, monkeypatch)
    asked: list[Any] = []
    rig.flow.events.confirmation.connect(asked.append)
    closer = face_capture(False)
    closer.guidance = Message("quality.face.come_closer")
    assert rig.flow.offer_face(closer) is FaceVerdict.NEEDS_CONFIRMATION
    assert [(e.decision, e.supervisor) for e in asked] == [(Decision.FACE_BELOW_THRESHOLD, True)]
    assert rig.said == [] and rig.flow.step is Step.FACE  # a decision, not advice: no attempt is left


def test_a_face_below_its_checks_cannot_be_accepted_while_attempts_remain(rig: Rig) -> None:
    with pytest.raises(KioskError) as nothing:
        rig.flow.accept_face_below_threshold()
    assert nothing.value.message == Message("enrol.nothing_to_accept")
    assert rig.flow.offer_face(face_capture(False)) is FaceVerdict.RETRY
    with pytest.raises(KioskError) as early:
        rig.flow.accept_face_below_threshold()
    assert early.value.message == Message("enrol.nothing_to_accept")
    assert rig.flow.step is Step.FACE and not rig.flow.face.accepted
    assert logged(rig.bench, events.ACCEPTED_BELOW_THRESHOLD) == []


def test_a_face_accepted_below_its_checks_is_logged_with_its_score_failures_and_who_confirmed(
    bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench.set_policy(**{"face.attempts": 1})
    rig = at_face(bench, monkeypatch)
    heard: list[Any] = []
    rig.flow.events.face.connect(heard.append)
    rig.flow.offer_face(face_capture(False, 61.26))
    rig.flow.accept_face_below_threshold()
    assert logged(bench, events.ACCEPTED_BELOW_THRESHOLD) == [
        {"modality": "face", "score": 61.3, "failed": ["pitch"], "confirmed_by": CLERK_ID}
    ]
    last = heard[-1]
    assert last.slot is rig.flow.face and last.verdict is FaceVerdict.ACCEPTED and last.capture is None
    assert rig.flow.step is Step.REVIEW


def test_the_supervisor_confirms_a_face_knowing_which_checks_it_failed(
    bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench.set_policy(**{"face.attempts": 1, "face.below_threshold_confirmation": "supervisor"})
    rig = at_face(bench, monkeypatch)
    rig.flow.offer_face(face_capture(False, 47.04))
    about = rig.flow.face_subject()
    assert about == {"decision": "face_below_threshold", "failed": ["pitch"]}
    confirmation = rig.flow.supervisor_job(Decision.FACE_BELOW_THRESHOLD, about, "sup", "correcta")()
    rig.flow.accept_face_below_threshold(confirmation)
    (confirmed,) = logged(bench, events.SUPERVISOR_CONFIRMED)
    assert confirmed["decision"] == "face_below_threshold" and confirmed["failed"] == ["pitch"]
    assert logged(bench, events.ACCEPTED_BELOW_THRESHOLD)[-1]["confirmed_by"] == SUPERVISOR.operator_id
    assert rig.flow.face.confirmed_by == SUPERVISOR.operator_id  # what the sealed packet will name


def test_before_any_still_a_face_confirmation_names_no_failed_check(rig: Rig) -> None:
    assert rig.flow.face_subject() == {"decision": "face_below_threshold", "failed": []}


def test_the_review_may_send_the_face_back_which_wipes_it_and_starts_the_attempts_afresh(rig: Rig) -> None:
    steps: list[Any] = []
    rig.flow.events.step.connect(steps.append)
    old = face_capture(True)
    rig.flow.offer_face(old)
    rig.flow.retake_face()
    assert rig.flow.step is Step.FACE and (steps[-1].step, steps[-1].previous) == (Step.FACE, Step.REVIEW)
    assert not old.token.any() and rig.flow.face.best is None and rig.flow.face.attempts == 0
    rig.outcomes.append(face_capture(True))
    assert rig.flow.face_job()() is FaceVerdict.ACCEPTED and rig.flow.face.attempts == 1
