"""Webcams through OpenCV (`opencv-python-headless`): V4L2 on Linux, DirectShow/MSMF on Windows.

Frames are read in the stream's thread (the generic `Camera`), converted from OpenCV's BGR to RGB, and
the real frame rate is what the stream measures, not what the camera claims. A camera that stops
answering is declared disconnected after a few failed reads or as soon as its device node disappears.
A video file can be opened through the very same code (it is how this driver is tested without a
camera); files are paced to their own frame rate, as a camera paces itself.

Options (the registry's `options["opencv-camera"]`): `sources` (video files to offer as cameras),
`enumerate` (False: skip the platform's cameras), `capture_factory` (a stand-in for cv2.VideoCapture),
`sysfs` (another /sys/class/video4linux, for tests).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from devices.camera import Camera, Size
from devices.errors import Busy, DeviceTimeout, Disconnected, NotFound
from devices.facts import Found
from devices.frames import Image
from devices.webcam.sources import CameraSource, file_sources, platform_sources

FAILED_READS = 3  # consecutive failed reads after which a camera counts as unplugged


def _factory(options: Mapping[str, Any]) -> Callable[..., Any]:
    return options.get("capture_factory") or cv2.VideoCapture


class OpenCVCamera(Camera):
    driver_id = "opencv-camera"
    display_name = "Webcam (OpenCV)"
    vendor = "UVC"
    hotplug_subsystems = ("video4linux",)

    @classmethod
    def sources(cls, options: Mapping[str, Any]) -> list[CameraSource]:
        found = list(file_sources(list(options.get("sources", ()))))
        if options.get("enumerate", True):
            sysfs = options.get("sysfs")
            found += platform_sources(_factory(options), Path(sysfs) if sysfs else None)
        return found

    @classmethod
    def probe(cls, options: Mapping[str, Any]) -> Sequence[Found]:
        return [
            Found(
                f"{cls.driver_id}:{source.key}",
                score=30 if source.is_file else 50,
                serial=source.serial,
                firmware=source.firmware,
                model=source.name,
                hardware_key=source.bus_path,
                usb=source.usb,
                details={
                    **source.details,
                    "target": str(source.target),
                    "api": source.api,
                    "file": source.is_file,
                },
            )
            for source in cls.sources(options)
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        details = self.info.details
        target = details.get("target", "")
        self._target: int | str = int(target) if str(target).isdigit() else str(target)
        self._api = int(details.get("api", cv2.CAP_ANY))
        self._is_file = bool(details.get("file", False))
        self._node = Path(details["node"]) if details.get("node") else None
        self._capture: Any = None
        self._failures = 0
        self._pace_interval = 0.0
        self._next_due = 0.0
        self.nominal_fps = 0.0

    def _open_hw(self) -> None:
        capture = _factory(self.options)(self._target, self._api)
        if not capture.isOpened():
            capture.release()
            if self._node is not None and self._node.exists():
                raise Busy(
                    self.device_id,
                    reason=f"{self._node} exists but cannot be opened (in use by another program?)",
                )
            raise NotFound(self.device_id, reason=f"cannot open {self._target}")
        if hasattr(cv2, "CAP_PROP_READ_TIMEOUT_MSEC") and not self._is_file:
            capture.set(cv2.CAP_PROP_READ_TIMEOUT_MSEC, 2000)
        self._capture = capture

    def _close_hw(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None

    def _configure(self, size: Size, fps: float) -> tuple[Size, float]:
        capture = self._capture
        if not self._is_file:
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, float(size[0]))
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, float(size[1]))
            capture.set(cv2.CAP_PROP_FPS, float(fps))
        actual = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        self.nominal_fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
        if self._is_file:  # a file plays at its own rate, or the rate asked for if that is slower
            rate = min(fps, self.nominal_fps) if self.nominal_fps > 0 else fps
            self._pace_interval = 1.0 / rate if rate > 0 else 0.0
            return actual, rate
        return actual, self.nominal_fps or fps

    def _read_frame(self, timeout: float) -> Image:
        self._pace(timeout)
        ok, frame = self._capture.read()
        if not ok and self._is_file:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)  # loop the file like an endless camera
            ok, frame = self._capture.read()
        if not ok or frame is None:
            self._failures += 1
            if self._node is not None and not self._node.exists():
                raise Disconnected(self.device_id, reason=f"{self._node} disappeared")
            if self._failures >= FAILED_READS:
                raise Disconnected(self.device_id, reason=f"{self._failures} reads in a row failed")
            raise DeviceTimeout(self.device_id, reason="the camera returned no frame", seconds=timeout)
        self._failures = 0
        return _to_rgb(frame)

    def _pace(self, timeout: float) -> None:
        if self._pace_interval <= 0:
            return
        now = time.monotonic()
        delay = self._next_due - now
        if delay > timeout:
            time.sleep(timeout)
            raise DeviceTimeout(self.device_id, reason="next frame not due yet", seconds=timeout)
        if delay > 0:
            time.sleep(delay)
        self._next_due = max(self._next_due, now) + self._pace_interval


def _to_rgb(frame: np.ndarray) -> Image:
    if frame.ndim == 2:
        return np.ascontiguousarray(cv2.cvtColor(frame, cv2.COLOR_GRAY2RGB), dtype=np.uint8)
    if frame.shape[2] == 4:
        return np.ascontiguousarray(cv2.cvtColor(frame, cv2.COLOR_BGRA2RGB), dtype=np.uint8)
    return np.ascontiguousarray(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), dtype=np.uint8)
