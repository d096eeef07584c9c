"""Loading libfprint's GObject bindings, and what its errors mean for the device layer.

PyGObject is an optional extra and the typelib a Debian package, so either may be missing: that is a
line in `kiosk devices list` naming what to install (`LibraryMissing`), never an import error that
hides the reason. libfprint reports failures as `GLib.Error`s in two domains: "retry" (the scan was
not usable, the person tries again) and "device" (the device failed, is busy or was removed).
"""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

from devices.errors import (
    RETRY_KINDS,
    Busy,
    DeviceError,
    DeviceTimeout,
    Disconnected,
    HardwareFault,
    LibraryMissing,
)

DEBIAN_PACKAGES = "libfprint-2-2 gir1.2-fprint-2.0"
PYTHON_EXTRA = "kiosk[libfprint] (PyGObject<3.51)"


@functools.cache
def load() -> SimpleNamespace:
    """`gi.repository` modules FPrint, GLib, Gio, GUsb (None when absent); LibraryMissing otherwise."""
    try:
        import gi
    except ImportError as exc:
        raise LibraryMissing("libfprint", library="PyGObject", hint=PYTHON_EXTRA, reason=str(exc)) from exc
    try:
        gi.require_version("FPrint", "2.0")
        from gi.repository import FPrint, Gio, GLib
    except (ImportError, ValueError) as exc:
        raise LibraryMissing(
            "libfprint", library="libfprint 2", hint=DEBIAN_PACKAGES, reason=str(exc)
        ) from exc
    try:
        gi.require_version("GUsb", "1.0")
        from gi.repository import GUsb
    except (ImportError, ValueError):
        GUsb = None  # noqa: N806 (optional: only for bus positions)
    return SimpleNamespace(FPrint=FPrint, GLib=GLib, Gio=Gio, GUsb=GUsb)


RETRY_HINTS = {
    "GENERAL": "general",
    "TOO_SHORT": "too_short",
    "CENTER_FINGER": "centre_finger",
    "REMOVE_FINGER": "remove_finger",
}


def map_error(gi: SimpleNamespace, exc: BaseException, device: str, seconds: float = 0.0) -> DeviceError:
    """A libfprint `GLib.Error` as the device layer's error (retry, removed, busy, timeout, fault)."""
    if isinstance(exc, DeviceError):
        return exc
    error: Any = exc
    glib_error = isinstance(error, gi.GLib.Error)
    if not glib_error:
        return HardwareFault(device, reason=f"{type(error).__name__}: {error}")
    message = str(getattr(error, "message", error))
    if error.matches(gi.FPrint.DeviceRetry.quark(), error.code):
        hint = RETRY_HINTS.get(
            gi.FPrint.DeviceRetry(error.code).value_nick.upper().replace("-", "_"), "general"
        )
        return RETRY_KINDS[hint](device, reason=message)
    if error.matches(gi.Gio.io_error_quark(), gi.Gio.IOErrorEnum.CANCELLED):
        return DeviceTimeout(device, reason="the capture was cancelled", seconds=seconds)
    if error.matches(gi.FPrint.DeviceError.quark(), error.code):
        kind = gi.FPrint.DeviceError(error.code)
        if kind == gi.FPrint.DeviceError.REMOVED:
            return Disconnected(device, reason="removed")
        if kind == gi.FPrint.DeviceError.BUSY:
            return Busy(device, reason=message)
        return HardwareFault(device, reason=f"libfprint {kind.value_nick}: {message}")
    return HardwareFault(device, reason=message)


def value_nick(value: Any) -> str:
    return str(getattr(value, "value_nick", value))
