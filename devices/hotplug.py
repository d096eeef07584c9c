"""Hot-plug: notice devices arriving and leaving, and tell the registry's listeners.

Polling always works (a rescan every few seconds); where pyudev can listen to the kernel, an event in a
subsystem that a loaded driver cares about (`usb`, `video4linux`) triggers the rescan at once, and drivers
with their own notification (the simulators) do the same through `Device.watch`. Either way the
registry's `refresh` computes what changed, so an event is announced once whoever noticed it first.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from types import TracebackType

from devices.events import DeviceEvent
from devices.registry import Registry

log = logging.getLogger(__name__)


class HotplugMonitor:
    def __init__(self, registry: Registry, interval: float = 2.0, use_udev: bool = True) -> None:
        self.registry = registry
        self.interval = interval
        self.use_udev = use_udev
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._unwatch: list[Callable[[], None]] = []
        self.udev_active = False

    def start(self) -> HotplugMonitor:
        if self._thread is not None:
            return self
        self._stopping.clear()
        self.poll()  # the first scan announces what is already there, before start() returns
        self._watch_drivers()
        if self.use_udev:
            self._start_udev()
        self._thread = threading.Thread(target=self._loop, name="hotplug", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        for unwatch in self._unwatch:
            try:
                unwatch()
            except Exception:
                log.exception("stopping a driver's hot-plug watch failed")
        self._unwatch.clear()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5.0)
        self._thread = None

    def __enter__(self) -> HotplugMonitor:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def poll(self) -> list[DeviceEvent]:
        """One rescan now; returns (and emits) the events it found."""
        try:
            return self.registry.refresh()
        except Exception:
            log.exception("hot-plug rescan failed")
            return []

    def wake(self) -> None:
        """Ask for a rescan as soon as possible (called from udev and driver watchers)."""
        self._wake.set()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            if self._stopping.is_set():
                break
            self.poll()

    def _watch_drivers(self) -> None:
        for driver_id in self.registry.driver_ids():
            try:
                cls = self.registry.driver(driver_id)
                unwatch = cls.watch(self.registry.options.get(driver_id, {}), self.wake)
            except Exception as exc:  # the scan reports drivers that do not load
                log.debug("no hot-plug watch for %s: %s", driver_id, exc)
                continue
            if unwatch is not None:
                self._unwatch.append(unwatch)

    def _subsystems(self) -> set[str]:
        wanted: set[str] = set()
        for driver_id in self.registry.driver_ids():
            try:
                wanted.update(s for s in self.registry.driver(driver_id).hotplug_subsystems if s != "sim")
            except Exception as exc:
                log.debug("no udev subsystems for %s: %s", driver_id, exc)
                continue
        return wanted

    def _start_udev(self) -> None:
        subsystems = self._subsystems()
        if not subsystems:
            return
        try:
            import pyudev

            monitor = pyudev.Monitor.from_netlink(pyudev.Context())
            for subsystem in sorted(subsystems):
                monitor.filter_by(subsystem)
            observer = pyudev.MonitorObserver(monitor, callback=lambda device: self.wake(), name="udev")
            observer.start()
        except Exception as exc:  # no pyudev (Windows), no netlink (containers): polling covers it
            log.info("udev monitoring unavailable (%s); polling every %.1f s", exc, self.interval)
            return
        self.udev_active = True
        self._unwatch.append(observer.stop)
