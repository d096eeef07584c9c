"""NBIS's WSQ encoder, called so that the rest of the program keeps running while it works.

The `wsq` package's C module holds Python's global lock for the whole encoding (~16 ms a finger), so
sealing ten fingers on a worker froze the clerk's window for up to ~90 ms at a time (measured with the
autopilot's stall meter). The same module exports NBIS's own `wsq_encode_mem`; through ctypes the
call runs with the lock released. Nothing else changes: same library, same bytes (a test compares
them with the package's own function).

NBIS keeps its coder's tables in global variables, so two encodings (or an encoding and a decoding)
must never overlap: every WSQ call of the program goes through `LOCK`.
"""

from __future__ import annotations

import ctypes
import threading

LOCK = threading.Lock()
PPI = 500  # what the package's `compress` writes into the NIST_COM comment

_UBYTE_P = ctypes.POINTER(ctypes.c_ubyte)


class _Nbis:
    def __init__(self, path: str) -> None:
        library = ctypes.CDLL(path)  # CDLL (not PyDLL): ctypes releases the lock during each call
        self.encode = library.wsq_encode_mem
        self.encode.restype = ctypes.c_int
        self.encode.argtypes = [
            ctypes.POINTER(_UBYTE_P),  # unsigned char **odata (malloc'd by NBIS)
            ctypes.POINTER(ctypes.c_int),  # int *olen
            ctypes.c_float,  # bit rate (NBIS codes at 0.75 whatever it is told)
            ctypes.c_char_p,  # unsigned char *idata
            ctypes.c_int,  # width
            ctypes.c_int,  # height
            ctypes.c_int,  # depth
            ctypes.c_int,  # ppi
            ctypes.c_char_p,  # comment (none)
        ]
        self.free = ctypes.CDLL(None).free
        self.free.argtypes = [ctypes.c_void_p]
        self.free.restype = None


def _load() -> _Nbis | None:
    try:
        import _wsq  # the `wsq` package's C module, which carries NBIS

        return _Nbis(str(_wsq.__file__))
    except (ImportError, OSError, AttributeError, TypeError):  # pragma: no cover - another build of `wsq`
        return None


_NBIS = _load()


def available() -> bool:
    return _NBIS is not None


def encode(pixels: bytes, width: int, height: int, bitrate: float) -> bytes:
    """WSQ bytes of 8-bit greyscale `pixels` (row-major, `width` x `height`); `RuntimeError` when NBIS
    refuses them (its return code in the message)."""
    if _NBIS is None:  # pragma: no cover - callers check `available()`
        raise RuntimeError("NBIS's WSQ encoder is not loaded")
    out, length = _UBYTE_P(), ctypes.c_int()
    with LOCK:
        code = _NBIS.encode(
            ctypes.byref(out), ctypes.byref(length), bitrate, pixels, width, height, 8, PPI, None
        )
    if code != 0 or not out:
        raise RuntimeError(f"wsq_encode_mem returned {code}")
    try:
        return ctypes.string_at(out, length.value)
    finally:
        ctypes.memset(out, 0, length.value)  # a person's print does not linger in freed memory
        _NBIS.free(out)
