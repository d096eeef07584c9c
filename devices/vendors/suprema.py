"""Suprema BioMini through the UniFinger SDK's `UFScanner` (Windows `UFScanner.dll`, Linux `libUFScanner.so`).

Prototypes and codes are transcribed from Suprema's public header `UFScanner.h` (UniFinger Engine SDK):
every call returns an `int` status (`UFS_OK` = 0, errors negative), scanners are counted after one
process-wide `UFS_Init` and reached by index (`UFS_GetScannerHandle`) without being opened, and
`UFS_CaptureSingleImage` blocks until a finger is captured or the `UFS_PARAM_TIMEOUT` expires, so this
reader is single-shot. `UFS_SetScannerCallback` reports plugs and unplugs.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from devices.errors import (
    Busy,
    DeviceTimeout,
    Disconnected,
    FakeFingerDetected,
    HardwareFault,
    NotFound,
    RemoveFinger,
    ScanRetry,
)
from devices.facts import Found, UsbId
from devices.fingerprint import FingerprintReader
from devices.frames import Image
from devices.vendors.sdk import Binding, ErrorTable, functype, load_library, sdk_error

HUFScanner = ctypes.c_void_p
PARAM_TIMEOUT, PARAM_BRIGHTNESS, PARAM_SENSITIVITY, PARAM_DETECT_FAKE = 201, 202, 203, 312
OK, ERROR, ALREADY_INITIALIZED, CAPTURE_FAILED = 0, -1, -201, -212
ID_LENGTH = 128  # generous: the header documents a short string; the SDK writes a NUL-terminated ID
ScannerProc = functype(ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p)  # UFS_SCANNER_PROC

ERRORS: ErrorTable = {
    ERROR: (HardwareFault, "general error"),
    -101: (HardwareFault, "no licence"),
    -102: (HardwareFault, "invalid licence"),
    -103: (HardwareFault, "licence expired"),
    -111: (HardwareFault, "not supported"),
    -112: (HardwareFault, "invalid parameters"),
    ALREADY_INITIALIZED: (HardwareFault, "already initialised"),
    -202: (HardwareFault, "not initialised"),
    -203: (NotFound, "device number exceeded"),
    -204: (HardwareFault, "failed to load the scanner library"),
    -211: (Busy, "a capture is already running"),
    CAPTURE_FAILED: (DeviceTimeout, "capture failed: no finger within the timeout"),
    -221: (FakeFingerDetected, "fake finger"),
    -231: (RemoveFinger, "a finger is already on the sensor"),
    -301: (ScanRetry, "not a good image"),
    -302: (ScanRetry, "feature extraction failed"),
}


class UFScanner(Binding):
    def __init__(self, library: Any) -> None:
        super().__init__(library)
        p, c_int = ctypes.POINTER, ctypes.c_int
        self.init = self.bind("UFS_Init", c_int)
        self.uninit = self.bind("UFS_Uninit", c_int)
        self.count = self.bind("UFS_GetScannerNumber", c_int, p(c_int))
        self.handle = self.bind("UFS_GetScannerHandle", c_int, c_int, p(HUFScanner))
        self.scanner_id = self.bind("UFS_GetScannerID", c_int, HUFScanner, ctypes.c_char_p)
        self.set_parameter = self.bind("UFS_SetParameter", c_int, HUFScanner, c_int, ctypes.c_void_p)
        self.capture = self.bind("UFS_CaptureSingleImage", c_int, HUFScanner)
        self.buffer_info = self.bind(
            "UFS_GetCaptureImageBufferInfo", c_int, HUFScanner, p(c_int), p(c_int), p(c_int)
        )
        self.buffer = self.bind("UFS_GetCaptureImageBuffer", c_int, HUFScanner, ctypes.c_void_p)
        self.sensor_on = self.bind("UFS_IsSensorOn", c_int, HUFScanner, p(c_int), required=False)
        self.finger_on = self.bind("UFS_IsFingerOn", c_int, HUFScanner, p(c_int), required=False)
        self.scanner_type = self.bind("UFS_GetScannerType", c_int, HUFScanner, p(c_int), required=False)
        self.error_string = self.bind("UFS_GetErrorString", c_int, c_int, ctypes.c_char_p, required=False)
        self.set_callback = self.bind(
            "UFS_SetScannerCallback", c_int, ScannerProc, ctypes.c_void_p, required=False
        )
        self.remove_callback = self.bind("UFS_RemoveScannerCallback", c_int, required=False)
        self.lock = threading.Lock()
        self.initialised = False
        self.listeners: list[Callable[[], None]] = []
        self.proc = ScannerProc(self._plugged)  # kept alive as long as the library

    def ensure_init(self, device: str) -> None:
        with self.lock:
            if self.initialised:
                return
            status = self.init()
            if status not in (OK, ALREADY_INITIALIZED):
                raise sdk_error(ERRORS, status, device, "UFScanner")
            self.initialised = True
            if self.set_callback is not None:
                self.set_callback(self.proc, None)

    def _plugged(self, _scanner_id: bytes, _sensor_on: int, _param: Any) -> int:
        for listener in list(self.listeners):
            listener()
        return 1

    def scanners(self) -> list[tuple[int, Any, str]]:
        """(index, handle, scanner id) of every scanner the SDK sees now."""
        number = ctypes.c_int()
        self.check(self.count(ctypes.byref(number)), "suprema")
        found = []
        for index in range(number.value):
            handle = HUFScanner()
            self.check(self.handle(index, ctypes.byref(handle)), "suprema")
            text = ctypes.create_string_buffer(ID_LENGTH)
            self.check(self.scanner_id(handle, text), "suprema")
            found.append((index, handle, text.value.decode("ascii", "replace")))
        return found

    def check(self, status: int, device: str) -> None:
        if status != OK:
            raise sdk_error(ERRORS, status, device, "UFScanner")


def api(options: Mapping[str, Any]) -> UFScanner:
    library = load_library(
        "suprema",
        options,
        "KIOSK_SUPREMA_LIB",
        ("UFScanner.dll", "libUFScanner.so"),
        hint="Suprema's UniFinger SDK",
    )
    cached: UFScanner | None = getattr(library, "_kiosk_api", None)
    if cached is None:
        cached = UFScanner(library)
        library._kiosk_api = cached
    cached.ensure_init("suprema")
    return cached


class SupremaReader(FingerprintReader):
    driver_id = "suprema"
    display_name = "Suprema BioMini"
    vendor = "Suprema"
    usb_ids = (UsbId(0x16D1, 0x0401), UsbId(0x16D1, 0x0402), UsbId(0x16D1, 0x0406), UsbId(0x16D1, 0x0407))
    ppi = 500
    image_size = (320, 480)

    @classmethod
    def probe(cls, options: Mapping[str, Any]) -> Sequence[Found]:
        sdk = api(options)
        found = []
        for index, handle, scanner_id in sdk.scanners():
            kind = ctypes.c_int()
            typed = sdk.scanner_type is not None and sdk.scanner_type(handle, ctypes.byref(kind)) == OK
            found.append(
                Found(
                    f"suprema:{scanner_id or index}",
                    score=80,
                    serial=scanner_id,
                    model=f"BioMini (type {kind.value})" if typed else "BioMini",
                    details={"index": index},
                )
            )
        return found

    @classmethod
    def watch(cls, options: Mapping[str, Any], wake: Callable[[], None]) -> Callable[[], None] | None:
        sdk = api(options)
        sdk.listeners.append(wake)
        return lambda: sdk.listeners.remove(wake) if wake in sdk.listeners else None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sdk: UFScanner | None = None
        self._handle: Any = None

    def _open_hw(self) -> None:
        sdk = api(self.options)
        match = [s for s in sdk.scanners() if s[2] == self.info.serial] or [
            s for s in sdk.scanners() if s[0] == self.info.details.get("index")
        ]
        if not match:
            raise NotFound(self.device_id, reason="UFScanner no longer lists it")
        self._sdk, self._handle = sdk, match[0][1]
        for param, key in ((PARAM_BRIGHTNESS, "brightness"), (PARAM_SENSITIVITY, "sensitivity")):
            if key in self.options:
                self._set(param, int(self.options[key]))
        self._set(PARAM_DETECT_FAKE, int(bool(self.options.get("detect_fake", False))))
        self._info = replace(self._info, serial=match[0][2])

    def _close_hw(self) -> None:
        self._handle = None  # UFScanner handles are owned by the SDK; nothing to release per scanner

    def _capture_image(self, timeout: float) -> Image:
        sdk = self._sdk
        assert sdk is not None
        self._set(PARAM_TIMEOUT, max(1, int(timeout * 1000)))
        status = sdk.capture(self._handle)
        if status != OK:
            if not self._sensor_on():
                raise Disconnected(self.device_id, reason="the scanner went away during the capture")
            raise sdk_error(ERRORS, status, self.device_id, "UFScanner", seconds=timeout)
        width, height, resolution = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
        sdk.check(
            sdk.buffer_info(
                self._handle, ctypes.byref(width), ctypes.byref(height), ctypes.byref(resolution)
            ),
            self.device_id,
        )
        if width.value <= 0 or height.value <= 0:
            raise ScanRetry(self.device_id, reason="UFScanner returned an empty image")
        data = (ctypes.c_ubyte * (width.value * height.value))()
        sdk.check(sdk.buffer(self._handle, data), self.device_id)
        return np.frombuffer(bytes(data), np.uint8).reshape(height.value, width.value).copy()

    def _finger_present(self) -> bool | None:
        if self._sdk is None or self._sdk.finger_on is None:
            return None
        on = ctypes.c_int()
        return self._sdk.finger_on(self._handle, ctypes.byref(on)) == OK and bool(on.value)

    def _sensor_on(self) -> bool:
        if self._sdk is None or self._sdk.sensor_on is None:
            return True
        on = ctypes.c_int()
        return self._sdk.sensor_on(self._handle, ctypes.byref(on)) == OK and bool(on.value)

    def _set(self, param: int, value: int) -> None:
        assert self._sdk is not None
        number = ctypes.c_int(value)
        self._sdk.check(self._sdk.set_parameter(self._handle, param, ctypes.byref(number)), self.device_id)
