"""Fingerprint images in and out: reading files, PNG bytes for nbis-py, and the 500 ppi rule.

NFIQ 2, MINDTCT and the live estimator are all made for 500 ppi greyscale. Every path that feeds them
goes through `to_500ppi`, so a 1000 ppi card or a 508 ppi sensor is resampled the same way everywhere
(area interpolation, which averages rather than aliases the ridges) and the caller can say so.
Reading accepts what technicians bring: PNG, TIFF, BMP, PGM and WSQ (through the `wsq` Pillow plugin);
a file that is missing or cannot be decoded becomes a `KioskError` with one line of explanation.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import cv2
import numpy as np

from kiosk.errors import KioskError

NATIVE_PPI = 500
# Sensors quote 500 ppi give or take a few percent (508, 512); resampling by 2 % only blurs the ridges.
PPI_TOLERANCE = 0.03


def as_grey(image: np.ndarray) -> np.ndarray:
    """An 8-bit single-channel view of `image` (colour and 16-bit inputs are converted)."""
    array = np.asarray(image)
    if array.ndim == 3:
        if array.shape[2] == 1:
            array = array[:, :, 0]
        else:
            code = cv2.COLOR_BGRA2GRAY if array.shape[2] == 4 else cv2.COLOR_BGR2GRAY
            array = cv2.cvtColor(np.ascontiguousarray(array[:, :, : min(4, array.shape[2])]), code)
    if array.ndim != 2:
        raise ValueError(f"expected a 2-D greyscale image, got shape {array.shape}")
    if array.dtype != np.uint8:
        if np.issubdtype(array.dtype, np.floating):
            array = np.clip(array, 0, 255).astype(np.uint8)
        else:
            top = float(array.max()) if array.size else 0.0
            scale = 255.0 / top if top > 255 else 1.0
            array = np.clip(array.astype(np.float32) * scale, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(array)


def needs_resampling(ppi: float) -> bool:
    return abs(ppi - NATIVE_PPI) > PPI_TOLERANCE * NATIVE_PPI


def to_500ppi(image: np.ndarray, ppi: float = NATIVE_PPI) -> tuple[np.ndarray, bool]:
    """`image` at 500 ppi, and whether it had to be resampled to get there."""
    grey = as_grey(image)
    if ppi <= 0:
        raise ValueError(f"ppi must be positive, got {ppi}")
    if not needs_resampling(ppi):
        return grey, False
    factor = NATIVE_PPI / float(ppi)
    height, width = grey.shape
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    return cv2.resize(grey, size, interpolation=interpolation), True


def png_bytes(image: np.ndarray) -> bytes:
    """Lossless PNG bytes (nbis-py takes encoded images, and WSQ would change the score)."""
    ok, encoded = cv2.imencode(".png", as_grey(image), [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:
        raise ValueError("PNG encoding failed")
    return encoded.tobytes()


def read_image(path: str | Path) -> np.ndarray:
    """The greyscale pixels of a fingerprint image file, or a `KioskError` that says what is wrong."""
    file = Path(path)
    if not file.is_file():
        raise KioskError("quality.finger.image_missing", path=str(file))
    try:
        return _decode(file)
    except KioskError:
        raise
    except Exception as exc:
        raise KioskError("quality.finger.image_unreadable", path=str(file), reason=_reason(exc)) from exc


def _decode(file: Path) -> np.ndarray:
    import wsq  # noqa: F401  (registers the WSQ decoder with Pillow)
    from PIL import Image, UnidentifiedImageError

    pixels: np.ndarray | None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a damaged file is reported below, not as a warning
            with Image.open(file) as opened:
                opened.load()
                if opened.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
                    pixels = np.asarray(opened)
                else:
                    pixels = np.asarray(opened.convert("L"))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        # Pillow does not know every PGM/TIFF variant that OpenCV reads; give OpenCV its turn.
        pixels = cv2.imread(str(file), cv2.IMREAD_GRAYSCALE | cv2.IMREAD_ANYDEPTH)
        if pixels is None:
            raise ValueError("not an image format this tool reads (PNG, TIFF, BMP, PGM, WSQ)") from None
    grey = as_grey(pixels)
    if grey.size == 0:
        raise ValueError("the image has no pixels")
    return grey


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]
