"""A driver's USB id table is read by the layer: a driver whose ids are not plugged in is not probed."""

from __future__ import annotations

from pathlib import Path

from devices.policy import DevicePolicy
from devices.registry import Registry
from devices.sim.hardware import SimulatedHardware
from devices.usb import present
from tests.devices import test_registry

acme = test_registry.acme  # the vendor package fixture


def sysfs(root: Path, *devices: tuple[str, str, str]) -> Path:
    for name, vendor, product in devices:
        folder = root / name
        folder.mkdir(parents=True)
        (folder / "idVendor").write_text(vendor + "\n")
        (folder / "idProduct").write_text(product + "\n")
    (root / "usb1-port").mkdir(parents=True, exist_ok=True)  # an entry without ids (a port, an interface)
    return root


def registry(bench: SimulatedHardware, usb_root: Path) -> Registry:
    options = {"sim-fingerprint": {"hardware": bench}, "sim-camera": {"hardware": bench}}
    return Registry(DevicePolicy.build("test"), options=options, usb_root=usb_root)


def test_the_usb_devices_plugged_in_are_read_from_sysfs(tmp_path: Path) -> None:
    root = sysfs(tmp_path / "usb", ("3-1", "1234", "5678"), ("3-2", "1d6b", "0002"))
    found = present(root)
    assert found is not None and [(str(d.id), d.path) for d in found] == [
        ("1234:5678", "3-1"),
        ("1d6b:0002", "3-2"),
    ]
    assert present(tmp_path / "no-such-folder") is None


def test_a_driver_whose_ids_are_absent_is_not_probed(
    acme: Path, bench: SimulatedHardware, tmp_path: Path
) -> None:
    absent = registry(bench, sysfs(tmp_path / "none", ("3-2", "1d6b", "0002"))).scan()
    assert absent.by_id("acme-fp:1-4") is None  # its table names 1234:5678, which is not plugged in
    assert absent.by_id("generic-fp:1-4") is not None  # a driver without a table still probes
    plugged = registry(bench, sysfs(tmp_path / "one", ("3-1", "1234", "5678"))).scan()
    assert plugged.by_id("acme-fp:1-4") is not None


def test_without_sysfs_every_driver_probes(acme: Path, bench: SimulatedHardware, tmp_path: Path) -> None:
    inventory = registry(bench, tmp_path / "no-sysfs").scan()
    assert inventory.by_id("acme-fp:1-4") is not None


def test_a_partial_id_table_never_keeps_a_driver_from_probing(tmp_path: Path) -> None:
    from devices.libfprint.reader import LibfprintReader

    registry = Registry(
        DevicePolicy.build("test"), usb_root=sysfs(tmp_path / "none", ("3-2", "1d6b", "0002"))
    )
    assert LibfprintReader in registry._plugged([LibfprintReader])  # libfprint knows hundreds more ids
