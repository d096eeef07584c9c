"""What the technician does with the station's devices: a live test, the self-tests, and the report.

One device job at a time (a live test holds the device's stream; a self-test reads it too), decided
here so the screen only enables what this object allows. The live test hands each frame to a callback
with its live measure and keeps nothing: the frame is painted and dropped, never written anywhere. The
self-tests are `devices.diagnostics.selftest` on the devices the station holds open (the same checks
as `kiosk diagnose`, which opens them itself when no window holds them); a device pulled out in the
middle ends its own run with the error, and the report says so.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devices.diagnostics import DeviceReport, DiagnosticsReport, selftest
from devices.errors import DeviceError, StreamStopped
from kiosk.enrol.devices import StationDevices
from kiosk.errors import KioskError
from kiosk.jobs import Job
from kiosk.messages import Message


@dataclass(frozen=True)
class LiveFrame:
    """A frame for the screen only, with its measure: a fingerprint's live NFIQ 2 estimate (0-100), or
    a camera's focus (sharpness) and mean grey level."""

    image: Any
    kind: str  # fingerprint | camera
    estimate: float | None  # fingerprint: live estimate; None without a finger
    advice: tuple[Message, ...] = ()
    sharpness: float | None = None
    brightness: float | None = None


@dataclass(frozen=True)
class LiveSummary:
    kind: str
    frames: int
    best_estimate: float | None
    error: Message | None = None


class DeviceConsole:
    def __init__(self, devices: StationDevices) -> None:
        self.devices = devices
        self.busy: str | None = None  # "live" | "selftest" while a job holds the devices
        self._cancel = threading.Event()

    def device(self, kind: str) -> Any:
        device = self.devices.reader if kind == "fingerprint" else self.devices.camera
        if device is None or device.gone or not device.is_open:
            problem = self.devices.problems.get(kind)
            if problem is not None:
                raise KioskError(problem.code, **problem.params)
            raise KioskError("enrol.no_reader" if kind == "fingerprint" else "enrol.no_camera")
        return device

    def _claim(self, what: str) -> None:
        if self.busy is not None:
            raise KioskError("station.devices.busy", what=Message(f"station.devices.job.{self.busy}"))
        self.busy = what
        self._cancel.clear()

    def _release(self, value: Any) -> Any:
        self.busy = None
        return value

    def _fail(self, exc: BaseException) -> Any:
        self.busy = None
        raise exc

    # -- live test ------------------------------------------------------------------------------------------
    def live_job(self, kind: str, on_frame: Callable[[LiveFrame], None]) -> Job[LiveSummary, LiveSummary]:
        """Show `kind`'s frames until `stop_live()`; a device that goes ends it with the error."""
        device = self.device(kind)
        self._claim("live")
        cancel = self._cancel

        def work() -> LiveSummary:
            frames, best = 0, None
            try:
                with device.stream() as stream:
                    while not cancel.is_set():
                        frame = stream.read(2.0)
                        frames += 1
                        shown = measure(kind, frame)
                        if shown.estimate is not None:
                            best = max(best or 0.0, shown.estimate)
                        on_frame(shown)
            except StreamStopped:
                pass
            except DeviceError as exc:
                return LiveSummary(kind, frames, best, Message(exc.code, exc.to_json()["params"]))
            return LiveSummary(kind, frames, best)

        return Job("devices.live", work, self._release, self._fail)

    def stop_live(self) -> None:
        self._cancel.set()

    # -- self-tests -----------------------------------------------------------------------------------------
    def selftest_job(self, frames: int = 12) -> Job[DiagnosticsReport, DiagnosticsReport]:
        """Self-test the open reader and camera (each that is there; one that is not is an open error)."""
        self._claim("selftest")
        devices = self.devices

        def work() -> DiagnosticsReport:
            report = DiagnosticsReport(devices.registry.scan())
            for kind in ("fingerprint", "camera"):
                try:
                    device = self.device(kind)
                except KioskError as exc:
                    report.open_errors.append(
                        {"device": kind, "code": exc.message.code, "params": dict(exc.message.params)}
                    )
                    continue
                report.devices.append(selftest(device, frames=frames))
            return report

        return Job("devices.selftest", work, self._release, self._fail)


def measure(kind: str, frame: Any) -> LiveFrame:
    if kind == "fingerprint":
        from kiosk.quality.live import live_estimate

        if frame.finger_present is False:
            return LiveFrame(frame.image, kind, None)
        try:
            estimate = live_estimate(frame.image, frame.ppi or 500)
        except ValueError:
            return LiveFrame(frame.image, kind, None)
        return LiveFrame(frame.image, kind, float(estimate.estimate), tuple(estimate.guidance))
    from devices.diagnostics import measures

    grey = frame.image if frame.image.ndim == 2 else frame.image.mean(axis=2).astype("uint8")
    return LiveFrame(
        frame.image,
        kind,
        None,
        sharpness=round(float(measures.sharpness(grey)), 1),
        brightness=round(float(grey.mean()), 1),
    )


def device_verdict(report: DeviceReport) -> Message:
    """One line per device for the screen: passed, failed with the first advice, or the error."""
    name = report.info.display_name
    if report.error is not None:
        return Message(
            "station.devices.selftest.error",
            {"device": name, "error": Message(report.error["code"], report.error.get("params", {}))},
        )
    failed = [c for c in report.checks if c.passed is False]
    if failed:
        first = failed[0]
        advice = Message(first.advice, first.params) if first.advice else Message("ui.empty")
        return Message(
            "station.devices.selftest.failed",
            {"device": name, "check": Message(f"devices.check.{first.name}"), "advice": advice},
        )
    return Message("station.devices.selftest.passed", {"device": name, "checks": len(report.checks)})
