"""The SecuGen driver against a fake `sgfplib` with the vendor's exact ABI, serving a real print."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from devices.errors import DeviceTimeout, Disconnected, HardwareFault, ScanRetry
from devices.facts import Capability
from devices.vendors import secugen
from tests.devices.drivers.vendor_fixtures import Bench, bench, crop

DEVICE = "secugen:H58-0012345"


@pytest.fixture
def hamster(
    monkeypatch: pytest.MonkeyPatch, fake_libraries: dict[str, Path], real_print: np.ndarray
) -> Iterator[Bench]:
    yield from bench(
        monkeypatch, "secugen", "KIOSK_SECUGEN_LIB", fake_libraries["secugen"], crop(real_print, 300, 400)
    )


def test_listed_with_serial_and_firmware_read_from_the_device(hamster: Bench) -> None:
    info = hamster.registry.scan().by_id(DEVICE)
    assert info is not None and (info.serial, info.firmware) == ("H58-0012345", "1042")
    assert Capability.LEDS in info.capabilities
    assert hamster.fake.fake_is_open() == 0


def test_capture_returns_the_served_print_with_timeout_and_quality_passed_down(hamster: Bench) -> None:
    reader = hamster.open(DEVICE)
    frame = reader.capture(3.0)
    assert np.array_equal(frame.image, hamster.image) and frame.size == (300, 400)
    assert (hamster.fake.fake_last_timeout(), hamster.fake.fake_last_quality()) == (3000, 50)
    assert hamster.registry.scan().status[DEVICE] == "in-use"


@pytest.mark.parametrize(
    ("script", "kind", "code"), [("T", DeviceTimeout, 54), ("W", ScanRetry, 57), ("P", HardwareFault, 3)]
)
def test_errors_are_mapped_and_the_reader_stays_usable(
    hamster: Bench, script: str, kind: type, code: int
) -> None:
    hamster.script(script + "F")
    reader = hamster.open(DEVICE)
    with pytest.raises(kind) as caught:
        reader.capture(0.2)
    assert caught.value.params["sdk_code"] == code and secugen.ERRORS[code][1] in str(caught.value)
    assert np.array_equal(reader.capture(1.0).image, hamster.image)


def test_unplugged_mid_capture_is_a_disconnect(hamster: Bench) -> None:
    hamster.script("G")
    reader = hamster.open(DEVICE)
    with pytest.raises(Disconnected):
        reader.capture(1.0)
    hamster.registry.release(reader)
    assert hamster.registry.scan().by_id(DEVICE) is None


def test_led(hamster: Bench) -> None:
    reader = hamster.open(DEVICE)
    reader.set_leds(True, False)
    assert hamster.fake.fake_led() == 1
    reader.set_leds(False, False)
    assert hamster.fake.fake_led() == 0


def test_every_documented_code_has_a_meaning() -> None:
    assert {1, 2, 3, 5, *range(51, 62), *range(101, 107), *range(501, 505)} <= set(secugen.ERRORS)
