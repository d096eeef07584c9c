"""The face step between the camera and the flow: which analyser judges the preview and which the still,
when the stable run asks for the still, which stills are no face at all, and what a usable still becomes
(the capture the flow decides on: score, verdict, pose in yaw-pitch-roll order, measures, failed checks,
the time it was taken). The analysers are stand-ins (mediapipe's graphs take seconds to build); the
auto-capture counting and the token crop's refusal of a degenerate face are the real ones."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import numpy as np
import pytest

import kiosk.quality.face as quality
from kiosk.enrol.face import FaceCapture, FaceStep
from kiosk.messages import Message
from kiosk.quality.face import FacePolicy, FaceResult, Measure, Pose

STILL = np.full((720, 540, 3), 128, np.uint8)
TOKEN = np.full((320, 240, 3), 77, np.uint8)
LANDMARKS = np.ones((478, 2))
HOLD_STILL = Message("face.guidance.pitch")


class FakeAnalyzer:
    built: ClassVar[list[FakeAnalyzer]] = []

    def __init__(self, policy: Any = None, still: bool = False, share: Any = None) -> None:
        self.policy, self.still, self.share = policy, still, share
        self.results: list[FaceResult] = []
        self.seen: list[np.ndarray] = []
        self.closed = 0
        self.analysed_at: datetime | None = None
        FakeAnalyzer.built.append(self)

    def analyze(self, frame: np.ndarray) -> FaceResult:
        self.seen.append(frame)
        self.analysed_at = datetime.now(UTC)
        return self.results.pop(0)

    def close(self) -> None:
        self.closed += 1


@pytest.fixture
def fake_analysers(monkeypatch: pytest.MonkeyPatch) -> list[FakeAnalyzer]:
    FakeAnalyzer.built = []
    monkeypatch.setattr(quality, "FaceAnalyzer", FakeAnalyzer)
    monkeypatch.setattr(quality, "token_image", lambda frame, result: TOKEN if frame is STILL else None)
    return FakeAnalyzer.built


def result(passed: bool = True, faces: int = 1, landmarks: Any = LANDMARKS, **extra: Any) -> FaceResult:
    return FaceResult(faces, passed, 80.0, {}, None, landmarks=landmarks, **extra)


def test_the_preview_and_the_still_have_their_own_analyser_sharing_one_set_of_graphs(
    fake_analysers: list[FakeAnalyzer],
) -> None:
    policy = FacePolicy(stable_frames=3)
    step = FaceStep(policy)
    assert step.policy is policy and step.auto.policy is policy
    assert (step.preview.still, step.still.still) == (False, True)
    assert step.preview.policy is policy and step.still.policy is policy
    assert step.still.share is step.preview and step.preview.share is None  # type: ignore[attr-defined]
    step.close()
    assert [a.closed for a in fake_analysers] == [1, 1]


def test_without_a_policy_the_checks_own_defaults_apply(fake_analysers: list[FakeAnalyzer]) -> None:
    step = FaceStep()
    assert step.policy == FacePolicy() and step.auto.policy == FacePolicy()
    assert step.still.policy == FacePolicy()


def test_the_still_is_asked_for_after_the_stable_run_of_passing_frames(
    fake_analysers: list[FakeAnalyzer],
) -> None:
    step = FaceStep(FacePolicy(stable_frames=2))
    preview = fake_analysers[0]
    results = [result(), result(False), result(), result()]
    preview.results = list(results)
    frames = [np.full((480, 640, 3), shade, np.uint8) for shade in (10, 20, 30, 40)]
    fed = [step.feed(frame) for frame in frames]
    assert [done for _, done in fed] == [False, False, False, True]  # the failing frame restarts the run
    assert [r for r, _ in fed] == results
    assert all(seen is frame for seen, frame in zip(preview.seen, frames, strict=True))  # each frame judged
    assert fake_analysers[1].seen == []  # the still's analyser never sees the preview


def test_taking_the_still_starts_the_stable_run_again(fake_analysers: list[FakeAnalyzer]) -> None:
    step = FaceStep(FacePolicy(stable_frames=2))
    fake_analysers[0].results = [result(), result()]
    fake_analysers[1].results = [result(faces=0, landmarks=None)]
    step.feed(STILL)
    assert step.take(STILL) is None
    assert step.feed(STILL)[1] is False  # one passing frame after the still: not yet a run of two


@pytest.mark.parametrize(
    "still",
    [
        result(faces=0, landmarks=None),
        result(faces=2),  # two people in the still: not this person's photograph
        result(faces=1, landmarks=None),
    ],
)
def test_a_still_without_exactly_one_measured_face_is_no_capture(
    fake_analysers: list[FakeAnalyzer], still: FaceResult
) -> None:
    step = FaceStep()
    fake_analysers[1].results = [still]
    assert step.take(STILL) is None
    assert fake_analysers[1].seen == [STILL]


def test_a_face_the_token_crop_cannot_take_is_no_capture(
    fake_analysers: list[FakeAnalyzer], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.quality.face.token import token_image

    monkeypatch.setattr(quality, "token_image", token_image)  # the real crop: both eyes on one point
    step = FaceStep()
    fake_analysers[1].results = [result(landmarks=np.zeros((478, 2)))]
    assert step.take(STILL) is None


def test_a_usable_still_becomes_the_capture_the_flow_decides_on(fake_analysers: list[FakeAnalyzer]) -> None:
    step = FaceStep()
    measures = {
        "pitch": Measure(-6.5, False, HOLD_STILL),
        "yaw": Measure(1.25, True, Message("ok")),
        "sharpness": Measure(None, False, Message("x")),
    }
    # The analyser's verdict and score come as numpy scalars; the capture holds plain Python ones.
    verdict: Any = np.bool_(False)
    score: Any = np.float32(71.5)
    fake_analysers[1].results = [
        FaceResult(1, verdict, score, measures, HOLD_STILL, LANDMARKS, Pose(1.25, -6.5, 0.5))
    ]
    before = datetime.now(UTC)
    capture = step.take(STILL)
    assert capture is not None
    assert capture.token is TOKEN and capture.guidance == HOLD_STILL
    assert (capture.score, capture.passed, capture.attempts) == (71.5, False, 0)
    assert type(capture.score) is float and type(capture.passed) is bool
    assert capture.pose == (1.25, -6.5, 0.5)
    assert capture.measures == {"pitch": -6.5, "yaw": 1.25, "sharpness": None}
    assert capture.failed == ("pitch", "sharpness")  # in the checks' order, as the screen lists them
    analysed = fake_analysers[1].analysed_at
    assert analysed is not None and before <= capture.captured_at <= analysed  # when the still was taken


def test_a_still_without_a_measured_pose_keeps_none(fake_analysers: list[FakeAnalyzer]) -> None:
    step = FaceStep()
    fake_analysers[1].results = [result()]
    capture = step.take(STILL)
    assert isinstance(capture, FaceCapture) and capture.pose is None and capture.passed is True
    assert capture.failed == () and capture.measures == {}
