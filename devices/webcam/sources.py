"""Where cameras are: V4L2 capture nodes on Linux, numbered DirectShow/MSMF devices on Windows, files.

OpenCV cannot list cameras, so each platform is asked in its own way. On Linux sysfs names every
`/dev/videoN` with its USB vendor, product, serial and bus position without opening it (metadata nodes,
`index` != 0, are skipped: they deliver no pictures). On Windows the only way is to try opening the
first few indices. A video file can stand in for a camera (tests, a technician's replay).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2

from devices.facts import UsbId

WINDOWS_APIS = (("dshow", cv2.CAP_DSHOW), ("msmf", cv2.CAP_MSMF))
WINDOWS_MAX_INDEX = 4


@dataclass(frozen=True)
class CameraSource:
    key: str  # the part of the device id after "opencv-camera:" (video0, dshow0, file:clip.avi)
    target: int | str  # what cv2.VideoCapture opens
    api: int = cv2.CAP_ANY
    name: str = ""
    usb: UsbId | None = None
    serial: str = ""
    firmware: str = ""
    bus_path: str | None = None  # "usb:1-2.4", shared by every driver that sees the same plug
    node: Path | None = None  # /dev/videoN, gone when the camera is unplugged
    is_file: bool = False
    details: dict[str, Any] = field(default_factory=dict)


def v4l2_sources(
    sysfs: Path = Path("/sys/class/video4linux"), dev: Path = Path("/dev")
) -> list[CameraSource]:
    if not sysfs.is_dir():
        return []
    found = []
    for entry in sorted(sysfs.iterdir(), key=lambda p: _node_number(p.name)):
        if not entry.name.startswith("video") or _read(entry / "index", "0") != "0":
            continue
        usb_dir = _usb_device_dir(entry / "device")
        usb = None
        serial = firmware = ""
        bus_path = None
        if usb_dir is not None:
            try:
                usb = UsbId(int(_read(usb_dir / "idVendor"), 16), int(_read(usb_dir / "idProduct"), 16))
            except ValueError:
                usb = None
            serial = _read(usb_dir / "serial")
            firmware = _read(usb_dir / "bcdDevice")
            bus_path = f"usb:{usb_dir.name}"
        node = dev / entry.name
        found.append(
            CameraSource(
                key=entry.name,
                target=str(node),
                api=cv2.CAP_V4L2,
                name=_read(entry / "name") or entry.name,
                usb=usb,
                serial=serial,
                firmware=firmware,
                bus_path=bus_path,
                node=node,
                details={"node": str(node)},
            )
        )
    return found


def windows_sources(factory: Callable[..., Any], max_index: int = WINDOWS_MAX_INDEX) -> list[CameraSource]:
    """Try indices 0..max_index-1 with DirectShow, then MSMF; stop at the first index nothing opens."""
    found = []
    for index in range(max_index):
        for label, api in WINDOWS_APIS:
            capture = factory(index, api)
            try:
                if capture.isOpened():
                    found.append(
                        CameraSource(
                            key=f"{label}{index}", target=index, api=api, name=f"Camera {index} ({label})"
                        )
                    )
                    break
            finally:
                capture.release()
        else:
            break
    return found


def file_sources(paths: list[str | Path]) -> list[CameraSource]:
    return [
        CameraSource(
            key=f"file:{Path(p).name}",
            target=str(p),
            name=f"Video file {Path(p).name}",
            is_file=True,
            details={"file": str(p)},
        )
        for p in paths
        if Path(p).is_file()
    ]


def platform_sources(factory: Callable[..., Any], sysfs: Path | None = None) -> list[CameraSource]:
    if sys.platform.startswith("linux"):
        return v4l2_sources(sysfs) if sysfs is not None else v4l2_sources()
    if sys.platform == "win32":
        return windows_sources(factory)
    return []


def _usb_device_dir(device_link: Path) -> Path | None:
    """Walk up from the video node's device to the USB device (the directory holding idVendor)."""
    try:
        current = device_link.resolve()
    except OSError:
        return None
    for candidate in (current, *current.parents):
        if (candidate / "idVendor").is_file():
            return candidate
    return None


def _read(path: Path, default: str = "") -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return default


def _node_number(name: str) -> int:
    digits = "".join(ch for ch in name if ch.isdigit())
    return int(digits) if digits else -1
