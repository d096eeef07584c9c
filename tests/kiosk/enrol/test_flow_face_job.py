"""The face job's analysers: built off the owner's thread, kept between attempts, never closed under a job
that is still using them (a wipe during the preview leaves the closing to the job)."""

from __future__ import annotations

import threading
from typing import Any, ClassVar

import pytest

from kiosk.enrol import flow as flow_module
from kiosk.enrol.flow import Enrolment, Step
from tests.fixtures.enrolment import Bench, all_fingers, to_fingers


class FakeStep:
    built: ClassVar[list[FakeStep]] = []

    def __init__(self, policy: Any) -> None:
        self.thread = threading.current_thread()
        self.closed = 0
        FakeStep.built.append(self)

    def close(self) -> None:
        self.closed += 1


@pytest.fixture
def at_face(bench: Bench, monkeypatch: pytest.MonkeyPatch) -> Enrolment:
    FakeStep.built = []
    monkeypatch.setattr(flow_module, "FaceStep", FakeStep)
    monkeypatch.setattr(flow_module, "capture_face", lambda camera, step, **kw: None)
    flow = to_fingers(bench.start())
    all_fingers(flow)
    assert flow.step is Step.FACE
    return flow


def run_work_in_a_thread(job: Any) -> Any:
    out: list[Any] = []
    worker = threading.Thread(target=lambda: out.append(job.work()))
    worker.start()
    worker.join()
    return out[0]


def test_the_analysers_are_built_by_the_work_not_when_the_job_is_handed_out(at_face: Enrolment) -> None:
    job = at_face.face_job()
    assert FakeStep.built == []  # handing the job out on the GUI thread costs nothing
    result = run_work_in_a_thread(job)
    assert len(FakeStep.built) == 1 and FakeStep.built[0].thread is not threading.current_thread()
    assert job.finish(result) is None  # no face in the still: nothing offered
    again = at_face.face_job()
    again.finish(run_work_in_a_thread(again))
    assert len(FakeStep.built) == 1 and FakeStep.built[0].closed == 0  # kept for the next attempt


def test_a_wipe_during_a_running_job_leaves_the_handing_back_to_the_job(at_face: Enrolment) -> None:
    first = at_face.face_job()
    first.finish(run_work_in_a_thread(first))
    step = FakeStep.built[0]
    running = at_face.face_job()
    result = run_work_in_a_thread(running)  # the preview loop is still using the analysers...
    at_face.wipe("idle")  # ...when the visit is wiped
    assert step.closed == 0 and at_face.station.face_pool == []
    assert running.finish(result) is None
    assert step.closed == 0 and at_face.station.face_pool == [step]  # kept by the station for the next visit
    at_face.station.close_face_steps()
    assert step.closed == 1


def test_a_wipe_with_no_job_running_hands_the_analysers_to_the_station(at_face: Enrolment) -> None:
    job = at_face.face_job()
    job.fail(flow_module.Cancelled())  # never ran: nothing was built, nothing to close
    assert FakeStep.built == []
    job = at_face.face_job()
    job.finish(run_work_in_a_thread(job))
    at_face.wipe("finished")
    assert at_face.station.face_pool == [FakeStep.built[0]] and FakeStep.built[0].closed == 0
    at_face.station.close_face_steps()
    assert FakeStep.built[0].closed == 1


def test_the_face_policy_is_the_signed_policys(bench: Bench) -> None:
    bench.set_policy(**{"face.min_inter_eye_px": 120.0, "face.stable_frames": 5})
    flow = bench.start()
    assert flow.face_policy.min_inter_eye_px == 120.0 and flow.face_policy.stable_frames == 5
    assert flow.face_policy.still_height == 720  # not in the signed policy: the checks' own default


def test_a_camera_unplugged_during_the_face_job_is_named_as_the_camera(
    at_face: Enrolment, monkeypatch: pytest.MonkeyPatch
) -> None:
    from devices.errors import Disconnected

    def unplugged(camera: Any, step: Any, **kw: Any) -> None:
        raise Disconnected("sim-camera:0", reason="unplugged")

    monkeypatch.setattr(flow_module, "capture_face", unplugged)
    said: list[Any] = []
    at_face.events.message.connect(said.append)
    assert at_face.face_job()() is None
    assert [e.message.code for e in said] == ["devices.error.disconnected"]  # not "the reader was unplugged"
    assert "sim-camera:0" in said[0].message.render("en") and at_face.step is Step.FACE
