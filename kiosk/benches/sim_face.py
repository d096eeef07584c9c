"""The simulated camera's "normal" scene as the face step sees it: does it auto-capture, and how soon.

The demo, `kiosk enrol --simulated` and the face step's tests rely on that scene passing all fourteen
face measures, so that auto-capture fires after the policy's stable run instead of at a timeout. This
measures it on the real path: the simulated camera opened through the device registry, preview frames
through `FaceStep.feed` until it says "take the still", the still through `FaceStep.take`. Each face
starts at a different stream time (another phase of the person's sway) with a fresh `FaceStep`, as a
new person would. Frames are counted, not timed: the camera runs unpaced, so its clock advances one
frame period per frame read whatever the machine's speed, and a run is repeatable.

Used by `tests/kiosk/quality/test_face_sim_camera.py` (a few faces) and by `kiosk bench --only
sim_face` (twenty). Rows use unit "fraction", "frames" or "degrees"; `note` gives the pose ranges.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from devices.camera import Camera
from devices.policy import DevicePolicy
from devices.registry import Registry
from devices.sim.camera import SimCamera
from devices.sim.hardware import SimulatedHardware
from kiosk.bench import Row, percentile
from kiosk.enrol.face import FaceCapture, FaceStep

Angles = tuple[float, float, float]  # yaw, pitch, roll in degrees


@dataclass
class SimFace:
    start: int  # preview frames read (not analysed) before the face step started
    frames: int  # analysed preview frames, up to and including the one that fired auto-capture
    fired: bool  # auto-capture fired within the frame limit
    still: FaceCapture | None = None  # what `FaceStep.take` made of the still
    poses: list[Angles] = field(default_factory=list)  # every analysed preview frame's pose, then the still's

    @property
    def still_passed(self) -> bool:
        """Every one of the face measures passed on the still."""
        return self.still is not None and self.still.passed


@contextmanager
def sim_camera(scene: str = "normal") -> Iterator[SimCamera]:
    """A private, unpaced simulated camera opened through the device registry."""

    hardware = SimulatedHardware(fingerprint_readers=0, cameras=0)
    hardware.plug("camera", fps=0)
    registry = Registry(policy=DevicePolicy(mode="test"), options={"sim-camera": {"hardware": hardware}})
    camera = cast(SimCamera, registry.open("sim-camera:0"))  # the registry's only device
    try:
        camera.simulation.set_scene(scene)
        yield camera
    finally:
        registry.release(camera)


def measure(camera: Camera, starts: list[int], max_frames: int = 60, policy: Any = None) -> list[SimFace]:
    """One face per entry of `starts`: skip that many frames, preview until auto-capture, take the still."""
    faces = []
    for start in starts:
        step = FaceStep(policy)
        try:
            face = SimFace(start, 0, False)
            with camera.stream() as stream:
                for _ in range(start):
                    stream.read(5.0)
                while face.frames < max_frames and not face.fired:
                    result, face.fired = step.feed(stream.read(5.0).image)
                    face.frames += 1
                    if result.pose is not None:
                        face.poses.append((result.pose.yaw, result.pose.pitch, result.pose.roll))
            face.still = step.take(camera.capture_still().image)
            if face.still is not None and face.still.pose is not None:
                face.poses.append(face.still.pose)
        finally:
            step.close()
        faces.append(face)
    return faces


def rows(quick: bool) -> Iterator[Row]:
    count = 5 if quick else 20
    with sim_camera() as camera:
        faces = measure(camera, [37 * i for i in range(count)])
    frames = [float(f.frames) for f in faces if f.fired]
    yield _figure("sim_face.autocaptured", "fraction", sum(f.fired for f in faces) / count, count, "= 1")
    yield _figure(
        "sim_face.still_passed", "fraction", sum(f.still_passed for f in faces) / count, count, "= 1"
    )
    if frames:
        yield Row(
            "sim_face.frames_to_capture",
            "frames",
            statistics.median(frames),
            percentile(frames, 0.9),
            len(frames),
            "policy stable_frames (10)",
        )
    poses = [pose for f in faces for pose in f.poses]
    for axis, name, limit in ((0, "yaw", 3.5), (1, "pitch", 3.5), (2, "roll", 8.0)):
        values = [pose[axis] for pose in poses]
        magnitudes = [abs(v) for v in values]
        yield Row(
            f"sim_face.abs_{name}",
            "degrees",
            statistics.median(magnitudes),
            percentile(magnitudes, 0.9),
            len(values),
            f"<= {limit}",
            f"range {min(values):.2f} .. {max(values):.2f} over preview frames and stills",
        )


def _figure(name: str, unit: str, value: float, runs: int, target: str) -> Row:
    return Row(name, unit, float(value), float(value), runs, target)
