"""The technician's device table from a scan: states, allow-list verdicts, registration, gone devices."""

from __future__ import annotations

from devices.inventory import DriverFailure, Inventory
from devices.policy import DevicePolicy
from devices.registry import Registry
from devices.sim.hardware import SimulatedHardware
from kiosk.enrol.runner import SIM_DRIVERS
from kiosk.station.device_rows import device_rows, gone_rows


def scan(hardware: SimulatedHardware) -> Inventory:
    options = {"sim-fingerprint": {"hardware": hardware}, "sim-camera": {"hardware": hardware}}
    return Registry(DevicePolicy.build("test", allowed_drivers=SIM_DRIVERS), options=options).scan()


def test_rows_say_state_verdict_and_registration():
    hardware = SimulatedHardware()
    inventory = scan(hardware)
    reader, camera = inventory.of_kind("fingerprint")[0], inventory.of_kind("camera")[0]
    rows = device_rows(inventory, {reader.device_id}, frozenset({reader.serial}))
    by_id = {r.device_id: r for r in rows}
    assert by_id[reader.device_id].state == "open"
    assert by_id[reader.device_id].registered is True
    assert by_id[reader.device_id].verdict.code == "station.devices.verdict.allowed"
    assert by_id[camera.device_id].state == "ready"
    assert by_id[camera.device_id].registered is False
    assert by_id[camera.device_id].verdict.code == "station.devices.verdict.unregistered"
    assert by_id[camera.device_id].serial == camera.serial
    assert device_rows(inventory, set(), None)[0].registered is None


def test_a_driver_off_the_allow_list_is_a_refused_row():
    failure = DriverFailure("acme-reader", "policy", "devices.error.not_permitted", {}, "not allowed")
    crash = DriverFailure("broken", "import", "devices.error.driver_failed", {}, "boom")
    rows = device_rows(Inventory(failures=(failure, crash)), set(), None)
    assert [(r.device_id, r.state, r.allowed) for r in rows] == [("acme-reader", "refused", False)]
    assert rows[0].verdict.code == "station.devices.verdict.refused"
    assert gone_rows([], rows) == []  # a refused driver is not a device that went


def test_an_unplugged_device_stays_in_the_table_as_gone():
    hardware = SimulatedHardware()
    before = device_rows(scan(hardware), set(), None)
    camera = next(r for r in before if r.kind == "camera")
    hardware.unplug(hardware.units("camera")[0].unit_id)
    after = device_rows(scan(hardware), set(), None)
    assert camera.device_id not in {r.device_id for r in after}
    gone = gone_rows(after, before)
    assert [(g.device_id, g.state) for g in gone] == [(camera.device_id, "gone")]
    # it stays gone through later scans (another device's change must not make it vanish)...
    assert [(g.device_id, g.state) for g in gone_rows(after, after + gone)] == [(camera.device_id, "gone")]
    # ...until it is found again
    assert gone_rows(before, before + gone) == []
