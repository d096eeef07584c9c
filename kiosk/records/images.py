"""Image codecs for records, all in memory: WSQ through the `wsq` Pillow plugin, JPEG, JPEG 2000
and PNG through Pillow.

Plaintext biometrics never touch the disk, so every codec here reads from and writes to bytes.
The `wsq` plugin was checked with strace (see docs/packet-format.md): encoding and decoding through
`io.BytesIO` open no file; its C library only opens files in functions the plugin never calls.
Pillow reads JPEG 2000 through OpenJPEG (feature `jpg_2000`), which the Pillow wheels bundle.
"""

from __future__ import annotations

import io
from contextlib import nullcontext

import numpy as np
import wsq  # noqa: F401  (registers the WSQ plugin with Pillow)
from PIL import Image, UnidentifiedImageError

from kiosk.records import nbis_wsq
from kiosk.records.common import RecordError

try:  # the C codec behind the plugin (`WsqImagePlugin` imports it under this name)
    from _wsq import compress as _wsq_compress
except ImportError:  # pragma: no cover - a wsq build without the module: use the plugin path
    _wsq_compress = None

WSQ_BITRATE = 0.75  # NBIS ignores the argument and always codes at 0.75 bpp (ECOSYSTEM.md)


def encode_wsq(pixels: np.ndarray) -> bytes:
    """8-bit greyscale pixels (height x width) as WSQ (NBIS; fixed 0.75 bpp, NIST_COM says 500 ppi).

    Calls NBIS's encoder with Python's lock released (`nbis_wsq`), else the plugin's own codec function:
    the plugin's `save` path first turns the image into a Python list of pixels, which costs ~40 % more
    for the same bytes (tests check all three give identical output, so an update of `wsq` that changes
    this is caught).
    """
    if pixels.ndim != 2 or pixels.dtype != np.uint8:
        raise RecordError("bad_value", field="finger pixels", value=f"{pixels.dtype}{pixels.shape}")
    height, width = pixels.shape
    raw = np.ascontiguousarray(pixels).tobytes()
    if nbis_wsq.available():
        return nbis_wsq.encode(raw, width, height, WSQ_BITRATE)
    if _wsq_compress is not None:
        with nbis_wsq.LOCK:
            return bytes(_wsq_compress(raw, height, width, WSQ_BITRATE))
    return encode_wsq_plugin(pixels)


def encode_wsq_plugin(pixels: np.ndarray) -> bytes:
    """The same encoding through Pillow's save path (the plugin's public interface)."""
    buffer = io.BytesIO()
    with nbis_wsq.LOCK:
        Image.fromarray(pixels, mode="L").save(buffer, "WSQ")
    return buffer.getvalue()


def encode_jpeg(pixels: np.ndarray, quality: int = 90) -> bytes:
    """RGB (height x width x 3) or greyscale pixels as baseline JPEG without metadata."""
    if pixels.dtype != np.uint8 or pixels.ndim not in (2, 3):
        raise RecordError("bad_value", field="face pixels", value=f"{pixels.dtype}{pixels.shape}")
    buffer = io.BytesIO()
    mode = "L" if pixels.ndim == 2 else "RGB"
    Image.fromarray(pixels, mode=mode).save(buffer, "JPEG", quality=quality, optimize=False)
    return buffer.getvalue()


_FORMATS = {"wsq": "WSQ", "jpeg": "JPEG", "jpeg2000": "JPEG2000", "png": "PNG"}


def decode_image(data: bytes, kind: str) -> np.ndarray:
    """Pixels of a compressed image (`kind`: wsq, jpeg, jpeg2000 or png)."""
    expected = _FORMATS.get(kind)
    if expected is None:
        raise RecordError("unsupported", what=f"image kind {kind}")
    try:
        with (
            nbis_wsq.LOCK if kind == "wsq" else nullcontext(),
            Image.open(io.BytesIO(data), formats=[expected]) as image,
        ):
            image.load()  # NBIS's decoder shares the encoder's global tables: never both at once
            return np.asarray(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise RecordError("bad_image", kind=kind, reason=str(exc)) from None


def decode_raw(data: bytes, width: int, height: int, bit_depth: int) -> np.ndarray:
    """Uncompressed, unpacked greyscale pixels (one byte per pixel at 8 bits)."""
    if bit_depth != 8 or len(data) != width * height:
        raise RecordError(
            "bad_image", kind="raw", reason=f"{len(data)} bytes for {width}x{height}x{bit_depth}"
        )
    return np.frombuffer(data, dtype=np.uint8).reshape(height, width)
