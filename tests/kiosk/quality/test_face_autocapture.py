"""Auto-capture fires after `stable_frames` consecutive passing frames, and any fault starts it over."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.messages import msg
from kiosk.quality.face import AutoCapture, FaceAnalyzer, FacePolicy, FaceResult, Measure
from tests.kiosk.quality import face_stills as fs


def _result(passed: bool, score: float = 80.0) -> FaceResult:
    measure = Measure(1.0, passed, msg("quality.face.passed" if passed else "quality.face.open_eyes"), 0.8)
    guidance = None if passed else measure.message
    return FaceResult(1, passed, score, {"eyes_open": measure}, guidance)


def test_fires_on_the_nth_consecutive_pass() -> None:
    capture = AutoCapture(FacePolicy(stable_frames=10))
    fired = [capture.feed(_result(True)) for _ in range(10)]
    assert fired == [False] * 9 + [True]
    assert capture.progress == 1.0


def test_a_failing_frame_starts_the_count_again() -> None:
    capture = AutoCapture(FacePolicy(stable_frames=3))
    assert not capture.feed(_result(True))
    assert not capture.feed(_result(True))
    assert not capture.feed(_result(False))
    assert capture.run == 0 and capture.best is None
    assert [capture.feed(_result(True)) for _ in range(3)] == [False, False, True]


def test_keeps_the_best_frame_of_the_run_and_says_hold_still_meanwhile() -> None:
    capture = AutoCapture(FacePolicy(stable_frames=3))
    first = _result(True, 70.0)
    capture.feed(first)
    guidance = capture.guidance(first)
    assert guidance is not None and guidance.code == "quality.face.hold_still"
    capture.feed(_result(True, 90.0))
    last = _result(True, 80.0)
    assert capture.feed(last)
    assert capture.guidance(last) is None
    assert capture.best is not None and capture.best.score == 90.0
    guidance = capture.guidance(_result(False))
    assert guidance is not None and guidance.code == "quality.face.open_eyes"


def test_needs_at_least_one_frame() -> None:
    with pytest.raises(ValueError):
        AutoCapture(FacePolicy(stable_frames=0))


@pytest.mark.shared_data
def test_live_frames_of_the_portrait_capture_after_the_stable_run(shared_data: Path) -> None:
    """Preview frames of the portrait (pitch relaxed: the portrait is tipped ~7 degrees chin-down), with
    one eyes-closed frame in the middle of the run: the capture waits for ten clean frames after it."""
    policy = FacePolicy(pitch_max=10.0, stable_frames=10)
    still = fs.webcam_still(fs.read_rgb(shared_data / "faces" / "astronaut.png"))
    preview = fs.to_preview(still)
    capture = AutoCapture(policy)
    with FaceAnalyzer(policy, still=True) as stills:
        landmarks = stills.analyze(preview).landmarks
    assert landmarks is not None
    blink = fs.eyes_closed(preview, landmarks)
    frames = [preview] * 5 + [blink] + [preview] * 10
    with FaceAnalyzer(policy, still=False) as live:
        fired = [capture.feed(live.analyze(frame)) for frame in frames]
    assert fired.index(True) == len(frames) - 1
