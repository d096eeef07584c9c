"""The generic device: static facts as class data, open/close, one acquisition at a time, removal.

A driver is a subclass that states its facts (`driver_id`, `display_name`, `vendor`, `usb_ids`, `ppi`,
`image_size`, …) as class attributes, finds its hardware in `probe`, and implements a few `_hooks`; the
kind bases (`FingerprintReader`, `Camera`) own everything above that: streams, capture, locking,
turning driver exceptions into typed errors, and reporting an unplug exactly once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import Any, ClassVar, Self

from devices.errors import Busy, DeviceError, Disconnected, HardwareFault, StreamStopped
from devices.facts import Capability, DeviceInfo, Found, Kind, UsbId
from devices.frames import Image

RemovalListener = Callable[[DeviceInfo, str], None]
CLOSE_WAIT_SECONDS = 5.0
log = logging.getLogger(__name__)


class Device:
    # -- static facts, stated by each driver ---------------------------------------------------------------
    driver_id: ClassVar[str] = ""
    display_name: ClassVar[str] = ""
    kind: ClassVar[Kind]
    vendor: ClassVar[str] = ""
    usb_ids: ClassVar[tuple[UsbId, ...]] = ()
    usb_ids_complete: ClassVar[bool] = (
        True  # the table names every device the driver serves (see devices.usb)
    )
    ppi: ClassVar[int | None] = None
    image_size: ClassVar[tuple[int, int] | None] = None  # (width, height)
    simulated: ClassVar[bool] = False
    hotplug_subsystems: ClassVar[tuple[str, ...]] = ()  # udev subsystems whose events call for a rescan
    # Probe in the scanning thread, not a pool thread: for drivers bound to an event loop its owner must
    # run (libfprint's GLib context, owned by Qt's GUI thread once a window exists); they keep their own
    # time limits, since the registry's cannot interrupt the caller.
    probe_in_caller: ClassVar[bool] = False

    # -- discovery -------------------------------------------------------------------------------------
    @classmethod
    def probe(cls, options: Mapping[str, Any]) -> Sequence[Found]:
        """Every device of this driver present now; cheap, no side effects, never opens a device."""
        raise NotImplementedError

    @classmethod
    def watch(cls, options: Mapping[str, Any], wake: Callable[[], None]) -> Callable[[], None] | None:
        """Call `wake` when this driver's hardware may have changed; returns how to stop watching.

        Drivers without their own notification return None and rely on udev or polling.
        """
        return None

    @classmethod
    def capabilities(cls) -> frozenset[Capability]:
        caps = set(cls._derived_capabilities())
        if cls.hotplug_subsystems or _overrides(cls, "watch", Device):
            caps.add(Capability.HOTPLUG)
        return frozenset(caps)

    @classmethod
    def _derived_capabilities(cls) -> set[Capability]:
        return set()

    @classmethod
    def describe(cls, found: Found) -> DeviceInfo:
        return DeviceInfo(
            device_id=found.device_id,
            driver_id=cls.driver_id,
            kind=cls.kind,
            display_name=cls.display_name,
            vendor=cls.vendor,
            model=found.model or cls.display_name,
            serial=found.serial,
            firmware=found.firmware,
            ppi=cls.ppi,
            image_size=cls.image_size,
            capabilities=cls.capabilities(),
            simulated=cls.simulated,
            score=found.score,
            usb=found.usb,
            hardware_key=found.hardware_key,
            details=dict(found.details),
        )

    # -- instance life cycle ---------------------------------------------------------------------------
    def __init__(self, info: DeviceInfo, options: Mapping[str, Any] | None = None) -> None:
        self._info = info
        self.options: Mapping[str, Any] = options or {}
        self._state = threading.RLock()
        self._io = threading.Lock()  # one call into the driver at a time (close never races a read)
        self._open = False
        self._closing = False
        self._gone = False
        self._owner: object | None = None
        self._seq = 0
        self._removal: list[RemovalListener] = []

    @property
    def info(self) -> DeviceInfo:
        return self._info

    @property
    def device_id(self) -> str:
        return self._info.device_id

    @property
    def is_open(self) -> bool:
        return self._open

    @property
    def gone(self) -> bool:
        """The device disappeared while in use (unplugged); it must be opened anew once it is back."""
        return self._gone

    def open(self) -> Self:
        with self._state:
            if self._gone:
                raise Disconnected(self.device_id)
            if self._open:
                return self
            self._call(self._open_hw)
            self._open, self._closing = True, False
        return self

    def close(self) -> None:
        """Stop whatever acquires, release the hardware. Idempotent; a stuck driver delays it only briefly."""
        with self._state:
            if not self._open:
                return
            self._closing = True
            owner = self._owner
        stop = getattr(owner, "close", None)
        if callable(stop):
            stop()
        with self._state:
            got_io = self._io.acquire(timeout=CLOSE_WAIT_SECONDS)
            try:
                if got_io:
                    self._close_hw()
                else:  # a driver call never returned: releasing under it could crash the process
                    log.error("device %s: driver stuck in a call; closed without release", self.device_id)
            finally:
                if got_io:
                    self._io.release()
                self._open = False
                self._owner = None

    def __enter__(self) -> Self:
        return self.open()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def on_removed(self, listener: RemovalListener) -> Callable[[], None]:
        """`listener(info, reason)` runs once when the device disappears while in use."""
        self._removal.append(listener)
        return lambda: self._removal.remove(listener) if listener in self._removal else None

    # -- driver hooks ----------------------------------------------------------------------------------
    def _open_hw(self) -> None:
        """Claim the hardware; may update `self._info` with the serial and firmware read from it."""

    def _close_hw(self) -> None:
        """Release the hardware."""

    def _read_frame(self, timeout: float) -> Image:
        """The next raw image, blocking at most `timeout` s (raise `DeviceTimeout` when none came)."""
        raise NotImplementedError

    # -- helpers for the kind bases --------------------------------------------------------------------
    @contextmanager
    def _acquisition(self, owner: object) -> Iterator[None]:
        self._acquire(owner)
        try:
            yield
        finally:
            self._release(owner)

    def _acquire(self, owner: object) -> None:
        with self._state:
            if self._gone:
                raise Disconnected(self.device_id)
            if not self._open or self._closing:
                raise StreamStopped(self.device_id, reason="the device is not open")
            if self._owner is not None and self._owner is not owner:
                raise Busy(self.device_id, reason=f"already in use by a {type(self._owner).__name__}")
            self._owner = owner

    def _release(self, owner: object) -> None:
        with self._state:
            if self._owner is owner:
                self._owner = None

    def _read_raw(self, timeout: float) -> tuple[Image, float, int]:
        """One raw image with its timestamp and sequence number, errors typed, removal reported."""
        with self._io:
            if self._closing or not self._open:
                raise StreamStopped(self.device_id, reason="the device was closed")
            if self._gone:
                raise Disconnected(self.device_id)
            image = self._call(self._read_frame, timeout)
            self._seq += 1
            return image, time.monotonic(), self._seq

    def _skip_frames(self, count: int) -> None:
        """For drivers that know the hardware lost frames: the gap shows up as `Frame.dropped`."""
        self._seq += count

    def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except DeviceError as exc:
            if isinstance(exc, Disconnected):
                self._report_removed(str(exc.params.get("reason") or "disconnected"))
            raise
        except Exception as exc:
            raise HardwareFault(self.device_id, reason=f"{type(exc).__name__}: {exc}") from exc

    def _on_stream_error(self, exc: DeviceError) -> None:
        if isinstance(exc, Disconnected):
            self._report_removed("disconnected")

    def _report_removed(self, reason: str) -> None:
        with self._state:
            if self._gone:
                return
            self._gone = True
            listeners = list(self._removal)
        for listener in listeners:
            listener(self._info, reason)


def _overrides(cls: type, name: str, base: type) -> bool:
    return any(name in vars(klass) for klass in cls.__mro__ if klass is not base and issubclass(klass, base))
