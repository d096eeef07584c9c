"""The station's reader and camera: opened through the registry, watched for hot-plug, checked against
the backend's device registry.

A reader pulled out mid-capture ends that attempt with `Disconnected` (the flow keeps what it had);
the hot-plug monitor sees it come back and this object opens it again, so the session goes on. The
serials the backend knows for this station are fetched when an operator logs in and kept on disk, so a
session refuses at its start, not after ten fingers, to capture on a device the backend would refuse.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from devices.camera import Camera
from devices.errors import DeviceError
from devices.events import DeviceEvent
from devices.facts import DeviceInfo, Kind
from devices.fingerprint import FingerprintReader
from devices.hotplug import HotplugMonitor
from devices.registry import Registry
from kiosk.evented import EventGroup
from kiosk.messages import Message
from kiosk.packet import manifest as mf

log = logging.getLogger(__name__)
REGISTERED_FILE = "devices-registered.json"


class StationDevices:
    """Events: `changed` (a device came, went or was opened; emitted from the thread that noticed)."""

    def __init__(
        self,
        registry: Registry,
        *,
        reader_id: str | None = None,
        camera_id: str | None = None,
        data_dir: Path | None = None,
    ) -> None:
        self.registry = registry
        self.reader_id, self.camera_id = reader_id or None, camera_id or None
        self.data_dir = data_dir
        self.reader: FingerprintReader | None = None
        self.camera: Camera | None = None
        self.problems: dict[str, Message] = {}
        self.events = EventGroup(self, "changed")
        self._lock = threading.RLock()
        self._monitor: HotplugMonitor | None = None
        self._unsubscribe: Any = None
        self.registered_serials: frozenset[str] | None = self._load_registered()

    # -- opening --------------------------------------------------------------------------------------------
    def open(self) -> StationDevices:
        """Open whatever is missing; a device that cannot be opened is a problem to show, not an error."""
        with self._lock:
            if not _usable(self.reader):
                self.reader = self._open(Kind.FINGERPRINT, self.reader_id)
            if not _usable(self.camera):
                self.camera = self._open(Kind.CAMERA, self.camera_id)
        self.events.changed.emit(reader=self.reader_ready, camera=self.camera_ready)
        return self

    def _open(self, kind: Kind, device_id: str | None) -> Any:
        try:
            device = (
                self.registry.open_reader(device_id)
                if kind is Kind.FINGERPRINT
                else self.registry.open_camera(device_id)
            )
        except DeviceError as exc:
            self.problems[str(kind)] = Message(exc.code, exc.to_json()["params"])
            return None
        self.problems.pop(str(kind), None)
        return device

    @property
    def reader_ready(self) -> bool:
        return _usable(self.reader)

    @property
    def camera_ready(self) -> bool:
        return _usable(self.camera)

    def infos(self) -> list[DeviceInfo]:
        return [d.info for d in (self.reader, self.camera) if d is not None]

    def manifest_devices(self) -> tuple[mf.Device, ...]:
        return tuple(
            mf.Device(str(i.kind), i.driver_id, i.vendor, i.model, i.serial, i.firmware or None)
            for i in self.infos()
        )

    # -- the backend's registry of this station's devices ---------------------------------------------------
    def set_registered(self, serials: Iterable[str]) -> None:
        self.registered_serials = frozenset(serials)
        if self.data_dir is not None:
            path = self.data_dir / REGISTERED_FILE
            tmp = path.with_name(path.name + ".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(sorted(self.registered_serials), handle)
            tmp.replace(path)

    def _load_registered(self) -> frozenset[str] | None:
        if self.data_dir is None:
            return None
        try:
            data = json.loads((self.data_dir / REGISTERED_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return frozenset(str(s) for s in data) if isinstance(data, list) else None

    def unregistered(self) -> list[DeviceInfo] | None:
        """Open devices the backend does not know for this station; None when that is not known yet."""
        if self.registered_serials is None:
            return None
        return [i for i in self.infos() if i.serial not in self.registered_serials]

    # -- hot-plug -------------------------------------------------------------------------------------------
    def watch(self, interval: float = 2.0) -> None:
        """Start the hot-plug monitor: a device that goes is dropped, one that comes back is reopened."""
        if self._monitor is not None:
            return
        self._unsubscribe = self.registry.events.subscribe(self._on_device_event)
        self._monitor = HotplugMonitor(self.registry, interval=interval).start()

    def _on_device_event(self, event: DeviceEvent) -> None:
        with self._lock:
            if event.action == "removed":
                for attr in ("reader", "camera"):
                    device = getattr(self, attr)
                    if device is not None and device.device_id == event.device_id:
                        self._drop(attr, wait=False)
                        self.problems[str(device.kind)] = Message(
                            "devices.error.disconnected", {"device": event.device_id, "reason": event.reason}
                        )
            elif event.action == "added" and (
                (event.info.kind is Kind.FINGERPRINT and not _usable(self.reader))
                or (event.info.kind is Kind.CAMERA and not _usable(self.camera))
            ):
                self.open()
                return
        self.events.changed.emit(reader=self.reader_ready, camera=self.camera_ready)

    def _drop(self, attr: str, wait: bool = True) -> None:
        """Forget a device and release it; `wait=False` releases it on a thread of its own, because a
        removal is often noticed inside the device's own read (the thread that tells us holds the device's
        I/O lock, and closing would wait for itself until the close gives up without releasing)."""
        device = getattr(self, attr)
        setattr(self, attr, None)
        if device is not None and wait:
            self._release(device)
        elif device is not None:
            threading.Thread(target=self._release, args=(device,), name="release-device", daemon=True).start()

    def _release(self, device: Any) -> None:
        try:
            self.registry.release(device)
        except Exception:  # a gone device may fail to close; it is gone either way
            log.debug("releasing %s failed", device.device_id, exc_info=True)

    def close(self) -> None:
        if self._monitor is not None:
            self._monitor.stop()
            self._monitor = None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        with self._lock:
            self._drop("reader")
            self._drop("camera")


def _usable(device: Any) -> bool:
    return device is not None and device.is_open and not device.gone
