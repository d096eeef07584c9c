"""The simulated camera: RGB frames at the size asked, natural motion, stills, scenes, other footage."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from devices.camera import Camera
from devices.errors import Disconnected
from devices.policy import DevicePolicy
from devices.registry import Registry
from devices.resources import demo_portrait
from devices.sim.camera import SimCamera
from devices.sim.footage import PORTRAIT_FACE, PORTRAIT_TILT, portrait_footage, read_rgb
from devices.sim.hardware import SimulatedHardware
from devices.sim.scene import SCENES
from devices.sim.tilt import lift, tilt_back

WAIT = 5.0


def test_preview_stream_is_rgb_at_the_preview_size_with_small_motion(camera: SimCamera) -> None:
    with camera.stream() as stream:
        frames = [stream.read(WAIT) for _ in range(6)]
        assert stream.mode["size"] == (640, 480)
    first, last = frames[0].image, frames[-1].image
    assert first.shape == (480, 640, 3) and first.dtype == np.uint8 and frames[0].is_colour
    difference = np.abs(first.astype(int) - last.astype(int)).mean()
    assert 0.5 < difference < 40  # the person sways a little; it is still the same picture


def test_still_pauses_and_resumes_the_preview(camera: SimCamera) -> None:
    with camera.stream() as stream:
        stream.read(WAIT)
        still = camera.capture_still()
        assert stream.active
        after = stream.read(WAIT)
    assert still.size == (1280, 720) and still.meta["still"]
    assert after.size == (640, 480)


def test_red_stays_red() -> None:
    """Frames are RGB: the astronaut's orange suit has more red than blue."""
    bench = SimulatedHardware(fingerprint_readers=0, cameras=0)
    bench.plug("camera", fps=0)
    registry = Registry(policy=DevicePolicy(mode="test"), options={"sim-camera": {"hardware": bench}})
    device = registry.open("sim-camera:0")
    assert isinstance(device, Camera)
    device.simulation.set_scene("too_far")  # type: ignore[attr-defined]
    frame = device.grab(WAIT).image
    registry.release(device)
    suit = frame[300:340, 290:350].reshape(-1, 3).mean(axis=0)
    assert suit[0] > suit[2] + 40


@pytest.fixture(scope="module")
def faces() -> Iterator[Any]:
    mediapipe = pytest.importorskip("mediapipe")
    detector = mediapipe.solutions.face_detection.FaceDetection(
        model_selection=1, min_detection_confidence=0.5
    )
    yield detector
    detector.close()


def _faces(detector: Any, image: np.ndarray) -> list[Any]:
    result = detector.process(image)
    return [d.location_data.relative_bounding_box for d in (result.detections or [])]


def test_scenes_show_what_they_say(camera: SimCamera, faces: Any) -> None:
    seen: dict[str, list[Any]] = {}
    means: dict[str, float] = {}
    for scene in SCENES:
        camera.simulation.set_scene(scene)
        image = camera.capture_still().image
        seen[scene] = _faces(faces, image)
        means[scene] = float(image.mean())
    assert len(seen["normal"]) == 1 and len(seen["no_face"]) == 0 and len(seen["two_faces"]) == 2
    normal = seen["normal"][0]
    assert 0.35 < normal.xmin + normal.width / 2 < 0.65
    off = seen["off_centre"]
    assert len(off) == 1 and off[0].xmin + off[0].width / 2 < 0.3
    far = seen["too_far"]
    assert len(far) <= 1 and all(f.width < normal.width / 2.5 for f in far)
    assert means["dark"] < means["normal"] / 4


def test_unknown_scene_is_refused(camera: SimCamera) -> None:
    with pytest.raises(ValueError, match="unknown scene"):
        camera.simulation.set_scene("beach")


def test_tilting_back_lifts_the_middle_of_the_head_most_and_leaves_the_rest() -> None:
    """A dot at the head's centre rises by `lift`, one near the side of the head by less, one outside
    the head not at all: the relief a landmark fit reads as pitch."""
    image = np.zeros((400, 400, 3), np.uint8)
    centre, width, degrees = (200.0, 200.0), 120.0, 8.0
    dots = {"centre": (200, 200), "side": (250, 200), "outside": (200, 350)}
    for x, y in dots.values():
        image[y - 2 : y + 3, x - 2 : x + 3] = 255
    tilted = tilt_back(image, centre, width, degrees)

    def row_of(x: int, y: int) -> float:
        column = tilted[y - 20 : y + 10, x, 0].astype(float)
        return y - 20 + float((column * np.arange(column.size)).sum() / column.sum())

    rise = {name: y - row_of(x, y) for name, (x, y) in dots.items()}
    assert rise["centre"] == pytest.approx(lift(width, degrees), abs=0.3) and rise["centre"] > 8
    assert 1.0 < rise["side"] < rise["centre"] - 2.0
    assert rise["outside"] == pytest.approx(0.0, abs=1e-6)
    assert tilt_back(image, centre, width, 0.0) is image


def test_the_portrait_is_shown_with_its_head_turned_chin_up() -> None:
    """The demo portrait reads a few degrees chin-down; the camera shows it turned back (the face
    checks' own test measures the pose it then reads), and the face anchor follows the face."""
    original = read_rgb(demo_portrait())
    footage = portrait_footage()
    h, w = original.shape[:2]
    assert PORTRAIT_TILT > 0 and footage.image.shape == original.shape
    assert footage.anchor is not None
    assert footage.anchor.y == pytest.approx(
        PORTRAIT_FACE.y - lift(PORTRAIT_FACE.width * w, PORTRAIT_TILT) / h
    )
    assert footage.anchor.x == PORTRAIT_FACE.x and footage.anchor.width == PORTRAIT_FACE.width
    face = np.s_[int(0.2 * h) : int(0.3 * h), int(0.4 * w) : int(0.48 * w)]
    suit = np.s_[int(0.8 * h) :, :]
    assert np.abs(footage.image[face].astype(int) - original[face]).mean() > 3
    assert np.array_equal(footage.image[suit], original[suit])
    assert np.array_equal(portrait_footage(0.0).image, original)


def _write_video(path: Path, frames: int = 12, size: tuple[int, int] = (320, 240)) -> list[np.ndarray]:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25.0, size)
    written = []
    for i in range(frames):
        bgr = np.zeros((size[1], size[0], 3), np.uint8)
        bgr[:, :, 2] = 200  # red in BGR
        bgr[:, : (i + 1) * size[0] // frames, 1] = 120
        writer.write(bgr)
        written.append(bgr)
    writer.release()
    return written


def test_video_and_folder_footage(tmp_path: Path) -> None:
    video = tmp_path / "clip.avi"
    _write_video(video)
    folder = tmp_path / "stills"
    folder.mkdir()
    for i, colour in enumerate([(0, 0, 255), (255, 0, 0)]):  # BGR: red, then blue
        cv2.imwrite(str(folder / f"{i}.png"), np.full((120, 160, 3), colour, np.uint8))
    bench = SimulatedHardware(fingerprint_readers=0, cameras=0)
    bench.plug("camera", fps=0, source=str(video))
    bench.plug("camera", fps=0, source=str(folder))
    registry = Registry(policy=DevicePolicy(mode="test"), options={"sim-camera": {"hardware": bench}})
    video_camera = registry.open("sim-camera:0")
    folder_camera = registry.open("sim-camera:1")
    assert isinstance(video_camera, Camera) and isinstance(folder_camera, Camera)
    frames = [video_camera.grab(WAIT).image for _ in range(15)]  # loops past the end of the clip
    assert all(f.shape == (480, 640, 3) for f in frames)
    assert frames[0][240, 320, 0] > 150  # red channel first: converted from BGR
    first, second = folder_camera.grab(WAIT).image, folder_camera.grab(WAIT).image
    assert first[240, 320, 0] > 200 and second[240, 320, 2] > 200
    for device in (video_camera, folder_camera):
        registry.release(device)


def test_unplugged_camera_ends_the_stream(camera: SimCamera) -> None:
    with camera.stream() as stream:
        stream.read(WAIT)
        camera.simulation.unplug()
        with pytest.raises(Disconnected):
            while True:
                stream.read(WAIT)


def test_the_noise_changes_for_three_frames_in_a_row_from_one_field_per_size(camera: SimCamera) -> None:
    simulation: Any = camera.simulation  # type: ignore[attr-defined]
    simulation.set_scene("no_face")  # the wall alone: all that changes is the noise
    size = (64, 48)
    wall = simulation._wall(size).astype(int)
    frames = [simulation.render(size, 0.0, index).astype(int) for index in range(4)]
    for frame in frames:
        noise = frame - wall
        assert np.abs(noise).max() == 2 and abs(noise.mean()) < 0.1  # about ±2 grey levels, zero mean
    assert not np.array_equal(frames[0], frames[1]) and not np.array_equal(frames[1], frames[2])
    assert not np.array_equal(frames[0], frames[2])
    assert np.array_equal(frames[0], frames[3])
    plus, minus = simulation._noise[size]
    assert plus.nbytes == minus.nbytes == (48 + 2) * 64 * 3  # one field, two rows taller than the frame
