"""Reading fingerprint images (PNG, TIFF, BMP, PGM, WSQ) and the 500 ppi rule."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from kiosk.errors import KioskError
from kiosk.quality.images import as_grey, png_bytes, read_image, to_500ppi

FP = "fingerprints"


@pytest.mark.parametrize(
    ("relative", "shape"),
    [
        ("nbis-rs/p1_1.png", (500, 400)),  # RGBA PNG
        ("fvc2002-like/101_1.tif", (372, 245)),
        ("nbis-sivv-cards/card0003_05.bmp", (775, 743)),
        ("nist-nfiq2-sfinge/SFinGe_Test01.pgm", (560, 416)),
        ("sourceafis/wsq-original.wsq", (768, 832)),
    ],
)
def test_every_format_technicians_bring_reads_as_8_bit_grey(
    shared_data: Path, relative: str, shape: tuple
) -> None:
    pixels = read_image(shared_data / FP / relative)
    assert pixels.dtype == np.uint8 and pixels.shape == shape


def test_wsq_decodes_to_its_reference_png(shared_data: Path) -> None:
    wsq = read_image(shared_data / FP / "sourceafis/wsq-original.wsq")
    png = read_image(shared_data / FP / "sourceafis/wsq-converted.png")
    assert np.array_equal(wsq, png)


def test_sixteen_bit_and_colour_images_are_brought_to_8_bit_grey(tmp_path: Path) -> None:
    ramp = (np.arange(256 * 64, dtype=np.uint16).reshape(64, 256) * 4).astype(np.uint16)
    cv2.imwrite(str(tmp_path / "deep.png"), ramp)
    deep = read_image(tmp_path / "deep.png")
    assert deep.dtype == np.uint8 and deep.max() == 255 and deep.min() == 0
    colour = np.zeros((20, 30, 3), np.uint8)
    colour[..., 1] = 200
    Image.fromarray(colour).save(tmp_path / "c.bmp")
    assert read_image(tmp_path / "c.bmp").shape == (20, 30)
    assert as_grey(np.zeros((5, 5, 4), np.uint8)).shape == (5, 5)


def test_a_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KioskError) as caught:
        read_image(tmp_path / "nope.png")
    assert caught.value.message.code == "quality.finger.image_missing"
    assert "nope.png" in caught.value.render("en")


@pytest.mark.parametrize("content", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40])
def test_a_corrupt_file_is_one_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.png"
    path.write_bytes(content)
    with pytest.raises(KioskError) as caught:
        read_image(path)
    assert caught.value.message.code == "quality.finger.image_unreadable"
    assert "\n" not in caught.value.render("es_MX")


def test_500_ppi_is_kept_and_other_resolutions_are_resampled() -> None:
    image = np.random.default_rng(0).integers(0, 256, (600, 400), dtype=np.uint8)
    same, resampled = to_500ppi(image, 508)  # within 3 %: a 500 ppi sensor
    assert same is not None and not resampled and same.shape == (600, 400)
    half, resampled = to_500ppi(image, 1000)
    assert resampled and half.shape == (300, 200)
    assert half[0, 0] == pytest.approx(image[:2, :2].mean(), abs=1)  # area averaging, not decimation
    up, resampled = to_500ppi(image, 250)
    assert resampled and up.shape == (1200, 800)
    with pytest.raises(ValueError):
        to_500ppi(image, 0)


def test_png_bytes_are_lossless() -> None:
    image = np.random.default_rng(1).integers(0, 256, (50, 40), dtype=np.uint8)
    decoded = cv2.imdecode(np.frombuffer(png_bytes(image), np.uint8), cv2.IMREAD_UNCHANGED)
    assert np.array_equal(decoded, image)
