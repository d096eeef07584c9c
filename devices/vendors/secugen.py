"""SecuGen Hamster through the FDx SDK's `sgfplib` (Windows `sgfplib.dll`, Linux `libsgfplib.so`).

Prototypes and codes are transcribed from SecuGen's public header `sgfplib.h` (FDx SDK Pro): every call
returns a `DWORD` error code (0 = none), and the vendor's DWORD is `unsigned long`, so `SGDeviceInfoParam`
is 96 bytes on Linux x86-64 and 56 on Windows. On Linux the SDK also needs `libsgfpamx.so` and the
device's `libsgfdu0X.so` loaded globally before `libsgfplib.so`. `SGFPM_GetImageEx` blocks until an
image of the requested quality arrives or the timeout passes: a single-shot reader.
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
from devices.vendors.sdk import BOOL, DWORD, WINDOWS, Binding, ErrorTable, load_library, sdk_error

HSGFPM = ctypes.c_void_p
SG_DEV_AUTO = 0xFF
USB_AUTO_DETECT = 0x3BD
DEFAULT_QUALITY = 50  # SGFPM_GetImageEx's image-quality threshold (0–100)
LINUX_COMPANIONS = ("libsgfpamx.so", "libsgfdu06.so", "libsgfdu05.so", "libsgfdu04.so", "libsgfdu03.so")

ERRORS: ErrorTable = {
    1: (HardwareFault, "creation failed"),
    2: (HardwareFault, "function failed"),
    3: (HardwareFault, "invalid parameter"),
    4: (HardwareFault, "not used"),
    5: (HardwareFault, "DLL load failed"),
    6: (HardwareFault, "device driver DLL load failed"),
    7: (HardwareFault, "algorithm DLL load failed"),
    51: (HardwareFault, "system file load failed"),
    52: (HardwareFault, "chip initialisation failed"),
    53: (Disconnected, "image data line dropped: the reader was unplugged"),
    54: (DeviceTimeout, "timeout"),
    55: (NotFound, "device not found"),
    56: (HardwareFault, "driver load failed"),
    57: (ScanRetry, "wrong image"),
    58: (HardwareFault, "lack of USB bandwidth"),
    59: (Busy, "device busy"),
    60: (HardwareFault, "cannot read the serial number"),
    61: (HardwareFault, "unsupported device"),
    101: (ScanRetry, "too few minutiae"),
    102: (HardwareFault, "invalid template type"),
    103: (HardwareFault, "invalid first template"),
    104: (HardwareFault, "invalid second template"),
    105: (ScanRetry, "extraction failed"),
    106: (HardwareFault, "matching failed"),
    501: (HardwareFault, "licence load failed"),
    502: (HardwareFault, "invalid licence key"),
    503: (HardwareFault, "licence expired"),
    504: (HardwareFault, "licence write failed"),
}


class SGDeviceInfoParam(ctypes.Structure):  # natural alignment, as the header declares it
    _fields_ = [
        ("DeviceID", DWORD),
        ("DeviceSN", ctypes.c_ubyte * 16),
        ("ComPort", DWORD),
        ("ComSpeed", DWORD),
        ("ImageWidth", DWORD),
        ("ImageHeight", DWORD),
        ("Contrast", DWORD),
        ("Brightness", DWORD),
        ("Gain", DWORD),
        ("ImageDPI", DWORD),
        ("FWVersion", DWORD),
    ]


class SgfpLib(Binding):
    def __init__(self, library: Any) -> None:
        super().__init__(library)
        p = ctypes.POINTER
        self.create = self.bind("SGFPM_Create", DWORD, p(HSGFPM))
        self.terminate = self.bind("SGFPM_Terminate", DWORD, HSGFPM)
        self.init = self.bind("SGFPM_Init", DWORD, HSGFPM, DWORD)
        self.open = self.bind("SGFPM_OpenDevice", DWORD, HSGFPM, DWORD)
        self.close = self.bind("SGFPM_CloseDevice", DWORD, HSGFPM)
        self.info = self.bind("SGFPM_GetDeviceInfo", DWORD, HSGFPM, p(SGDeviceInfoParam))
        self.image_ex = self.bind(
            "SGFPM_GetImageEx", DWORD, HSGFPM, ctypes.c_void_p, DWORD, ctypes.c_void_p, DWORD
        )
        self.led = self.bind("SGFPM_SetLedOn", DWORD, HSGFPM, BOOL, required=False)
        self.brightness = self.bind("SGFPM_SetBrightness", DWORD, HSGFPM, DWORD, required=False)
        self.quality = self.bind(
            "SGFPM_GetImageQuality", DWORD, HSGFPM, DWORD, DWORD, ctypes.c_void_p, p(DWORD), required=False
        )


def api(options: Mapping[str, Any]) -> SgfpLib:
    library = load_library(
        "secugen",
        options,
        "KIOSK_SECUGEN_LIB",
        ("sgfplib.dll", "libsgfplib.so"),
        hint="SecuGen's FDx SDK Pro",
        preload=() if WINDOWS else tuple(options.get("companions", LINUX_COMPANIONS)),
    )
    cached: SgfpLib | None = getattr(library, "_kiosk_api", None)
    if cached is None:
        cached = SgfpLib(library)
        library._kiosk_api = cached
    return cached


class Session:
    """An `HSGFPM` with a device open on it: created, initialised, opened; undone in reverse."""

    def __init__(self, sdk: SgfpLib, device: str) -> None:
        self.sdk, self.device = sdk, device
        self.handle = HSGFPM()
        self.check(sdk.create(ctypes.byref(self.handle)))
        try:
            self.check(sdk.init(self.handle, SG_DEV_AUTO))
            self.check(sdk.open(self.handle, USB_AUTO_DETECT))
        except Exception:
            sdk.terminate(self.handle)
            raise

    def info(self) -> SGDeviceInfoParam:
        info = SGDeviceInfoParam()
        self.check(self.sdk.info(self.handle, ctypes.byref(info)))
        return info

    def close(self) -> None:
        self.sdk.close(self.handle)
        self.sdk.terminate(self.handle)

    def check(self, code: int, **params: Any) -> None:
        if code != 0:
            raise sdk_error(ERRORS, int(code), self.device, "sgfplib", **params)


_IN_USE: dict[str, Found] = {}  # the reader this process holds open, as the probe saw it


def _facts(info: SGDeviceInfoParam) -> dict[str, Any]:
    serial = bytes(info.DeviceSN).split(b"\0", 1)[0].decode("ascii", "replace").strip()
    return {
        "serial": serial,
        "firmware": f"{info.FWVersion:X}",
        "ppi": int(info.ImageDPI) or 500,
        "size": (int(info.ImageWidth), int(info.ImageHeight)),
    }


class SecuGenReader(FingerprintReader):
    driver_id = "secugen"
    display_name = "SecuGen Hamster"
    vendor = "SecuGen"
    usb_ids = (UsbId(0x1162, 0x0320), UsbId(0x1162, 0x0322), UsbId(0x1162, 0x2200), UsbId(0x1162, 0x2201))
    ppi = 500
    image_size = (300, 400)

    @classmethod
    def probe(cls, options: Mapping[str, Any]) -> Sequence[Found]:
        """Opens the reader briefly: the SDK tells serial and firmware no other way. One reader per host."""
        if _IN_USE:  # ours and open: the SDK would refuse a second open
            return list(_IN_USE.values())
        try:
            session = Session(api(options), "secugen")
        except NotFound:
            return []
        try:
            facts = _facts(session.info())
        finally:
            session.close()
        return [
            Found(
                f"secugen:{facts['serial'] or 0}",
                score=80,
                serial=facts["serial"],
                firmware=facts["firmware"],
                model="Hamster",
                details={"ppi": facts["ppi"]},
            )
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._session: Session | None = None
        self._size = self.image_size or (0, 0)

    def _open_hw(self) -> None:
        session = Session(api(self.options), self.device_id)
        try:
            facts = _facts(session.info())
            if "brightness" in self.options and session.sdk.brightness is not None:
                session.check(session.sdk.brightness(session.handle, int(self.options["brightness"])))
        except Exception:
            session.close()
            raise
        self._session, self._size = session, facts["size"]
        _IN_USE[self.device_id] = Found(
            self.device_id,
            score=self.info.score,
            serial=facts["serial"],
            firmware=facts["firmware"],
            model=self.info.model,
            details=dict(self.info.details),
        )
        self._info = replace(
            self._info,
            serial=facts["serial"],
            firmware=facts["firmware"],
            ppi=facts["ppi"],
            image_size=facts["size"],
        )

    def _close_hw(self) -> None:
        session, self._session = self._session, None
        _IN_USE.pop(self.device_id, None)
        if session is not None:
            session.close()

    def _capture_image(self, timeout: float) -> Image:
        session = self._session
        assert session is not None
        width, height = self._size
        data = (ctypes.c_ubyte * (width * height))()
        quality = int(self.options.get("quality", DEFAULT_QUALITY))
        session.check(
            session.sdk.image_ex(session.handle, data, max(1, int(timeout * 1000)), None, quality),
            seconds=timeout,
        )
        return np.frombuffer(bytes(data), np.uint8).reshape(height, width).copy()

    def _set_leds(self, green: bool, red: bool) -> None:
        session = self._session
        assert session is not None
        if session.sdk.led is None:
            raise HardwareFault(self.device_id, reason="this sgfplib has no SGFPM_SetLedOn")
        session.check(session.sdk.led(session.handle, int(green or red)))
