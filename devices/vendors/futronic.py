"""Futronic FS80/FS88 through the vendor's `ftrScanAPI` (Windows `ftrScanAPI.dll`, Linux `libScanAPI.so`).

Prototypes, structures and error codes are transcribed from Futronic's public header `ftrScanAPI.h`
(Futronic Technology, "Scanner API" SDK): `FTRHANDLE` is `void*`, `FTR_BOOL` an `int` (nonzero means
success, the reason then comes from `ftrScanGetLastError`), `FTR_DWORD` an `unsigned long`, every
structure is packed (`FTR_PACKED`), and on Win32 the calls are `__stdcall`. The scanner streams live
frames (`ftrScanGetFrame`), and a frame with no finger is the error `FTR_ERROR_EMPTY_FRAME`.
"""

from __future__ import annotations

import ctypes
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from devices.errors import Busy, DeviceTimeout, Disconnected, HardwareFault, NotFound, ScanRetry
from devices.facts import Found, UsbId
from devices.fingerprint import FingerprintReader
from devices.frames import Image
from devices.vendors.sdk import DWORD, Binding, ErrorTable, load_library, sdk_error

FTR_BOOL = ctypes.c_int
FTRHANDLE = ctypes.c_void_p
MAX_INTERFACES = 128  # FTR_MAX_INTERFACE_NUMBER
OPTION_CHECK_FAKE_REPLICA = 0x01  # FTR_OPTIONS_CHECK_FAKE_REPLICA
OPTION_FAST_FINGER_DETECT = 0x02  # FTR_OPTIONS_FAST_FINGER_DETECT_METHOD
OPTION_INVERT_IMAGE = 0x40  # FTR_OPTIONS_INVERT_IMAGE
DIODE_ON, DIODE_OFF = 255, 0  # FTR_CONST_DIODE_ON / _OFF

ERROR_EMPTY_FRAME = 4306  # FTR_ERROR_EMPTY_FRAME (= Windows ERROR_EMPTY): no finger on the prism
ERROR_MOVABLE_FINGER = 0x20000001
ERROR_TIMEOUT = 1460
ERRORS: ErrorTable = {
    ERROR_EMPTY_FRAME: (DeviceTimeout, "empty frame: no finger on the sensor"),
    ERROR_MOVABLE_FINGER: (ScanRetry, "the finger moved during the scan"),
    0x20000002: (DeviceTimeout, "no frame was delivered"),
    0x20000003: (DeviceTimeout, "the operation was cancelled"),
    0x20000004: (HardwareFault, "incompatible hardware"),
    0x20000005: (HardwareFault, "incompatible firmware"),
    0x20000006: (HardwareFault, "invalid authorisation code"),
    0x20000011: (Disconnected, "USB (libusb) error: the scanner stopped answering"),
    8: (HardwareFault, "not enough memory"),
    21: (Disconnected, "the device is not ready (unplugged?)"),
    50: (HardwareFault, "not supported by this scanner"),
    87: (HardwareFault, "invalid parameter"),
    120: (HardwareFault, "function not implemented by this SDK"),
    ERROR_TIMEOUT: (DeviceTimeout, "timeout"),
}


class ImageSize(ctypes.Structure):  # FTRSCAN_IMAGE_SIZE
    _pack_ = 1
    _fields_ = [("nWidth", ctypes.c_int), ("nHeight", ctypes.c_int), ("nImageSize", ctypes.c_int)]


class FakeReplicaParameters(ctypes.Structure):  # FTRSCAN_FAKE_REPLICA_PARAMETERS
    _pack_ = 1
    _fields_ = [
        ("bCalculated", FTR_BOOL),
        ("nCalculatedSum1", ctypes.c_int),
        ("nCalculatedSumFuzzy", ctypes.c_int),
        ("nCalculatedSumEmpty", ctypes.c_int),
        ("nCalculatedSum2", ctypes.c_int),
        ("dblCalculatedTremor", ctypes.c_double),
        ("dblCalculatedValue", ctypes.c_double),
    ]


class FrameParameters(ctypes.Structure):  # FTRSCAN_FRAME_PARAMETERS
    _pack_ = 1
    _fields_ = [
        ("nContrastOnDose2", ctypes.c_int),
        ("nContrastOnDose4", ctypes.c_int),
        ("nDose", ctypes.c_int),
        ("nBrightnessOnDose1", ctypes.c_int),
        ("nBrightnessOnDose2", ctypes.c_int),
        ("nBrightnessOnDose3", ctypes.c_int),
        ("nBrightnessOnDose4", ctypes.c_int),
        ("FakeReplicaParams", FakeReplicaParameters),
        ("Reserved", ctypes.c_ubyte * (64 - ctypes.sizeof(FakeReplicaParameters))),
    ]


class DeviceInfo(ctypes.Structure):  # FTRSCAN_DEVICE_INFO
    _pack_ = 1
    _fields_ = [
        ("dwStructSize", DWORD),
        ("byDeviceCompatibility", ctypes.c_ubyte),
        ("wPixelSizeX", ctypes.c_ushort),
        ("wPixelSizeY", ctypes.c_ushort),
    ]


class Version(ctypes.Structure):  # FTRSCAN_VERSION
    _pack_ = 1
    _fields_ = [
        (n, ctypes.c_ushort)
        for n in ("wMajorVersionHi", "wMajorVersionLo", "wMinorVersionHi", "wMinorVersionLo")
    ]


class VersionInfo(ctypes.Structure):  # FTRSCAN_VERSION_INFO
    _pack_ = 1
    _fields_ = [
        ("dwVersionInfoSize", DWORD),
        ("APIVersion", Version),
        ("HardwareVersion", Version),
        ("FirmwareVersion", Version),
    ]


class InterfacesList(ctypes.Structure):  # FTRSCAN_INTERFACES_LIST (enum statuses are ints; 0 = connected)
    _pack_ = 1
    _fields_ = [("InterfaceStatus", ctypes.c_int * MAX_INTERFACES)]


_IN_USE: dict[int, Found] = {}  # interface -> what the probe said, for scanners this process holds open
MODELS = {5: "FS88", 11: "FS80", 4: "FS80 (SOI968)", 1: "FS80 (SOI966)", 6: "FS90", 12: "FS90"}


class ScanApi(Binding):
    def __init__(self, library: Any) -> None:
        super().__init__(library)
        p = ctypes.POINTER
        self.open = self.bind("ftrScanOpenDevice", FTRHANDLE)
        self.open_on = self.bind("ftrScanOpenDeviceOnInterface", FTRHANDLE, ctypes.c_int, required=False)
        self.interfaces = self.bind("ftrScanGetInterfaces", FTR_BOOL, p(InterfacesList), required=False)
        self.close = self.bind("ftrScanCloseDevice", None, FTRHANDLE)
        self.image_size = self.bind("ftrScanGetImageSize", FTR_BOOL, FTRHANDLE, p(ImageSize))
        self.frame = self.bind("ftrScanGetFrame", FTR_BOOL, FTRHANDLE, ctypes.c_void_p, p(FrameParameters))
        self.finger = self.bind("ftrScanIsFingerPresent", FTR_BOOL, FTRHANDLE, p(FrameParameters))
        self.last_error = self.bind("ftrScanGetLastError", DWORD)
        self.set_options = self.bind("ftrScanSetOptions", FTR_BOOL, FTRHANDLE, DWORD, DWORD, required=False)
        self.diodes = self.bind(
            "ftrScanSetDiodesStatus", FTR_BOOL, FTRHANDLE, ctypes.c_ubyte, ctypes.c_ubyte, required=False
        )
        self.device_info = self.bind(
            "ftrScanGetDeviceInfo", FTR_BOOL, FTRHANDLE, p(DeviceInfo), required=False
        )
        self.serial = self.bind(
            "ftrScanGetSerialNumber", FTR_BOOL, FTRHANDLE, ctypes.c_void_p, required=False
        )
        self.version = self.bind("ftrScanGetVersion", FTR_BOOL, FTRHANDLE, p(VersionInfo), required=False)
        self.fake_interval = self.bind(
            "ftrScanGetFakeReplicaInterval", FTR_BOOL, p(ctypes.c_double), p(ctypes.c_double), required=False
        )


def api(options: Mapping[str, Any]) -> ScanApi:
    library = load_library(
        "futronic",
        options,
        "KIOSK_FUTRONIC_LIB",
        ("ftrScanAPI.dll", "libScanAPI.so"),
        hint="Futronic's ftrScanAPI SDK",
    )
    cached: ScanApi | None = getattr(library, "_kiosk_api", None)
    if cached is None:
        cached = ScanApi(library)
        library._kiosk_api = cached
    return cached


class FutronicReader(FingerprintReader):
    driver_id = "futronic"
    display_name = "Futronic FS80/FS88"
    vendor = "Futronic"
    usb_ids = (UsbId(0x1491, 0x0020), UsbId(0x1491, 0x0025), UsbId(0x1491, 0x0088))
    ppi = 500
    image_size = (320, 480)
    hotplug_subsystems = ("usb",)

    @classmethod
    def probe(cls, options: Mapping[str, Any]) -> Sequence[Found]:
        """Opens each scanner briefly (the SDK can tell serial and firmware no other way); skips busy ones."""
        sdk = api(options)
        found = []
        for interface in _interfaces(sdk):
            if max(interface, 0) in _IN_USE:  # ours and open: the SDK would refuse a second open
                found.append(_IN_USE[max(interface, 0)])
                continue
            handle = sdk.open_on(interface) if sdk.open_on and interface >= 0 else sdk.open()
            if not handle:
                continue
            try:
                facts = _read_facts(sdk, handle)
            finally:
                sdk.close(handle)
            found.append(
                Found(
                    f"futronic:{max(interface, 0)}",
                    score=80,
                    serial=facts["serial"],
                    firmware=facts["firmware"],
                    model=facts["model"],
                    details={"interface": interface},
                )
            )
        return found

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sdk: ScanApi | None = None
        self._handle: Any = None
        self._params = FrameParameters()
        self._present = False
        self._buffer: Any = None
        self._size = (0, 0)

    def _open_hw(self) -> None:
        sdk = api(self.options)
        interface = int(self.info.details.get("interface", -1))
        handle = sdk.open_on(interface) if sdk.open_on and interface >= 0 else sdk.open()
        if not handle:
            code = int(sdk.last_error())
            raise (Busy if code == 170 else NotFound)(
                self.device_id, reason=f"ftrScanOpenDevice failed ({code})"
            )
        self._sdk, self._handle = sdk, handle
        _IN_USE[max(interface, 0)] = Found(
            self.device_id,
            score=self.info.score,
            serial=self.info.serial,
            firmware=self.info.firmware,
            model=self.info.model,
            details=dict(self.info.details),
        )
        size = ImageSize()
        self._check(sdk.image_size(handle, ctypes.byref(size)))
        self._size = (size.nWidth, size.nHeight)
        self._buffer = (ctypes.c_ubyte * size.nImageSize)()
        if sdk.set_options is not None:
            fake = OPTION_CHECK_FAKE_REPLICA if self.options.get("detect_fake", True) else 0
            self._check(sdk.set_options(handle, OPTION_CHECK_FAKE_REPLICA, fake))
        facts = _read_facts(sdk, handle)
        self._info = replace(
            self._info, serial=facts["serial"] or self._info.serial, firmware=facts["firmware"]
        )

    def _close_hw(self) -> None:
        if self._sdk is not None and self._handle:
            self._sdk.close(self._handle)
        self._handle = None
        _IN_USE.pop(max(int(self.info.details.get("interface", -1)), 0), None)

    def _read_frame(self, timeout: float) -> Image:
        assert self._sdk is not None
        width, height = self._size
        if self._sdk.frame(self._handle, self._buffer, ctypes.byref(self._params)):
            self._present = True
            return np.frombuffer(self._buffer, np.uint8, width * height).reshape(height, width).copy()
        code = int(self._sdk.last_error())
        if code == ERROR_EMPTY_FRAME:
            self._present = False  # the live view shows the empty prism: a blank, white frame
            return np.full((height, width), 255, np.uint8)
        raise sdk_error(ERRORS, code, self.device_id, "ftrScanAPI")

    def _finger_present(self) -> bool | None:
        return self._present

    def _fake_finger(self, image: Image) -> bool | None:
        """The SDK's live-finger measure of the last frame against its interval of live values."""
        replica = self._params.FakeReplicaParams
        if self._sdk is None or self._sdk.fake_interval is None or not replica.bCalculated:
            return None
        low, high = ctypes.c_double(), ctypes.c_double()
        if not self._sdk.fake_interval(ctypes.byref(low), ctypes.byref(high)):
            return None
        return not (low.value <= replica.dblCalculatedValue <= high.value)

    def _set_leds(self, green: bool, red: bool) -> None:
        assert self._sdk is not None
        if self._sdk.diodes is None:
            raise HardwareFault(self.device_id, reason="this ftrScanAPI has no ftrScanSetDiodesStatus")
        self._check(
            self._sdk.diodes(self._handle, DIODE_ON if green else DIODE_OFF, DIODE_ON if red else DIODE_OFF)
        )

    def _check(self, ok: int) -> None:
        if not ok:
            assert self._sdk is not None
            raise sdk_error(ERRORS, int(self._sdk.last_error()), self.device_id, "ftrScanAPI")


def _interfaces(sdk: ScanApi) -> list[int]:
    """Connected interfaces when the SDK can list them, else -1 ("the first scanner")."""
    if sdk.interfaces is None or sdk.open_on is None:
        return [-1]
    listing = InterfacesList()
    if not sdk.interfaces(ctypes.byref(listing)):
        return []
    return [i for i, status in enumerate(listing.InterfaceStatus) if status == 0]


def _read_facts(sdk: ScanApi, handle: Any) -> dict[str, str]:
    facts = {"serial": "", "firmware": "", "model": "Futronic scanner"}
    if sdk.serial is not None:
        raw = (ctypes.c_ubyte * 8)()
        if sdk.serial(handle, raw):
            facts["serial"] = bytes(raw).hex().upper()
    if sdk.version is not None:
        info = VersionInfo(dwVersionInfoSize=ctypes.sizeof(VersionInfo))
        if sdk.version(handle, ctypes.byref(info)):
            fw = info.FirmwareVersion
            facts["firmware"] = (
                f"{fw.wMajorVersionHi}.{fw.wMajorVersionLo}.{fw.wMinorVersionHi}.{fw.wMinorVersionLo}"
            )
    if sdk.device_info is not None:
        device = DeviceInfo(dwStructSize=ctypes.sizeof(DeviceInfo))
        if sdk.device_info(handle, ctypes.byref(device)):
            facts["model"] = MODELS.get(
                device.byDeviceCompatibility, f"Futronic type {device.byDeviceCompatibility}"
            )
    return facts
