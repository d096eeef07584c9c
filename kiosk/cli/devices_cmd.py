"""`kiosk devices list|capture`: the inventory a support ticket needs, and a technician's single capture.

`list` shows every device found and every driver that failed, with why. `capture` writes one PNG and is
a technician's tool: it refuses to run while an enrolment session is open (`kiosk.session_lock`), so a
real person's print can never end up in a technician's file.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from devices.camera import Camera
from devices.errors import DeviceError
from devices.fingerprint import FingerprintReader
from devices.frames import Frame
from devices.policy import DevicePolicy
from devices.positions import Finger
from devices.registry import Registry
from kiosk.cli.context import Context, table
from kiosk.config import Config
from kiosk.errors import KioskError, UsageError
from kiosk.messages import Message
from kiosk.session_lock import enrolment_open

SIMULATED_PERSON = 1


def registry_from_config(config: Config, **options: Any) -> Registry:
    """The station's registry: mode and driver priorities from the configuration."""
    policy = DevicePolicy.build(mode=str(config["mode"]))
    return Registry(policy=policy, priority=dict(config["devices.priority"] or {}), options=options or None)


def device_error(exc: DeviceError) -> KioskError:
    """A device failure as the kiosk's one-line, translated error."""
    return KioskError(exc.code, **exc.to_json()["params"])


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("devices", help="list fingerprint readers and cameras; capture one image")
    sub = parser.add_subparsers(dest="devices_command", required=True, metavar="ACTION")
    listing = sub.add_parser("list", help="every device found and every driver that failed")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=list_devices)
    capture = sub.add_parser(
        "capture", help="capture one image to a PNG (technicians; not during an enrolment)"
    )
    capture.add_argument("device", metavar="DEVICE", help="device id as shown by `kiosk devices list`")
    capture.add_argument("--out", type=Path, required=True, metavar="FILE", help="PNG file to write")
    capture.add_argument(
        "--finger", metavar="POSITION", help="right-thumb … left-little, or 1–10 (fingerprint readers)"
    )
    capture.add_argument(
        "--timeout", type=float, default=15.0, metavar="SECONDS", help="how long to wait (default 15)"
    )
    capture.add_argument(
        "--person",
        type=int,
        default=SIMULATED_PERSON,
        metavar="SEED",
        help="simulated readers only: which synthetic person's finger to place (default 1)",
    )
    capture.add_argument("--json", action="store_true", help="machine-readable output")
    capture.set_defaults(func=capture_image)


def list_devices(ctx: Context, args: argparse.Namespace) -> int:
    data = registry_from_config(ctx.config).scan().to_json()

    def human(d: dict[str, Any]) -> str:
        rows = [
            [
                r["id"],
                r["kind"],
                r["driver"],
                r["vendor"],
                r["model"],
                r["serial"],
                r["firmware"],
                r["resolution"] or "",
                ",".join(r["capabilities"]),
                r["status"],
            ]
            for r in d["devices"] + d["shadowed"]
        ]
        head = [
            "id",
            "kind",
            "driver",
            "vendor",
            "model",
            "serial",
            "firmware",
            "resolution",
            "capabilities",
            "status",
        ]
        text = table(rows, head) if rows else ctx.text(Message("devices.cli.no_devices"))
        if d["failures"]:
            text += "\n\n" + ctx.text(Message("devices.cli.failed_drivers")) + ":\n"
            text += "\n".join(
                f"  {f['driver']} ({f['stage']}): {ctx.text(Message(f['code'], f['params']))}"
                for f in d["failures"]
            )
        hint = simulators_hint(d["failures"])
        if hint is not None:
            text += "\n\n" + ctx.text(hint)
        return text

    ctx.emit(data, args.json, human)
    return 0


def simulators_hint(failures: list[dict[str, Any]]) -> Message | None:
    """Out of the box (production mode) the simulators are refused: say how to use them."""
    if any(f["stage"] == "policy" and str(f["driver"]).startswith("sim-") for f in failures):
        return Message("devices.cli.simulators_hint")
    return None


def capture_image(ctx: Context, args: argparse.Namespace) -> int:
    if enrolment_open(ctx.data_dir):
        raise KioskError("devices.cli.session_open")
    finger = _finger(args.finger)
    out: Path = args.out
    if not out.parent.is_dir():
        raise KioskError("devices.cli.cannot_write", path=str(out), reason="the folder does not exist")
    registry = registry_from_config(ctx.config)
    try:
        device = registry.open(args.device)
        try:
            frame = _capture(device, finger, args.person, args.timeout)
        finally:
            registry.release(device)
    except DeviceError as exc:
        raise device_error(exc) from None
    _write_png(frame, out, finger)
    data = {
        "device": args.device,
        "out": str(out),
        "width": frame.size[0],
        "height": frame.size[1],
        "ppi": frame.ppi,
        "finger": finger.slug if finger else None,
        "seq": frame.seq,
        "capture_seconds": round(float(frame.meta.get("capture_seconds", 0.0)), 3),
    }

    def human(d: dict[str, Any]) -> str:
        return ctx.text(
            Message(
                "devices.cli.captured",
                {"device": d["device"], "path": d["out"], "width": d["width"], "height": d["height"]},
            )
        )

    ctx.emit(data, args.json, human)
    return 0


def _finger(text: str | None) -> Finger | None:
    if text is None:
        return None
    try:
        return Finger.parse(text)
    except ValueError:
        raise UsageError("devices.cli.bad_finger", value=text) from None


def _capture(device: Any, finger: Finger | None, person: int, timeout: float) -> Frame:
    if isinstance(device, FingerprintReader):
        simulation = getattr(device, "simulation", None)
        if simulation is not None and not simulation.placed:
            simulation.place(person, finger or Finger.RIGHT_INDEX)
        return device.capture(timeout)
    if isinstance(device, Camera):
        return device.capture_still(timeout)
    raise KioskError("devices.error.not_found", device=device.device_id, reason_suffix="")


def _write_png(frame: Frame, out: Path, finger: Finger | None) -> None:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("device", frame.device_id)
    if finger is not None:
        info.add_text("finger", finger.slug)
    extra: dict[str, Any] = {"pnginfo": info}
    if frame.ppi:
        extra["dpi"] = (frame.ppi, frame.ppi)
    try:
        Image.fromarray(frame.image).save(out, format="PNG", **extra)
    except OSError as exc:
        raise KioskError("devices.cli.cannot_write", path=str(out), reason=exc.strerror or str(exc)) from None
