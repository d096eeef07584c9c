"""Discovery through a REAL entry point of a third-party package, priorities, policy, failures as lines."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices import registry as registry_module
from devices.errors import NotFound, NotPermitted
from devices.facts import Capability
from devices.fingerprint import FingerprintReader
from devices.policy import DevicePolicy
from devices.registry import Registry
from devices.sim.hardware import SimulatedHardware

PACKAGE = '''
import threading

import numpy as np

from devices.facts import Found, UsbId
from devices.fingerprint import FingerprintReader

HARDWARE_KEY = "usb:1-4"


class AcmeReader(FingerprintReader):
    """A vendor driver: facts as data, three hooks."""

    driver_id = "acme-fp"
    display_name = "ACME FP-1"
    vendor = "ACME"
    usb_ids = (UsbId(0x1234, 0x5678),)
    image_size = (320, 480)

    @classmethod
    def probe(cls, options):
        return [Found("acme-fp:1-4", score=80, serial="ACME-0001", firmware="2.1", hardware_key=HARDWARE_KEY,
                      usb=UsbId(0x1234, 0x5678))]

    def _read_frame(self, timeout):
        return np.full((480, 320), 250, np.uint8)

    def _set_leds(self, green, red):
        self.leds = (green, red)


class GenericReader(FingerprintReader):
    """A generic stack (think libfprint) that also claims the same scanner, less well."""

    driver_id = "generic-fp"
    display_name = "Generic reader"

    @classmethod
    def probe(cls, options):
        return [Found("generic-fp:1-4", score=40, serial="ACME-0001", hardware_key=HARDWARE_KEY)]

    def _read_frame(self, timeout):
        return np.full((480, 320), 250, np.uint8)


class BadProbe(FingerprintReader):
    driver_id = "bad-probe"

    @classmethod
    def probe(cls, options):
        raise OSError("libacme.so: cannot open shared object file")


class HungProbe(FingerprintReader):
    driver_id = "hung-probe"
    release = threading.Event()

    @classmethod
    def probe(cls, options):
        cls.release.wait(30.0)
        return []


class WrongId(FingerprintReader):
    driver_id = "something-else"


NotADevice = object()
'''

ENTRY_POINTS = """
[kiosk.devices]
acme-fp = acme_scanners:AcmeReader
generic-fp = acme_scanners:GenericReader
bad-probe = acme_scanners:BadProbe
broken = acme_missing_module:Reader
misnamed = acme_scanners:WrongId
not-a-device = acme_scanners:NotADevice
"""


@pytest.fixture
def acme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A vendor's pip package as it lies in site-packages: the module and its dist-info with entry points."""
    (tmp_path / "acme_scanners.py").write_text(textwrap.dedent(PACKAGE))
    dist = tmp_path / "acme_scanners-2.3.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-scanners\nVersion: 2.3\n")
    (dist / "entry_points.txt").write_text(ENTRY_POINTS)
    sys.modules.pop("acme_scanners", None)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop("acme_scanners", None)


def _registry(bench: SimulatedHardware, **policy: object) -> Registry:
    options = {"sim-fingerprint": {"hardware": bench}, "sim-camera": {"hardware": bench}}
    return Registry(policy=DevicePolicy.build(**{"mode": "test", **policy}), options=options)  # type: ignore[arg-type]


def test_third_party_driver_is_found_through_its_entry_point(acme: Path, bench: SimulatedHardware) -> None:
    registry = _registry(bench)
    assert {"acme-fp", "broken", "sim-fingerprint", "opencv-camera"} <= set(registry.driver_ids())
    assert "acme_scanners" not in sys.modules  # listing drivers imports nothing
    inventory = registry.scan()
    info = inventory.by_id("acme-fp:1-4")
    assert info is not None
    assert (info.vendor, info.model, info.serial, info.firmware, str(info.usb)) == (
        "ACME",
        "ACME FP-1",
        "ACME-0001",
        "2.1",
        "1234:5678",
    )
    assert {Capability.LIVE_PREVIEW, Capability.LEDS} <= info.capabilities
    assert Capability.FINGER_DETECT not in info.capabilities  # it did not implement _finger_present
    failures = {f.driver_id: f for f in inventory.failures}
    assert failures["bad-probe"].stage == "probe" and "libacme.so" in failures["bad-probe"].text
    assert failures["broken"].stage == "import" and "ModuleNotFoundError" in failures["broken"].text
    assert failures["misnamed"].stage == "load" and "something-else" in failures["misnamed"].text
    assert failures["not-a-device"].stage == "load"
    assert failures["bad-probe"].distribution == "acme-scanners 2.3"
    assert inventory.by_id("sim-fingerprint:0") is not None  # the broken ones took nothing else down


def test_probe_scores_decide_and_configuration_overrides(acme: Path, bench: SimulatedHardware) -> None:
    inventory = _registry(bench).scan()
    assert inventory.by_id("acme-fp:1-4") in inventory.devices
    assert [d.device_id for d in inventory.shadowed] == ["generic-fp:1-4"]
    assert inventory.status["generic-fp:1-4"] == "shadowed"
    overridden = Registry(policy=DevicePolicy(mode="test"), priority={"generic-fp": 100}).scan()
    assert [d.device_id for d in overridden.shadowed] == ["acme-fp:1-4"]
    assert overridden.best("fingerprint").device_id == "generic-fp:1-4"  # type: ignore[union-attr]


def test_policy_keeps_unlisted_drivers_from_even_importing(acme: Path, bench: SimulatedHardware) -> None:
    registry = _registry(bench, allowed_drivers=["sim-fingerprint", "sim-camera"])
    inventory = registry.scan()
    assert "acme_scanners" not in sys.modules
    assert {d.driver_id for d in inventory.devices} == {"sim-fingerprint", "sim-camera"}
    refused = {f.driver_id for f in inventory.failures if f.stage == "policy"}
    assert {"acme-fp", "opencv-camera", "broken"} <= refused
    with pytest.raises(NotPermitted):
        registry.driver("acme-fp")


def test_simulators_only_in_demo_and_test_unless_allowed(bench: SimulatedHardware) -> None:
    production = _registry(bench, mode="production").scan()
    assert not [d for d in production.devices if d.simulated]
    refused = [f for f in production.failures if f.driver_id == "sim-fingerprint"]
    assert refused[0].stage == "policy" and refused[0].code == "devices.error.not_permitted"
    assert "production" in refused[0].text
    allowed = _registry(bench, mode="production", allow_simulators=True).scan()
    assert allowed.by_id("sim-fingerprint:0") is not None
    assert _registry(bench, mode="demo").scan().by_id("sim-camera:0") is not None


def test_unregistered_serials_are_refused(acme: Path, bench: SimulatedHardware) -> None:
    registry = _registry(bench, registered_serials=["ACME-0001"])
    inventory = registry.scan()
    assert inventory.status["sim-fingerprint:0"] == "unregistered"
    assert inventory.status["acme-fp:1-4"] == "ready"
    assert inventory.best("fingerprint").device_id == "acme-fp:1-4"  # type: ignore[union-attr]
    with pytest.raises(NotPermitted, match="not registered"):
        registry.open("sim-fingerprint:0")
    assert bench.unit("sim-fingerprint:0").owner is None  # refused devices are closed again
    device = registry.open(kind="fingerprint")
    assert isinstance(device, FingerprintReader) and device.device_id == "acme-fp:1-4"
    device.set_leds(True, False)
    assert device.leds == (True, False)  # type: ignore[attr-defined]
    assert registry.scan().status["acme-fp:1-4"] == "in-use"
    assert device.grab().size == (320, 480)
    registry.release(device)


def test_unknown_devices_are_not_found(bench: SimulatedHardware) -> None:
    registry = _registry(bench)
    with pytest.raises(NotFound, match="not a camera"):
        registry.open_camera("sim-fingerprint:0")
    assert bench.unit("sim-fingerprint:0").owner is None
    camera = registry.open_camera()
    assert camera.device_id == "sim-camera:0"
    registry.release(camera)
    with pytest.raises(NotFound):
        registry.open("nope:0")
    with pytest.raises(NotFound):
        Registry(policy=DevicePolicy(mode="production")).open(kind="fingerprint")


def test_a_hung_probe_delays_a_scan_but_never_stops_it(
    acme: Path, bench: SimulatedHardware, monkeypatch: pytest.MonkeyPatch
) -> None:
    (acme / "acme_scanners-2.3.dist-info" / "entry_points.txt").write_text(
        "[kiosk.devices]\nhung-probe = acme_scanners:HungProbe\n"
    )
    monkeypatch.setattr(registry_module, "PROBE_SECONDS", 0.2)
    inventory = _registry(bench).scan()
    sys.modules["acme_scanners"].HungProbe.release.set()
    hung = [f for f in inventory.failures if f.driver_id == "hung-probe"]
    assert hung and "no answer" in hung[0].text  # the scan came back without the hung probe's answer
    assert inventory.by_id("sim-fingerprint:0") is not None
