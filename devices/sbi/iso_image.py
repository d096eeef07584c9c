"""The image inside an ISO/IEC 19794-4 finger image record (`bioValue`), 2011 or 2005 edition.

This layer cannot use the kiosk's full record reader, and only needs the first representation's
pixels, size and resolution; the compressions SBI devices send (WSQ, JPEG 2000, PNG, raw) are decoded
with Pillow and the `wsq` plugin.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

import numpy as np

from devices.frames import Image

RAW, RAW_PACKED, WSQ, JPEG, JPEG2000, PNG = 0, 1, 2, 3, 4, 5
COMPRESSION_2011 = {0: RAW, 1: RAW_PACKED, 2: WSQ, 3: JPEG, 4: JPEG2000, 5: JPEG2000, 6: PNG}


@dataclass(frozen=True)
class IsoImage:
    pixels: Image
    ppi: int
    position: int


def decode(record: bytes) -> IsoImage:
    if record[:4] != b"FIR\x00" or record[4:8] not in (b"020\x00", b"010\x00"):
        raise ValueError("not an ISO/IEC 19794-4 finger image record")
    if record[4:8] == b"020\x00":
        return _first_2011(record)
    return _first_2005(record)


def _first_2011(data: bytes) -> IsoImage:
    certified = data[14] == 1
    pos = 16 + 4 + 9 + 5  # general header, representation length, capture date, capture device
    pos += 1 + 5 * data[pos]  # quality blocks
    if certified:
        pos += 1 + 3 * data[pos]
    position = data[pos]
    ppi = struct.unpack_from(">H", data, pos + 7)[0]
    compression = COMPRESSION_2011.get(data[pos + 12], -1)
    width, height, length = struct.unpack_from(">HHI", data, pos + 14)
    return IsoImage(_pixels(data[pos + 22 : pos + 22 + length], compression, width, height), ppi, position)


def _first_2005(data: bytes) -> IsoImage:
    ppi = struct.unpack_from(">H", data, 24)[0]
    compression = data[29]
    position = data[36]
    width, height = struct.unpack_from(">HH", data, 41)
    length = struct.unpack_from(">I", data, 32)[0] - 14
    return IsoImage(_pixels(data[46 : 46 + length], compression, width, height), ppi, position)


def _pixels(blob: bytes, compression: int, width: int, height: int) -> Image:
    if compression == RAW:
        return np.frombuffer(blob[: width * height], np.uint8).reshape(height, width).copy()
    if compression == WSQ:
        import wsq  # noqa: F401  (registers the WSQ codec with Pillow)
    if compression not in (WSQ, JPEG, JPEG2000, PNG):
        raise ValueError(f"unsupported ISO image compression {compression}")
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(blob)) as image:
        pixels = np.asarray(image.convert("L"), dtype=np.uint8)
    if pixels.shape != (height, width):
        raise ValueError(
            f"the image is {pixels.shape[1]}x{pixels.shape[0]}, the record says {width}x{height}"
        )
    return pixels
