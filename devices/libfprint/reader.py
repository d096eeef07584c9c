"""The libfprint driver: every image scanner libfprint 1.94 supports, through its asynchronous API.

libfprint owns the scanner's protocol and its finger-on -> image -> finger-off machine, so this reader
is single-shot (`_capture_image`): one `fp_device_capture` per attempt, cancelled when the caller's time
runs out. Every libfprint call runs in the GLib loop (`glib_loop`); this thread only waits. Finger
on/off comes from the device's `finger-status`, removal from its `removed` signal, and errors are
mapped in `binding.map_error` (retry -> `ScanRetry`, removed -> `Disconnected`, general -> fault).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from devices.errors import NotFound
from devices.facts import DeviceInfo, Found, UsbId
from devices.fingerprint import FingerprintReader
from devices.frames import Image
from devices.libfprint.binding import map_error, value_nick
from devices.libfprint.context import runtime, usb_facts
from devices.libfprint.glib_loop import Done
from devices.libfprint.resolution import ppi_for

log = logging.getLogger(__name__)
CALL_SECONDS = 15.0  # open/close/enumerate: libfprint answers these quickly or not at all


class LibfprintReader(FingerprintReader):
    probe_in_caller = True  # libfprint runs in GLib's default context: see `Device.probe_in_caller`
    usb_ids_complete = False  # libfprint serves many more scanners than the ones named here
    driver_id = "libfprint"
    display_name = "Scanner supported by libfprint"
    vendor = "libfprint"
    # libfprint's own id tables hold hundreds of ids; these are the scanners this driver is tested with
    # (recorded USB traffic replayed under umockdev) and the common DigitalPersona U.are.U 4000/4500.
    usb_ids = (
        UsbId(0x08FF, 0x5731),  # aes3500
        UsbId(0x1C7A, 0x0570),  # egis0570
        UsbId(0x298D, 0x1010),  # nb1010
        UsbId(0x147E, 0x2016),  # upektc_img
        UsbId(0x138A, 0x0005),  # vfs301
        UsbId(0x138A, 0x0091),  # vfs7552
        UsbId(0x05BA, 0x000A),  # uru4000 (U.are.U 4500)
    )
    hotplug_subsystems = ("usb",)

    @classmethod
    def probe(cls, options: Mapping[str, Any]) -> Sequence[Found]:
        gi, loop, context = runtime()

        def scan() -> list[Found]:
            found = []
            for index, device in enumerate(context.get_devices()):
                if not device.has_feature(gi.FPrint.DeviceFeature.CAPTURE):
                    continue  # match-on-chip sensors never hand out images
                found.append(_found(gi, device, index))
            return found

        result: list[Found] = loop.call(scan, CALL_SECONDS)
        return result

    @classmethod
    def describe(cls, found: Found) -> DeviceInfo:
        info = super().describe(found)
        vendor = str(found.details.get("manufacturer") or info.vendor)
        return replace(info, ppi=int(found.details.get("ppi") or info.ppi or 500), vendor=vendor)

    @classmethod
    def watch(cls, options: Mapping[str, Any], wake: Callable[[], None]) -> Callable[[], None] | None:
        _gi, loop, context = runtime()
        handlers = loop.call(
            lambda: [context.connect(name, lambda *_: wake()) for name in ("device-added", "device-removed")]
        )

        def stop() -> None:
            loop.call(lambda: [context.disconnect(h) for h in handlers])

        return stop

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fp: Any = None
        self._handlers: list[int] = []
        self._finger = threading.Event()
        self._needed = threading.Event()

    # -- hooks -----------------------------------------------------------------------------------------
    def _open_hw(self) -> None:
        gi, loop, context = runtime()
        wanted = self.info.details.get("key")

        def find() -> Any:
            for index, device in enumerate(context.get_devices()):
                if _key(gi, device, index) == wanted:
                    return device
            return None

        device = loop.call(find, CALL_SECONDS)
        if device is None:
            raise NotFound(self.device_id, reason="libfprint no longer lists it")
        self._await(lambda done: device.open(None, _finisher(device.open_finish, done)))
        self._fp = device
        self._handlers = loop.call(
            lambda: [
                device.connect("notify::finger-status", self._on_finger_status),
                device.connect("removed", self._on_removed),
            ]
        )

    def _close_hw(self) -> None:
        device, self._fp = self._fp, None
        if device is None:
            return
        _gi, loop, _context = runtime()
        loop.call(lambda: [device.disconnect(h) for h in self._handlers])
        self._handlers = []
        if not device.props.removed:
            try:
                self._await(lambda done: device.close(None, _finisher(device.close_finish, done)))
            except Exception as exc:  # closing a device that is going away: nothing left to release
                log.info("libfprint: closing %s: %s", self.device_id, exc)

    def _capture_image(self, timeout: float) -> Image:
        gi, _loop, _context = runtime()
        device = self._fp
        cancellable = gi.Gio.Cancellable()

        def start(done: Done) -> None:
            device.capture(True, cancellable, _finisher(device.capture_finish, done, _to_array), None)

        image: Image = self._await(start, timeout, on_timeout=cancellable.cancel)
        return image

    def _finger_present(self) -> bool | None:
        return self._finger.is_set()

    @property
    def finger_present(self) -> bool:
        """libfprint's finger-status: a finger is on the sensor now (the GUI's "finger on/off" cue)."""
        return self._finger.is_set()

    @property
    def finger_needed(self) -> bool:
        """The scanner is armed and waiting for a finger (the moment to say "place your finger")."""
        return self._needed.is_set()

    # -- internals -------------------------------------------------------------------------------------
    def _await(self, start: Callable[[Done], None], timeout: float = CALL_SECONDS, **kwargs: Any) -> Any:
        gi, loop, _context = runtime()
        try:
            return loop.run(start, timeout, device=self.device_id, **kwargs)
        except Exception as exc:
            raise map_error(gi, exc, self.device_id, timeout) from exc

    def _on_finger_status(self, device: Any, _spec: Any) -> None:
        gi, _loop, _context = runtime()
        status = device.get_finger_status()
        for flag, event in (
            (gi.FPrint.FingerStatusFlags.PRESENT, self._finger),
            (gi.FPrint.FingerStatusFlags.NEEDED, self._needed),
        ):
            if status & flag:
                event.set()
            else:
                event.clear()

    def _on_removed(self, _device: Any) -> None:
        self._report_removed("unplugged")


def _finisher(finish: Callable[[Any], Any], done: Done, convert: Callable[[Any], Any] | None = None) -> Any:
    """A GAsyncReadyCallback that hands `finish(result)` (or its error) to `done`."""

    def callback(_source: Any, result: Any, *_user: Any) -> None:
        try:
            value = finish(result)
            done(convert(value) if convert else value, None)
        except Exception as exc:
            done(None, exc)

    return callback


def _to_array(image: Any) -> Image:
    width, height = int(image.get_width()), int(image.get_height())
    data = bytes(image.get_data())
    if len(data) != width * height:
        raise ValueError(f"libfprint image holds {len(data)} bytes for {width}x{height}")
    return np.frombuffer(data, np.uint8).reshape(height, width).copy()


def _key(gi: Any, device: Any, index: int) -> str:
    facts = usb_facts(gi, device)
    return f"{device.get_driver()}:{facts.bus_path or device.get_device_id() or index}"


def _found(gi: Any, device: Any, index: int) -> Found:
    driver = str(device.get_driver())
    facts = usb_facts(gi, device)
    key = _key(gi, device, index)
    return Found(
        f"libfprint:{key}",
        score=60,
        serial=facts.serial,
        model=str(device.get_name()),
        hardware_key=f"usb:{facts.bus_path}" if facts.usb else None,
        usb=facts.usb,
        details={
            "key": key,
            "libfprint_driver": driver,
            "scan_type": value_nick(device.get_scan_type()),
            "ppi": ppi_for(driver),
            "manufacturer": facts.manufacturer,
        },
    )
