"""Device failures: a small typed hierarchy that the kiosk can both act on and explain.

Callers branch on the type (a `Disconnected` reader ends the attempt, a `DeviceTimeout` asks the person
again); people see the `code` and `params`, rendered by the kiosk from `resources/messages/devices.toml`
(this layer cannot import the kiosk's catalogue); technicians and logs get `str()`, a plain English
sentence that names the device.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class DeviceError(Exception):
    """Base of every failure the device layer raises on purpose."""

    code: ClassVar[str] = "devices.error.hardware_fault"
    template: ClassVar[str] = "device {device}: {reason}"

    def __init__(self, device: str = "", reason: str = "", **params: Any) -> None:
        self.params: dict[str, Any] = {"device": device, "reason": reason, **params}
        super().__init__(self.template.format_map(_Blank(self.params)))

    @property
    def device(self) -> str:
        return str(self.params.get("device", ""))

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "params": {k: _plain(v) for k, v in self.params.items()},
            "text": str(self),
        }


class NotFound(DeviceError):
    code = "devices.error.not_found"
    template = "device {device} not found{reason_suffix}"

    def __init__(self, device: str = "", reason: str = "", **params: Any) -> None:
        super().__init__(device, reason, reason_suffix=f": {reason}" if reason else "", **params)


class Busy(DeviceError):
    code = "devices.error.busy"
    template = "device {device} is busy: {reason}"


class Disconnected(DeviceError):
    code = "devices.error.disconnected"
    template = "device {device} was disconnected{reason_suffix}"

    def __init__(self, device: str = "", reason: str = "", **params: Any) -> None:
        super().__init__(device, reason, reason_suffix=f" ({reason})" if reason else "", **params)


class DeviceTimeout(DeviceError, TimeoutError):
    """Nothing arrived in time; the device is still there and may be asked again."""

    code = "devices.error.timeout"
    template = "device {device} gave nothing within {seconds:.1f} s: {reason}"

    def __init__(self, device: str = "", reason: str = "", seconds: float = 0.0, **params: Any) -> None:
        super().__init__(device, reason, seconds=float(seconds), **params)


class FingerLifted(DeviceTimeout):
    """The finger left the sensor before the image settled: ask the person to hold it still longer."""

    code = "devices.error.finger_lifted"
    template = "device {device}: the finger was lifted before the image was stable"


class ScanRetry(DeviceTimeout):
    """The scan was not usable (too short a swipe, finger off centre): the person simply tries again."""

    code = "devices.error.retry_scan"
    template = "device {device}: the scan was not usable ({reason}); try again"


class SwipeTooShort(ScanRetry):
    code = "devices.error.retry_too_short"


class CentreFinger(ScanRetry):
    code = "devices.error.retry_centre_finger"


class RemoveFinger(ScanRetry):
    code = "devices.error.retry_remove_finger"


RETRY_KINDS: dict[str, type[ScanRetry]] = {
    "general": ScanRetry,
    "too_short": SwipeTooShort,
    "centre_finger": CentreFinger,
    "remove_finger": RemoveFinger,
}


class FakeFingerDetected(DeviceError):
    """The reader's own liveness check refused the finger (only where the station turned it on)."""

    code = "devices.error.fake_finger"
    template = "device {device} detected a fake finger: {reason}"


class HardwareFault(DeviceError):
    code = "devices.error.hardware_fault"
    template = "device {device} reported a hardware fault: {reason}"


class ModeRefused(HardwareFault):
    """The device cannot deliver the image size or frame rate asked for."""

    code = "devices.error.mode_refused"
    template = "device {device} refused {wanted}; it delivers {actual}"

    def __init__(
        self, device: str = "", reason: str = "", wanted: str = "", actual: str = "", **params: Any
    ) -> None:
        super().__init__(device, reason, wanted=wanted, actual=actual, **params)


class NotPermitted(DeviceError):
    """The station's policy forbids this driver or device (unregistered serial, simulator in production)."""

    code = "devices.error.not_permitted"
    template = "device {device} is not permitted: {reason}"


class StreamStopped(DeviceError):
    """Reading from a stream that was stopped or closed (the reader is woken, never left hanging)."""

    code = "devices.error.stream_stopped"
    template = "the stream of device {device} is stopped"


class DriverError(DeviceError):
    """A driver package is broken: it failed to import, to load or to probe."""

    code = "devices.error.driver_failed"
    template = "driver {device} failed at {stage}: {reason}"

    def __init__(self, device: str = "", reason: str = "", stage: str = "", **params: Any) -> None:
        super().__init__(device, reason, stage=stage, **params)


class LibraryMissing(DriverError):
    """A driver's system library (a vendor SDK, libfprint) is not installed: say what to install."""

    code = "devices.error.library_missing"
    template = "driver {device}: {library} is not installed ({hint})"

    def __init__(
        self, device: str = "", reason: str = "", library: str = "", hint: str = "", **params: Any
    ) -> None:
        super().__init__(device, reason, stage="probe", library=library, hint=hint, **params)


ERROR_TYPES: tuple[type[DeviceError], ...] = (
    DeviceError,
    NotFound,
    Busy,
    Disconnected,
    DeviceTimeout,
    FingerLifted,
    ScanRetry,
    SwipeTooShort,
    CentreFinger,
    RemoveFinger,
    FakeFingerDetected,
    HardwareFault,
    ModeRefused,
    NotPermitted,
    StreamStopped,
    DriverError,
    LibraryMissing,
)


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)
