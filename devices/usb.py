"""Which USB devices are plugged in, and which driver's id table claims them (libfprint's id tables).

A driver states the vendor/product ids it serves (`Device.usb_ids`). Before probing, the registry reads
the USB devices the kernel lists in sysfs and probes a driver with an id table only when one of its
ids is present: a station with a Futronic does not load SecuGen's SDK to hear it has no device, and a
scan stays fast however many vendor drivers are installed. Where sysfs cannot be read (Windows, some
containers) nothing is skipped: the probes decide, as before.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from devices.facts import UsbId

SYSFS_USB = Path("/sys/bus/usb/devices")


@dataclass(frozen=True)
class UsbDevice:
    id: UsbId
    path: str  # sysfs name, e.g. "3-1.1.3": bus and port chain
    serial: str = ""


def present(root: Path | None = None) -> list[UsbDevice] | None:
    """The USB devices plugged in now, or None when this machine cannot tell (no sysfs)."""
    base = Path(root or os.environ.get("KIOSK_SYSFS_USB", "") or SYSFS_USB)
    try:
        names = sorted(os.listdir(base))
    except OSError:
        return None
    found = []
    for name in names:
        try:
            vendor = (base / name / "idVendor").read_text(encoding="ascii").strip()
            product = (base / name / "idProduct").read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            continue  # an interface or a hub port without ids
        try:
            usb_id = UsbId(int(vendor, 16), int(product, 16))
        except ValueError:
            continue
        serial = ""
        with contextlib.suppress(OSError):
            serial = (base / name / "serial").read_text(encoding="utf-8", errors="replace").strip()
        found.append(UsbDevice(usb_id, name, serial))
    return found


def claimed(usb_ids: tuple[UsbId, ...], plugged: list[UsbDevice]) -> list[UsbDevice]:
    wanted = set(usb_ids)
    return [d for d in plugged if d.id in wanted]
