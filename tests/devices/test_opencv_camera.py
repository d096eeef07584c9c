"""The OpenCV webcam driver: a real video file through the real code path, and stand-ins for what only a
camera does (enumeration, refused resolutions, unplugging)."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from devices.camera import Camera
from devices.errors import Busy, Disconnected, ModeRefused, NotFound
from devices.events import DeviceEvent
from devices.facts import UsbId
from devices.policy import DevicePolicy
from devices.registry import Registry
from devices.webcam.opencv_camera import OpenCVCamera
from devices.webcam.sources import v4l2_sources, windows_sources

WAIT = 5.0


def _video(path: Path, frames: int = 20, size: tuple[int, int] = (320, 240), fps: float = 50.0) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    for i in range(frames):
        bgr = np.zeros((size[1], size[0], 3), np.uint8)
        bgr[:, :, 0] = 220  # blue in BGR
        bgr[: (i + 1) * size[1] // frames, :, 1] = 90
        writer.write(bgr)
    writer.release()
    return path


def _registry(**options: Any) -> Registry:
    return Registry(
        policy=DevicePolicy(mode="test"), options={"opencv-camera": {"enumerate": False, **options}}
    )


def test_video_file_through_the_driver(tmp_path: Path) -> None:
    clip = _video(tmp_path / "clip.avi")
    registry = _registry(sources=[str(clip)])
    info = registry.scan().by_id("opencv-camera:file:clip.avi")
    assert info is not None and info.driver_id == "opencv-camera" and info.kind == "camera"
    camera = registry.open(info.device_id)
    assert isinstance(camera, Camera)
    with camera.stream(size=(640, 480), fps=100.0, queue_size=64) as stream:
        frames = [stream.read(WAIT) for _ in range(25)]  # more than the clip holds: it loops
        mode = stream.mode
    registry.release(camera)
    assert mode["size"] == (320, 240)  # a file cannot change size: the real mode is reported
    assert mode["fps"] == pytest.approx(50.0, rel=0.05)  # paced to the file's own rate
    image = frames[0].image
    assert image.shape == (240, 320, 3) and image[200, 100, 2] > 180  # BGR blue became RGB blue
    assert [f.seq for f in frames] == list(range(frames[0].seq, frames[0].seq + 25))
    camera = registry.open(info.device_id)
    assert isinstance(camera, Camera)
    try:
        assert camera.capture_still().size == (320, 240)
        with pytest.raises(ModeRefused):
            camera.capture_still(strict=True)
    finally:
        registry.release(camera)


class FakeCapture:
    """A stand-in for cv2.VideoCapture with a camera's behaviour: modes it supports, reads that can fail."""

    def __init__(
        self,
        target: Any,
        api: int = 0,
        *,
        opens: bool = True,
        modes: tuple[tuple[int, int], ...] = ((640, 480),),
    ) -> None:
        self.target, self.api = target, api
        self.opened = opens
        self.modes = modes
        self.size = modes[0]
        self.fps = 30.0
        self.failing = False
        self.released = False

    def isOpened(self) -> bool:
        return self.opened

    def release(self) -> None:
        self.released = True

    def set(self, prop: int, value: float) -> bool:
        if prop == cv2.CAP_PROP_FRAME_WIDTH:
            self._want = int(value)
        elif prop == cv2.CAP_PROP_FRAME_HEIGHT:
            wanted = (getattr(self, "_want", self.size[0]), int(value))
            if wanted in self.modes:
                self.size = wanted
            return wanted in self.modes
        elif prop == cv2.CAP_PROP_FPS:
            self.fps = min(value, 30.0)
        return True

    def get(self, prop: int) -> float:
        return {
            cv2.CAP_PROP_FRAME_WIDTH: self.size[0],
            cv2.CAP_PROP_FRAME_HEIGHT: self.size[1],
            cv2.CAP_PROP_FPS: self.fps,
        }.get(prop, 0.0)

    def read(self) -> tuple[bool, np.ndarray | None]:
        if self.failing or self.released:
            return False, None
        return True, np.zeros((self.size[1], self.size[0], 3), np.uint8)


def test_windows_enumeration_tries_indices_until_nothing_opens() -> None:
    present = {(0, cv2.CAP_DSHOW), (1, cv2.CAP_MSMF)}
    made: list[FakeCapture] = []

    def factory(index: int, api: int) -> FakeCapture:
        capture = FakeCapture(index, api, opens=(index, api) in present)
        made.append(capture)
        return capture

    sources = windows_sources(factory)
    assert [(s.key, s.target, s.api) for s in sources] == [
        ("dshow0", 0, cv2.CAP_DSHOW),
        ("msmf1", 1, cv2.CAP_MSMF),
    ]
    assert all(c.released for c in made)  # enumeration leaves no camera open
    assert max(c.target for c in made) == 2  # stopped at the first index nothing opened


def _sysfs(
    root: Path,
    name: str,
    *,
    index: str = "0",
    usb: tuple[str, str] | None = ("046d", "0825"),
    serial: str = "A1B2",
) -> None:
    usb_dir = root / "devices" / "pci0000:00" / "usb1" / "1-2"
    interface = usb_dir / "1-2:1.0" / "video4linux" / name
    interface.mkdir(parents=True, exist_ok=True)
    if usb:
        (usb_dir / "idVendor").write_text(usb[0] + "\n")
        (usb_dir / "idProduct").write_text(usb[1] + "\n")
        (usb_dir / "serial").write_text(serial + "\n")
        (usb_dir / "bcdDevice").write_text("0012\n")
    node = root / "class" / "video4linux" / name
    node.mkdir(parents=True, exist_ok=True)
    (node / "name").write_text("HD Webcam C270\n")
    (node / "index").write_text(index + "\n")
    os.symlink(usb_dir / "1-2:1.0", node / "device")


def test_v4l2_enumeration_reads_sysfs(tmp_path: Path) -> None:
    _sysfs(tmp_path, "video0")
    _sysfs(tmp_path, "video1", index="1")  # the metadata node of the same camera: not a picture source
    sources = v4l2_sources(tmp_path / "class" / "video4linux", tmp_path / "dev")
    assert len(sources) == 1
    source = sources[0]
    assert source.key == "video0" and source.name == "HD Webcam C270" and source.api == cv2.CAP_V4L2
    assert source.usb == UsbId(0x046D, 0x0825) and source.serial == "A1B2" and source.bus_path == "usb:1-2"
    assert source.target == str(tmp_path / "dev" / "video0")


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="sysfs enumeration (V4L2) exists only on Linux"
)
def test_probe_reports_sysfs_cameras_with_usb_facts(tmp_path: Path) -> None:
    _sysfs(tmp_path, "video0")
    registry = Registry(
        policy=DevicePolicy(mode="test"),
        options={"opencv-camera": {"sysfs": str(tmp_path / "class" / "video4linux")}},
    )
    found = [OpenCVCamera.describe(f) for f in OpenCVCamera.probe(registry.options["opencv-camera"])]
    assert len(found) == 1, "the probe must report the camera the sysfs tree describes"
    info = found[0]
    assert info.device_id == "opencv-camera:video0" and str(info.usb) == "046d:0825"
    assert info.serial == "A1B2" and info.hardware_key == "usb:1-2" and info.firmware == "0012"


def _fake_camera(tmp_path: Path, **fake: Any) -> tuple[Registry, Camera, list[FakeCapture]]:
    node = tmp_path / "video0"
    node.write_text("")
    made: list[FakeCapture] = []

    def factory(target: Any, api: int) -> FakeCapture:
        capture = FakeCapture(target, api, **fake)
        made.append(capture)
        return capture

    registry = _registry(capture_factory=factory)
    camera = OpenCVCamera(OpenCVCamera.describe(_found(node)), registry.options["opencv-camera"])
    camera.open()
    return registry, camera, made


def _found(node: Path) -> Any:
    from devices.facts import Found

    return Found(
        "opencv-camera:video0", 50, details={"target": str(node), "api": cv2.CAP_V4L2, "node": str(node)}
    )


def test_resolution_refusal(tmp_path: Path) -> None:
    _, camera, made = _fake_camera(tmp_path, modes=((640, 480), (1280, 720)))
    assert camera.capture_still().size == (1280, 720)
    made[0].modes = ((640, 480),)
    made[0].size = (640, 480)
    assert camera.capture_still().size == (640, 480)  # lenient: the real size is what comes back
    with pytest.raises(ModeRefused) as refused:
        camera.capture_still(strict=True)
    assert refused.value.params["wanted"] == "1280x720" and refused.value.params["actual"] == "640x480"
    with pytest.raises(ModeRefused):
        camera.stream(size=(1920, 1080), strict=True).start()
    with camera.stream(size=(640, 480)) as stream:  # the refused start left the camera usable
        assert stream.read(WAIT).size == (640, 480)
    camera.close()
    assert made[0].released


def test_camera_that_cannot_be_opened(tmp_path: Path) -> None:
    with pytest.raises(Busy):  # the node is there: another program holds it
        _fake_camera(tmp_path, opens=False)
    registry = _registry(capture_factory=lambda target, api: FakeCapture(target, api, opens=False))
    camera = OpenCVCamera(OpenCVCamera.describe(_found(tmp_path / "gone")), registry.options["opencv-camera"])
    with pytest.raises(NotFound):
        camera.open()


def test_disconnect_mid_stream(tmp_path: Path) -> None:
    _, camera, made = _fake_camera(tmp_path)
    removed: list[str] = []
    camera.on_removed(lambda info, reason: removed.append(reason))
    with camera.stream() as stream:
        stream.read(WAIT)
        made[0].failing = True
        with pytest.raises(Disconnected, match="reads in a row failed"):
            while True:
                stream.read(WAIT)
    assert removed == ["3 reads in a row failed"]  # once, with the driver's reason
    camera.close()


def test_vanished_device_node_is_a_disconnect_at_once(tmp_path: Path) -> None:
    _, camera, made = _fake_camera(tmp_path)
    camera.grab(WAIT)
    made[0].failing = True
    (tmp_path / "video0").unlink()
    with pytest.raises(Disconnected, match="disappeared"):
        camera.grab(WAIT)


def test_registry_emits_removal_when_a_camera_in_use_is_lost(tmp_path: Path) -> None:
    clip = _video(tmp_path / "clip.avi")
    registry = _registry(sources=[str(clip)])
    registry.refresh()
    events: list[DeviceEvent] = []
    got = threading.Event()
    registry.events.subscribe(lambda e: (events.append(e), got.set()))
    camera = registry.open("opencv-camera:file:clip.avi")
    assert isinstance(camera, OpenCVCamera)
    camera._capture.release()  # the driver's handle dies under it, as with a yanked cable
    camera._is_file = False
    with camera.stream() as stream, pytest.raises(Disconnected):
        while True:
            stream.read(WAIT)
    assert got.wait(WAIT)
    assert [(e.action, e.device_id, e.reason) for e in events] == [
        ("removed", "opencv-camera:file:clip.avi", "disconnected")
    ]
    registry.release(camera)
