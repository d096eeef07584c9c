"""The Futronic driver against a fake `ftrScanAPI` with the vendor's exact ABI, serving a real print."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from devices.errors import Busy, DeviceTimeout, Disconnected, HardwareFault, ScanRetry
from devices.facts import Capability
from devices.vendors import futronic
from tests.devices.drivers.vendor_fixtures import Bench, bench, crop

DEVICE = "futronic:0"


@pytest.fixture
def fs80(
    monkeypatch: pytest.MonkeyPatch, fake_libraries: dict[str, Path], real_print: np.ndarray
) -> Iterator[Bench]:
    yield from bench(
        monkeypatch, "futronic", "KIOSK_FUTRONIC_LIB", fake_libraries["futronic"], crop(real_print, 320, 480)
    )


def test_listed_with_serial_firmware_model_and_capabilities(fs80: Bench) -> None:
    info = fs80.registry.scan().by_id(DEVICE)
    assert info is not None
    assert (info.serial, info.firmware, info.model) == ("4653383000123456", "1.2.3.4", "FS80")
    assert info.capabilities >= {
        Capability.LIVE_PREVIEW,
        Capability.FINGER_DETECT,
        Capability.FAKE_FINGER,
        Capability.LEDS,
    }
    assert fs80.fake.fake_is_open() == 0  # the probe closed what it opened


def test_capture_waits_for_the_finger_and_returns_the_served_print(fs80: Bench) -> None:
    fs80.script("EEEEMF")
    reader = fs80.open(DEVICE)
    frame = reader.capture(5.0)
    assert np.array_equal(frame.image, fs80.image) and frame.ppi == 500
    assert frame.meta["fake_finger"] is False  # live value 0.5 within the SDK's interval 0.2–0.8
    assert fs80.fake.fake_options() & futronic.OPTION_CHECK_FAKE_REPLICA


def test_a_replica_outside_the_live_interval_is_flagged(fs80: Bench) -> None:
    fs80.fake.fake_set_replica_value.argtypes = [ctypes.c_double]
    fs80.fake.fake_set_replica_value(0.95)
    frame = fs80.open(DEVICE).capture(5.0)
    assert frame.meta["fake_finger"] is True


def test_empty_frames_are_blank_live_frames_without_a_finger(fs80: Bench) -> None:
    fs80.script("E")
    frame = fs80.open(DEVICE).grab(1.0)
    assert frame.finger_present is False and (frame.image == 255).all() and frame.size == (320, 480)


def test_no_finger_times_out_and_the_reader_stays_usable(fs80: Bench) -> None:
    fs80.script("TTTTTTTTTTTTTTTTTTTTTTTTTTE")
    reader = fs80.open(DEVICE)
    with pytest.raises(DeviceTimeout):
        reader.capture(0.3)
    fs80.script("F")
    assert np.array_equal(reader.capture(5.0).image, fs80.image)


def test_device_gone_mid_capture_is_a_disconnect_reported_once(fs80: Bench) -> None:
    fs80.script("EFG")
    reader = fs80.open(DEVICE)
    removed: list[str] = []
    reader.on_removed(lambda _info, reason: removed.append(reason))
    with pytest.raises(Disconnected):
        reader.capture(5.0)
    assert len(removed) == 1
    assert fs80.registry.scan().by_id(DEVICE) is None  # unplugged: no longer listed


@pytest.mark.parametrize(
    ("script", "kind", "code"),
    [("P", HardwareFault, 87), ("M", ScanRetry, 0x20000001)],
)
def test_sdk_errors_are_mapped_with_their_meaning(fs80: Bench, script: str, kind: type, code: int) -> None:
    fs80.script(script)
    with pytest.raises(kind) as caught:
        fs80.open(DEVICE).grab(1.0)
    assert caught.value.params["sdk_code"] == code
    assert futronic.ERRORS[code][1] in str(caught.value)


def test_every_documented_error_code_has_a_meaning() -> None:
    documented = {4306, *range(0x20000001, 0x20000007), 8, 21, 50, 87, 120, 1460}
    assert documented <= set(futronic.ERRORS)


def test_leds_follow_the_calls(fs80: Bench) -> None:
    reader = fs80.open(DEVICE)
    reader.set_leds(True, False)
    assert fs80.fake.fake_leds() == 2
    reader.set_leds(False, True)
    assert fs80.fake.fake_leds() == 1


def test_an_open_scanner_stays_listed_and_a_second_client_is_refused(fs80: Bench) -> None:
    fs80.open(DEVICE)
    info = fs80.registry.scan().by_id(DEVICE)
    assert info is not None and fs80.registry.scan().status[DEVICE] == "in-use"
    with pytest.raises(Busy):
        futronic.FutronicReader(info).open()
