"""The ctypes layouts against the C compiler's (the fakes are compiled from the vendors' declarations),
the library search order, and an absent library as a listed line rather than a failure."""

from __future__ import annotations

import ctypes
import json
import subprocess
import sys
from pathlib import Path

import pytest

from devices.errors import LibraryMissing
from devices.vendors import futronic, sdk, secugen
from tests.devices.drivers.conftest import ROOT, driver_env


def test_struct_sizes_match_the_c_declarations(fake_libraries: dict[str, Path]) -> None:
    ftr = ctypes.CDLL(str(fake_libraries["futronic"]))
    sg = ctypes.CDLL(str(fake_libraries["secugen"]))
    for fn in (
        "fake_sizeof_device_info",
        "fake_sizeof_frame_parameters",
        "fake_sizeof_version_info",
        "fake_sizeof_dword",
    ):
        getattr(ftr, fn).restype = ctypes.c_size_t
    sg.fake_sizeof_device_info.restype = ctypes.c_size_t
    assert ftr.fake_sizeof_frame_parameters() == ctypes.sizeof(futronic.FrameParameters) == 92
    assert ftr.fake_sizeof_device_info() == ctypes.sizeof(futronic.DeviceInfo)
    assert ftr.fake_sizeof_version_info() == ctypes.sizeof(futronic.VersionInfo)
    assert ftr.fake_sizeof_dword() == ctypes.sizeof(sdk.DWORD)
    assert sg.fake_sizeof_device_info() == ctypes.sizeof(secugen.SGDeviceInfoParam)
    if ctypes.sizeof(ctypes.c_ulong) == 8:  # Linux x86-64: the DWORD trap the headers hide
        assert ctypes.sizeof(secugen.SGDeviceInfoParam) == 96 and ctypes.sizeof(futronic.DeviceInfo) == 13


def test_option_then_environment_then_default_names(
    monkeypatch: pytest.MonkeyPatch, fake_libraries: dict[str, Path], tmp_path: Path
) -> None:
    monkeypatch.setenv("KIOSK_FUTRONIC_LIB", str(tmp_path / "absent.so"))
    option = sdk.load_library(
        "futronic",
        {"library": str(fake_libraries["futronic"])},
        "KIOSK_FUTRONIC_LIB",
        ("libScanAPI.so",),
        hint="x",
    )
    assert hasattr(option, "ftrScanGetFrame")
    with pytest.raises(LibraryMissing) as caught:
        sdk.load_library("futronic", {}, "KIOSK_FUTRONIC_LIB", ("libScanAPI-absent.so",), hint="Futronic SDK")
    text = caught.value.params["reason"]
    assert (
        "absent.so" in text
        and "libScanAPI-absent.so" in text
        and text.index("absent.so") < text.index("libScanAPI")
    )
    assert "KIOSK_FUTRONIC_LIB" in caught.value.params["hint"]
    monkeypatch.setenv("KIOSK_FUTRONIC_LIB", str(fake_libraries["futronic"]))
    assert hasattr(
        sdk.load_library("futronic", {}, "KIOSK_FUTRONIC_LIB", ("libScanAPI-absent.so",), hint="x"),
        "ftrScanOpenDevice",
    )


def test_absent_sdks_are_lines_in_kiosk_devices_list_and_the_kiosk_goes_on(tmp_path: Path) -> None:
    env = driver_env(KIOSK_DATA_DIR=str(tmp_path))
    for name in ("KIOSK_FUTRONIC_LIB", "KIOSK_SUPREMA_LIB", "KIOSK_SECUGEN_LIB"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "devices", "list", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    listing = json.loads(done.stdout)
    failures = {f["driver"]: f for f in listing["failures"]}
    for driver in ("futronic", "suprema", "secugen"):
        assert failures[driver]["code"] == "devices.error.library_missing"
        assert failures[driver]["stage"] == "probe"
    assert any(d["driver"] == "sim-fingerprint" for d in listing["devices"])
    human = subprocess.run(
        [sys.executable, "-m", "kiosk", "devices", "list"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert "futronic (probe)" in human.stdout and "KIOSK_FUTRONIC_LIB" in human.stdout
