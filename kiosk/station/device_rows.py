"""The technician's table of devices: what each found device is, may it be used, does the backend know it.

One row per device the last scan found (and per driver the station's allow-list refused), so the
technician sees in one place why a reader is not used: the driver is not allowed, the serial is not
registered with the backend, another driver won it, it is unplugged. States and verdicts are message
codes; the rows carry no image and nothing about any person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from devices.inventory import Inventory
from kiosk.messages import Message


@dataclass(frozen=True)
class DeviceRow:
    device_id: str
    kind: str  # fingerprint | camera | "" for a refused driver
    name: str
    driver: str
    serial: str
    firmware: str
    state: str  # open | ready | in_use | shadowed | gone | refused: code ui.devices.state.<state>
    allowed: bool  # the station's allow-list lets this driver load
    verdict: Message  # why it may or may not be used
    registered: bool | None  # the backend knows the serial for this station; None: not known yet

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.device_id,
            "kind": self.kind,
            "name": self.name,
            "driver": self.driver,
            "serial": self.serial,
            "firmware": self.firmware,
            "state": self.state,
            "allowed": self.allowed,
            "verdict": self.verdict.code,
            "registered": self.registered,
        }


def device_rows(
    inventory: Inventory, open_ids: set[str], registered: frozenset[str] | None
) -> list[DeviceRow]:
    """Rows for `inventory`; `open_ids` are the devices the station holds open and usable now."""
    rows = []
    for info, shadowed in [(d, False) for d in inventory.devices] + [(d, True) for d in inventory.shadowed]:
        status = inventory.status.get(info.device_id, "ready")
        if info.device_id in open_ids:
            state = "open"
        elif shadowed:
            state = "shadowed"
        else:
            state = status.replace("-", "_") if status in ("ready", "in-use") else "ready"
        known = None if registered is None else info.serial in registered
        if known is False:
            verdict = Message("station.devices.verdict.unregistered", {"serial": info.serial})
        elif shadowed:
            verdict = Message("station.devices.verdict.shadowed")
        else:
            verdict = Message("station.devices.verdict.allowed")
        rows.append(
            DeviceRow(
                info.device_id,
                str(info.kind),
                info.display_name,
                info.driver_id,
                info.serial,
                info.firmware or "-",
                state,
                True,
                verdict,
                known,
            )
        )
    for failure in inventory.failures:
        if failure.stage != "policy":
            continue  # drivers that failed to load or probe are in the diagnostics report, not devices
        rows.append(
            DeviceRow(
                failure.driver_id,
                "",
                failure.driver_id,
                failure.driver_id,
                "-",
                "-",
                "refused",
                False,
                Message("station.devices.verdict.refused"),
                None,
            )
        )
    return rows


def gone_rows(rows: list[DeviceRow], before: list[DeviceRow]) -> list[DeviceRow]:
    """Devices of the previous table that the new scan no longer finds: shown as gone until they are
    found again, so an unplugged reader does not vanish from the technician's table when something else
    changes (the station announces several changes for one unplugging)."""
    now = {r.device_id for r in rows}
    return [
        DeviceRow(
            r.device_id,
            r.kind,
            r.name,
            r.driver,
            r.serial,
            r.firmware,
            "gone",
            r.allowed,
            Message("station.devices.verdict.gone"),
            r.registered,
        )
        for r in before
        if r.device_id not in now and r.state != "refused"
    ]
