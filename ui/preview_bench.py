"""Benchmarks of the capture screens' live previews (`kiosk bench ui_previews`).

What the person at the window sees must keep up with the devices: the fingerprint preview painted at the
reader's 15 fps, the face preview at 25 fps or more and its analysis at 15 Hz or more. Each row runs the
screens' own machinery on the simulated devices: the core's live capture (`capture_finger` with the live
estimate, `capture_face` with the analysers) on a worker of `ui.background`, frames relayed by
`ui.widgets.live_job.LiveJob` (newest only) to the screens' preview widgets, painted by Qt (offscreen
when there is no display). The rate is counted from the widgets' own counters (`painted`) and the frames
the worker analysed, over the time the frames flowed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from kiosk.bench import Row, row_rate
from kiosk.jobs import Job


def rows(quick: bool) -> Iterator[Row]:
    runs, seconds = (2, 1.5) if quick else (5, 3.0)
    app = _application()
    from devices.policy import DevicePolicy
    from devices.positions import Finger
    from devices.registry import Registry
    from devices.sim.hardware import SimulatedHardware

    hardware = SimulatedHardware()
    options = {"sim-fingerprint": {"hardware": hardware}, "sim-camera": {"hardware": hardware}}
    registry = Registry(DevicePolicy.build("test"), options=options)
    reader: Any = registry.open_reader()  # the simulated one: its sensor is steered here
    camera = registry.open_camera()
    try:
        reader.simulation.place(7, Finger.RIGHT_INDEX)  # a finger that stays: every frame is estimated
        painted = [_finger_rate(app, reader, seconds) for _ in range(runs)]
        yield row_rate(
            "ui.fingers_preview_painted",
            "fps",
            painted,
            ">= 15",
            "simulated reader at 15 fps, live estimate on every frame, painted by the fingers preview",
        )
        face = [_face_rates(app, camera, seconds) for _ in range(runs)]
        yield row_rate(
            "ui.face_preview_painted",
            "fps",
            [p for p, _a in face],
            ">= 25",
            "simulated camera 640x480 at 30 fps, painted with the oval and the ring",
        )
        yield row_rate(
            "ui.face_analysis",
            "Hz",
            [a for _p, a in face],
            ">= 15",
            "frames analysed by the face job (detection, landmarks, 14 measures) while previewing",
        )
    finally:
        registry.release(reader)
        registry.release(camera)


def _application() -> Any:
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.app import application
    from ui.style import SHEET

    app = application()
    app.setStyleSheet(SHEET)
    return app


def _finger_rate(app: Any, reader: Any, seconds: float) -> float:
    from kiosk.enrol.live import capture_finger
    from ui.widgets.preview import FramePreview

    preview = FramePreview(minimum=(320, 400))

    def work(run: Any) -> Callable[[], Any]:
        # waiting for a lift that never comes keeps the frames flowing (and estimated) for `seconds`
        return lambda: capture_finger(
            reader, on_frame=run.frame, cancel=run.cancel, timeout=seconds, require_lift=True
        )

    return _measure(app, preview, work)[0]


def _face_rates(app: Any, camera: Any, seconds: float) -> tuple[float, float]:
    from kiosk.enrol.face import FaceStep
    from kiosk.enrol.live import capture_face
    from kiosk.quality.face import FacePolicy
    from ui.widgets.face_preview import FacePreview

    policy = FacePolicy(stable_frames=1_000_000)  # preview only: no automatic photo during the measure
    step = FaceStep(policy)
    preview = FacePreview(policy)
    preview.resize(640, 480)

    def work(run: Any) -> Callable[[], Any]:
        return lambda: capture_face(camera, step, on_frame=run.frame, cancel=run.cancel, timeout=seconds)

    try:
        return _measure(app, preview, work)
    finally:
        step.close()


def _measure(app: Any, preview: Any, work: Callable[[Any], Callable[[], Any]]) -> tuple[float, float]:
    """Run one live job to its end; (painted fps, analysed Hz) from the first frame to the last."""
    from ui.background import Background
    from ui.qt import QEventLoop
    from ui.widgets.live_job import LiveJob

    background = Background(threads=1)
    loop = QEventLoop()
    marks: dict[str, float] = {}

    def show(_run: Any, frame: Any) -> None:
        marks.setdefault("first", time.perf_counter())
        marks["last"] = time.perf_counter()
        if hasattr(frame, "progress"):
            preview.set_progress(frame.progress, bool(frame.result is not None and frame.result.passed))
        preview.show_frame(frame.image)  # painted by Qt's own paint events, as in the window

    live = LiveJob(background, show, lambda *_a: loop.quit(), lambda: None)
    preview.show()
    started_painted = preview.painted
    run = live.start("bench", lambda r: Job("bench", work(r), lambda value: value, lambda exc: None))
    assert run is not None
    loop.exec()
    background.wait(10_000)
    app.processEvents()
    preview.hide()
    span = max(1e-6, marks.get("last", 0.0) - marks.get("first", 0.0))
    painted = (preview.painted - started_painted - 1) / span
    analysed = (run.frames - 1) / span
    return painted, analysed
