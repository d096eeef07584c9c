"""The process's one libfprint context and GLib loop, and the USB facts of the devices it sees.

libfprint keeps one `FpContext` per process (enumeration claims the USB devices it finds), and every
call on it must run in the GLib loop (`glib_loop`), so both are created once, lazily, here.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from devices.facts import UsbId
from devices.libfprint.binding import load
from devices.libfprint.glib_loop import GLibLoop

SYS_USB = Path("/sys/bus/usb/devices")
_lock = threading.Lock()
_state: dict[str, Any] = {}


def runtime() -> tuple[SimpleNamespace, GLibLoop, Any]:
    """(bindings, loop, FPrint.Context); raises LibraryMissing when libfprint cannot be loaded."""
    gi = load()
    with _lock:
        loop = _state.get("loop")
        if loop is None:
            loop = _state["loop"] = GLibLoop(gi.GLib)
    with _lock:
        context = _state.get("context")
    if context is None:
        made = loop.call(gi.FPrint.Context.new)
        with _lock:
            context = _state.setdefault("context", made)
    return gi, loop, context


@dataclass(frozen=True)
class UsbFacts:
    usb: UsbId | None = None
    bus_path: str = ""  # "1-7": the sysfs name, shared by every driver that sees the same plug
    serial: str = ""
    manufacturer: str = ""
    product: str = ""


def usb_facts(gi: SimpleNamespace, fp_device: Any, sysfs: Path = SYS_USB) -> UsbFacts:
    """What udev knows about a libfprint device's USB plug (nothing for virtual devices). Loop thread."""
    if gi.GUsb is None:
        return UsbFacts()
    try:
        usb = fp_device.get_property("fpi-usb-device")
    except TypeError:
        usb = None
    if usb is None:
        return UsbFacts()
    ids = UsbId(int(usb.get_vid()), int(usb.get_pid()))
    bus, address = int(usb.get_bus()), int(usb.get_address())
    node = _sysfs_node(sysfs, bus, address)
    if node is None:
        return UsbFacts(ids, f"{bus}-addr{address}")
    return UsbFacts(
        ids, node.name, _attr(node, "serial"), _attr(node, "manufacturer"), _attr(node, "product")
    )


def _sysfs_node(sysfs: Path, bus: int, address: int) -> Path | None:
    try:
        candidates = sorted(sysfs.iterdir())
    except OSError:
        return None
    for node in candidates:
        if ":" in node.name:
            continue  # an interface, not a device
        if _attr(node, "busnum") == str(bus) and _attr(node, "devnum") == str(address):
            return node
    return None


def _attr(node: Path, name: str) -> str:
    try:
        return (node / name).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
