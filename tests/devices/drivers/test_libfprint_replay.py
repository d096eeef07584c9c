"""USB traffic recorded from six real scanners, replayed under umockdev through `kiosk devices` itself.

Each recording runs in its own `umockdev-run` process (umockdev preloads a fake USB stack into it),
with the real libfprint 1.94 driving the "scanner" and our driver above it, and the image must equal
libfprint's own expected `capture.png` pixel for pixel.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from devices.facts import UsbId
from devices.libfprint.reader import LibfprintReader
from devices.libfprint.resolution import ppi_for
from tests.devices.drivers.conftest import driver_env

RECORDINGS = ("aes3500", "egis0570", "nb1010", "upektc_img", "vfs301", "vfs7552")
KIOSK = [sys.executable, "-m", "kiosk"]


def replay(umockdev_run: str, folder: Path) -> list[str]:
    """`umockdev-run` arguments that plug the recorded scanner in (ioctl or pcapng recording)."""
    ioctl = folder / "capture.ioctl"
    if ioctl.exists():
        node = ioctl.read_text(errors="replace").splitlines()[0].split()[1]  # "@DEV /dev/bus/usb/003/004"
        plug = ["-i", f"{node}={ioctl}"]
    else:
        plug = ["-p", f"/sys{syspath(folder)}={folder / 'capture.pcapng'}"]
    return [umockdev_run, "-d", str(folder / "device"), *plug, "--"]


def syspath(folder: Path) -> str:
    return next(
        line[3:].strip() for line in (folder / "device").read_text().splitlines() if line.startswith("P:")
    )


def device_id(name: str, folder: Path) -> str:
    return f"libfprint:{name}:{Path(syspath(folder)).name}"


def run(command: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = driver_env(KIOSK_DATA_DIR=str(tmp_path / "station"))
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.fixture
def recording(
    request: pytest.FixtureRequest, shared_data: Path, umockdev_run: str, libfprint_bindings: None
) -> Path:
    folder: Path = shared_data / "libfprint-recordings" / request.param
    return folder


@pytest.mark.parametrize("recording", RECORDINGS, indirect=True)
def test_kiosk_devices_capture_gives_the_recorded_image_pixel_for_pixel(
    recording: Path, umockdev_run: str, tmp_path: Path
) -> None:
    out = tmp_path / "capture.png"
    ident = device_id(recording.name, recording)
    done = run(
        [*replay(umockdev_run, recording), *KIOSK, "devices", "capture", ident, "--out", str(out), "--json"],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout)
    expected = np.asarray(Image.open(recording / "capture.png").convert("RGB"))
    assert (expected[..., 0] == expected[..., 1]).all() and (expected[..., 0] == expected[..., 2]).all()
    with Image.open(out) as written:
        assert written.mode == "L"
        got = np.asarray(written)
        assert written.info["dpi"] == pytest.approx((ppi_for(recording.name),) * 2, abs=0.5)
    assert got.shape == expected.shape[:2] == (answer["height"], answer["width"])
    assert np.array_equal(got, expected[..., 0])


@pytest.mark.parametrize("recording", RECORDINGS, indirect=True)
def test_kiosk_devices_list_shows_the_replayed_scanner(
    recording: Path, umockdev_run: str, tmp_path: Path
) -> None:
    done = run([*replay(umockdev_run, recording), *KIOSK, "devices", "list", "--json"], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [d for d in json.loads(done.stdout)["devices"] if d["driver"] == "libfprint"]
    assert [r["id"] for r in rows] == [device_id(recording.name, recording)]
    row = rows[0]
    vendor, product = (int(x, 16) for x in row["usb"].split(":"))
    assert UsbId(vendor, product) in LibfprintReader.usb_ids
    assert row["ppi"] == ppi_for(recording.name)
    assert row["details"]["libfprint_driver"] == recording.name
    assert row["model"] and row["status"] == "ready"
    assert "finger-detect" in row["capabilities"] and "live-preview" not in row["capabilities"]
