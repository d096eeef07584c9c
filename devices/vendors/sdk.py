"""Loading a vendor's SDK library and binding its functions the way its header declares them.

The libraries are closed, per platform and often per SDK version, so: the path comes from the driver's
option `library`, then an environment variable (`KIOSK_FUTRONIC_LIB` …), then the vendor's default
names; a library that is absent is a `LibraryMissing` line in `kiosk devices list`, naming what was
tried. On Windows the SDKs use `__stdcall` (ctypes' `WinDLL`/`WINFUNCTYPE`), elsewhere the C
convention. Functions an older SDK lacks are bound as None and the driver does without them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from devices.errors import DeviceError, HardwareFault, LibraryMissing

WINDOWS = sys.platform == "win32"
DWORD = ctypes.c_ulong  # the vendors' DWORD is `unsigned long`: 8 bytes on Linux x86-64, 4 on Windows
BOOL = ctypes.c_int
_cache: dict[str, Any] = {}
_lock = threading.Lock()


def functype(restype: Any, *argtypes: Any) -> Any:
    """A callback type in the SDK's calling convention."""
    factory = getattr(ctypes, "WINFUNCTYPE", ctypes.CFUNCTYPE) if WINDOWS else ctypes.CFUNCTYPE
    return factory(restype, *argtypes)


def load_library(
    driver: str,
    options: Mapping[str, Any],
    env_var: str,
    names: Sequence[str],
    *,
    hint: str,
    preload: Sequence[str] = (),
) -> Any:
    """The vendor library, loaded once per path; `preload` are companions needed with RTLD_GLOBAL."""
    candidates = [str(options["library"])] if options.get("library") else []
    if os.environ.get(env_var):
        candidates.append(os.environ[env_var])
    candidates += list(names)
    tried = []
    for candidate in candidates:
        path = candidate if os.sep in candidate else (ctypes.util.find_library(_stem(candidate)) or candidate)
        with _lock:
            if path in _cache:
                return _cache[path]
        try:
            for companion in preload:
                ctypes.CDLL(companion, mode=ctypes.RTLD_GLOBAL)
        except OSError:
            pass  # companions are optional: the main library will say what it lacks
        try:
            library = ctypes.WinDLL(path) if WINDOWS else ctypes.CDLL(path)  # type: ignore[attr-defined]
        except OSError as exc:
            tried.append(f"{candidate}: {exc}")
            continue
        with _lock:
            return _cache.setdefault(path, library)
    raise LibraryMissing(
        driver, library=" / ".join(names), hint=f"{hint}; or set {env_var}", reason="; ".join(tried)
    )


def _stem(name: str) -> str:
    base = name.rsplit(".", 1)[0] if name.endswith((".so", ".dll", ".dylib")) else name.split(".so")[0]
    return base[3:] if base.startswith("lib") else base


class Binding:
    """A library's functions with their prototypes; missing optional ones are None."""

    def __init__(self, library: Any) -> None:
        self.library = library

    def bind(self, name: str, restype: Any, *argtypes: Any, required: bool = True) -> Any:
        """The function (a ctypes function pointer), or None for a missing optional one."""
        try:
            fn = getattr(self.library, name)
        except AttributeError:
            if required:
                raise
            return None
        fn.restype = restype
        fn.argtypes = list(argtypes)
        return fn


ErrorTable = Mapping[int, tuple[type[DeviceError], str]]


def sdk_error(table: ErrorTable, code: int, device: str, vendor: str, **params: Any) -> DeviceError:
    """The device layer's error for a documented SDK code, with the header's meaning as the reason."""
    kind, meaning = table.get(code, (HardwareFault, "undocumented error"))
    return kind(device, reason=f"{vendor} error {code}: {meaning}", sdk_code=code, **params)
