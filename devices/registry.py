"""Discovery through the `kiosk.devices` entry-point group, priority between drivers, and opening by id.

Every driver, built-in or a vendor's pip package, is an entry point `driver-id = "module:DeviceClass"`.
Names are read without importing anything; a driver's module is imported only when the policy allows
that driver id, and a driver that fails to import, load or probe becomes a `DriverFailure` line. When
two drivers claim the same hardware (`Found.hardware_key`) the higher score wins; the configuration's
`devices.priority` table (driver id -> score) overrides probe scores.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from importlib import metadata
from pathlib import Path
from typing import Any

from devices import usb
from devices.camera import Camera
from devices.device import Device
from devices.errors import DeviceError, DriverError, NotFound, NotPermitted
from devices.events import DeviceEvent, EventBus
from devices.facts import DeviceInfo, Kind
from devices.fingerprint import FingerprintReader
from devices.inventory import DriverFailure, Inventory
from devices.policy import DevicePolicy

GROUP = "kiosk.devices"
PROBE_SECONDS = 5.0
log = logging.getLogger(__name__)


class Registry:
    def __init__(
        self,
        policy: DevicePolicy | None = None,
        priority: Mapping[str, int] | None = None,
        options: Mapping[str, Mapping[str, Any]] | None = None,
        entry_points: Iterable[metadata.EntryPoint] | None = None,
        events: EventBus | None = None,
        usb_root: Path | None = None,
    ) -> None:
        self.policy = policy or DevicePolicy()
        self.priority = dict(priority or {})
        self.options = {k: dict(v) for k, v in (options or {}).items()}
        self.events = events or EventBus()
        self.usb_root = usb_root  # where sysfs lists USB devices (tests point it at a fake tree)
        self._entries = list(metadata.entry_points(group=GROUP) if entry_points is None else entry_points)
        self._classes: dict[str, type[Device]] = {}
        self._lock = threading.RLock()
        self._known: dict[str, DeviceInfo] = {}
        self._refreshed = False
        self._in_use: dict[str, Device] = {}
        self.last: Inventory | None = None

    # -- drivers ---------------------------------------------------------------------------------------
    def driver_ids(self) -> list[str]:
        """Every installed driver id (nothing imported)."""
        return sorted({e.name for e in self._entries})

    def driver(self, driver_id: str) -> type[Device]:
        """The driver's class, imported on first use; policy and loading errors are raised as DeviceError."""
        with self._lock:
            if driver_id in self._classes:
                return self._classes[driver_id]
        self.policy.check_driver_id(driver_id)
        entries = [e for e in self._entries if e.name == driver_id]
        if not entries:
            raise NotFound(driver_id, reason="no such driver installed")
        if len({e.value for e in entries}) > 1:
            sources = ", ".join(sorted(f"{e.value} ({_distribution(e)})" for e in entries))
            raise _load_error(driver_id, f"two packages register this driver id: {sources}")
        cls = entries[0].load()
        if not (isinstance(cls, type) and issubclass(cls, Device)):
            raise _load_error(driver_id, f"{entries[0].value} is not a devices.device.Device subclass")
        if cls.driver_id != driver_id:
            raise _load_error(driver_id, f"{entries[0].value} declares driver_id {cls.driver_id!r}")
        self.policy.check_simulated(driver_id, cls.simulated)
        with self._lock:
            self._classes[driver_id] = cls
        return cls

    # -- scanning --------------------------------------------------------------------------------------
    def scan(self) -> Inventory:
        failures: list[DriverFailure] = []
        loaded: list[type[Device]] = []
        for entry in sorted(self._entries, key=lambda e: e.name):
            if any(c.driver_id == entry.name for c in loaded) or any(
                f.driver_id == entry.name for f in failures
            ):
                continue
            try:
                loaded.append(self.driver(entry.name))
            except NotPermitted as exc:
                failures.append(DriverFailure.from_exception(entry.name, "policy", exc, _distribution(entry)))
            except DeviceError as exc:
                failures.append(DriverFailure.from_exception(entry.name, "load", exc, _distribution(entry)))
            except Exception as exc:
                log.warning("device driver %s failed to import: %s", entry.name, exc)
                failures.append(DriverFailure.from_exception(entry.name, "import", exc, _distribution(entry)))
        found, probe_failures = self._probe_all(self._plugged(loaded))
        inventory = self._rank(found, failures + probe_failures)
        self.last = inventory
        return inventory

    def _plugged(self, drivers: list[type[Device]]) -> list[type[Device]]:
        """Drivers with a USB id table are probed only when one of their ids is plugged in (devices.usb)."""
        plugged = usb.present(self.usb_root)
        if plugged is None:
            return drivers  # this machine cannot list USB devices: let every probe look
        return [
            cls
            for cls in drivers
            if not cls.usb_ids or not cls.usb_ids_complete or usb.claimed(cls.usb_ids, plugged)
        ]

    def _probe_all(self, drivers: list[type[Device]]) -> tuple[list[DeviceInfo], list[DriverFailure]]:
        """Probes run side by side with a time limit: a hung vendor library delays a scan, never stops it."""
        found: list[DeviceInfo] = []
        failures: list[DriverFailure] = []
        if not drivers:
            return found, failures
        for cls in [c for c in drivers if c.probe_in_caller]:
            try:  # bound to the caller's event loop (libfprint and GLib): never from a pool thread
                found.extend(cls.describe(item) for item in cls.probe(self.options.get(cls.driver_id, {})))
            except Exception as error:
                log.warning("device driver %s failed to probe: %s", cls.driver_id, error)
                failures.append(DriverFailure.from_exception(cls.driver_id, "probe", error, self._dist(cls)))
        drivers = [c for c in drivers if not c.probe_in_caller]
        if not drivers:
            return found, failures
        pool = ThreadPoolExecutor(max_workers=min(8, len(drivers)), thread_name_prefix="probe")
        try:
            futures = {cls: pool.submit(cls.probe, self.options.get(cls.driver_id, {})) for cls in drivers}
            for cls, future in futures.items():
                try:
                    for item in future.result(timeout=PROBE_SECONDS):
                        found.append(cls.describe(item))
                except FutureTimeout:
                    exc = TimeoutError(f"probe gave no answer within {PROBE_SECONDS:g} s")
                    failures.append(
                        DriverFailure.from_exception(cls.driver_id, "probe", exc, self._dist(cls))
                    )
                except Exception as exc:
                    log.warning("device driver %s failed to probe: %s", cls.driver_id, exc)
                    failures.append(
                        DriverFailure.from_exception(cls.driver_id, "probe", exc, self._dist(cls))
                    )
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return found, failures

    def _dist(self, cls: type[Device]) -> str:
        return next((_distribution(e) for e in self._entries if e.name == cls.driver_id), "")

    def score(self, info: DeviceInfo) -> int:
        return self.priority.get(info.driver_id, info.score)

    def _rank(self, found: list[DeviceInfo], failures: list[DriverFailure]) -> Inventory:
        winners: dict[str, DeviceInfo] = {}
        shadowed: list[DeviceInfo] = []
        for info in sorted(found, key=lambda i: (-self.score(i), i.driver_id, i.device_id)):
            key = info.hardware_key or f"device:{info.device_id}"
            if key in winners:
                shadowed.append(info)
            else:
                winners[key] = info
        devices = sorted(winners.values(), key=lambda i: (str(i.kind), -self.score(i), i.device_id))
        status: dict[str, str] = {}
        with self._lock:
            for info in devices:
                device = self._in_use.get(info.device_id)
                if device is not None and device.is_open:
                    status[info.device_id] = "in-use"
                elif not self.policy.serial_registered(info):
                    status[info.device_id] = "unregistered"
                else:
                    status[info.device_id] = "ready"
        status.update({i.device_id: "shadowed" for i in shadowed})
        return Inventory(tuple(devices), tuple(failures), tuple(shadowed), status)

    def best(self, kind: Kind | str) -> DeviceInfo | None:
        return self.scan().best(kind)

    # -- opening ---------------------------------------------------------------------------------------
    def open(self, device_id: str | None = None, kind: Kind | str | None = None) -> Device:
        """Open a device by id, or the best of a kind; refuses unregistered serials (NotPermitted)."""
        inventory = self.scan()
        if device_id:
            info = inventory.by_id(device_id)
            if info is None:
                failed = [f for f in inventory.failures if device_id.split(":")[0] == f.driver_id]
                reason = failed[0].text if failed else "not present"
                raise NotFound(device_id, reason=reason)
        elif kind is not None:
            best = inventory.best(kind)
            if best is None:
                raise NotFound(str(kind), reason="no usable device of this kind")
            info = best
        else:
            raise ValueError("give a device id or a kind")
        cls = self.driver(info.driver_id)
        device = cls(info, self.options.get(info.driver_id, {}))
        device.open()
        try:
            self.policy.check_device(device.info)
        except NotPermitted:
            device.close()
            raise
        with self._lock:
            self._in_use[info.device_id] = device
        device.on_removed(lambda removed, reason: self._lost(removed, reason))
        return device

    def open_reader(self, device_id: str | None = None) -> FingerprintReader:
        """`open` typed for fingerprint readers (the best one unless an id is given)."""
        device = self.open(device_id, None if device_id else Kind.FINGERPRINT)
        if not isinstance(device, FingerprintReader):
            self.release(device)
            raise NotFound(device.device_id, reason="not a fingerprint reader")
        return device

    def open_camera(self, device_id: str | None = None) -> Camera:
        """`open` typed for cameras (the best one unless an id is given)."""
        device = self.open(device_id, None if device_id else Kind.CAMERA)
        if not isinstance(device, Camera):
            self.release(device)
            raise NotFound(device.device_id, reason="not a camera")
        return device

    def release(self, device: Device) -> None:
        """Close a device opened here and forget it."""
        device.close()
        with self._lock:
            if self._in_use.get(device.device_id) is device:
                del self._in_use[device.device_id]

    # -- hot-plug -------------------------------------------------------------------------------------------
    def refresh(self) -> list[DeviceEvent]:
        """Scan and emit `added` / `removed` for what changed since the last refresh."""
        inventory = self.scan()
        current = {d.device_id: d for d in inventory.devices}
        with self._lock:
            added = [d for i, d in current.items() if i not in self._known]
            removed = [d for i, d in self._known.items() if i not in current]
            self._known = current
            self._refreshed = True
            for info in removed:
                self._in_use.pop(info.device_id, None)
        events = [DeviceEvent("added", d) for d in added] + [DeviceEvent("removed", d) for d in removed]
        for event in events:
            self.events.emit(event)
        return events

    def _lost(self, info: DeviceInfo, reason: str) -> None:
        with self._lock:
            known = self._known.pop(info.device_id, None) is not None
            self._in_use.pop(info.device_id, None)
            tracked = self._refreshed
        if known or not tracked:  # a refresh that already saw it go has announced it
            self.events.emit(DeviceEvent("removed", info, reason="disconnected"))


def _distribution(entry: metadata.EntryPoint) -> str:
    dist = getattr(entry, "dist", None)
    return f"{dist.name} {dist.version}" if dist is not None else ""


def _load_error(driver_id: str, reason: str) -> DeviceError:
    return DriverError(driver_id, reason=reason, stage="load")
