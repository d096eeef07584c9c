"""Failures particular to SBI services, rendered from `resources/messages/devices.toml` like the rest."""

from __future__ import annotations

from typing import Any

from devices.errors import Busy, DeviceError, DeviceTimeout, HardwareFault, NotFound, NotPermitted


class UntrustedResponse(HardwareFault):
    """A signature, certificate chain, timestamp, transaction id or hash chain did not check out."""

    code = "devices.error.sbi_signature"
    template = "the SBI service of device {device} returned data that does not verify: {reason}"


class SbiStatus(DeviceError):
    code = "devices.error.sbi_status"
    template = "the SBI service of device {device} answered error {sbi_code}: {reason}"


# SBI 1.0 error codes (MOSIP SBI specification, "Error codes") and what the kiosk makes of them.
STATUS: dict[int, tuple[type[DeviceError], str]] = {
    100: (NotPermitted, "device not registered"),
    101: (DeviceTimeout, "unable to detect a biometric object"),
    102: (HardwareFault, "technical error during extraction"),
    103: (HardwareFault, "device tamper detected"),
    104: (HardwareFault, "unable to connect to the management server"),
    105: (HardwareFault, "image orientation error"),
    106: (NotFound, "device not found"),
    107: (NotPermitted, "device public key expired"),
    108: (NotPermitted, "domain public key missing"),
    109: (SbiStatus, "requested number of biometrics not supported"),
    110: (Busy, "device not ready"),
    111: (Busy, "device busy"),
    202: (NotFound, "no device connected"),
}


def status_error(code: int, info: str, device: str, **params: Any) -> DeviceError:
    kind, meaning = STATUS.get(code, (SbiStatus, info or "unknown error"))
    return kind(device, reason=f"SBI {code}: {meaning}", sbi_code=code, **params)
