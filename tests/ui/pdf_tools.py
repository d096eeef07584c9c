"""Reading the receipts the tests write: text with poppler's pdftotext, pictures with pdftoppm, and the
QR code back with OpenCV's detector (segno only encodes)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

POPPLER = ("pdftotext", "pdftoppm", "pdfinfo", "pdffonts")


def needs_poppler() -> None:
    """Skip (with the reason) where poppler-utils is missing; tools/bootstrap.sh installs it in CI."""
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs poppler-utils ({', '.join(missing)} missing): apt-get install poppler-utils")


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def pdf_text(path: Path) -> str:
    return run("pdftotext", "-enc", "UTF-8", str(path), "-")


def pdf_info(path: Path) -> str:
    return run("pdfinfo", str(path))


def pdf_png(path: Path, dpi: int = 200) -> Path:
    out = path.with_suffix("")
    run("pdftoppm", "-png", "-r", str(dpi), "-singlefile", str(path), str(out))
    return out.with_suffix(".png")


def decode_qr(png: Path) -> str:
    """The code's text. OpenCV's ArUco-based detector: its classic `QRCodeDetector` fails on every
    version-17 symbol with mask pattern 5 (even segno's own pixel-perfect PNG), which phone scanners read."""
    import cv2

    image = cv2.imread(str(png))
    assert image is not None, png
    text, points, _ = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    assert points is not None and text, f"no QR code decoded in {png}"
    return str(text)
