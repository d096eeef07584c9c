"""A fingerprint device behind an SBI 1.0 service: discovery, device info, registration capture, preview.

The device decides when a print is good enough (RCAPTURE with `requestedScore` and a timeout), so
`capture` is one RCAPTURE, not the generic finger tracker; live frames for the preview come from
STREAM (multipart JPEG). Nothing the service says is used before it verifies: the device info and
every biometric are JWS signed by the device's key, whose certificate must chain to a CA of the
device-provider trust store (`trust_store` option, a PEM bundle); the biometric must echo our
transaction id, carry a timestamp near our clock, and continue the hash chain.

Options (`Registry(options={"sbi": {...}})`): `ports` ("4501-4600"), `host`, `trust_store`, `env`
("Production"), `purpose` ("Registration"), `spec_version` ("0.9.5"), `requested_score` (40),
`max_lag` (seconds, 120), `finger` (the `bioSubType` to ask for, "UNKNOWN").
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import cv2
import numpy as np
import requests

from devices.errors import DeviceError, DeviceTimeout, Disconnected, NotPermitted
from devices.facts import Found
from devices.fingerprint import FingerprintReader, FrameCallback
from devices.frames import Frame, Image
from devices.sbi import iso_image, trust
from devices.sbi.client import SbiClient, discover, port_range
from devices.sbi.errors import UntrustedResponse, status_error

HTTP_MARGIN = 2.0  # seconds past the capture timeout before a silent service counts as timed out
DEFAULTS = {
    "env": "Production",
    "purpose": "Registration",
    "spec_version": "0.9.5",
    "requested_score": 40,
    "max_lag": 120.0,
    "finger": "UNKNOWN",
}


class SbiReader(FingerprintReader):
    driver_id = "sbi"
    display_name = "MOSIP SBI fingerprint device"
    vendor = "MOSIP SBI"

    @classmethod
    def probe(cls, options: Mapping[str, Any]) -> Sequence[Found]:
        found = []
        for port, device in discover(port_range(options.get("ports")), options.get("host", "127.0.0.1")):
            digital = _digital_id(device.get("digitalId", ""))
            device_id = str(device.get("deviceId", "0"))
            found.append(
                Found(
                    f"sbi:{port}:{device_id}",
                    score=70,
                    serial=str(digital.get("serialNo", "")),
                    model=" ".join(str(digital.get(k, "")) for k in ("make", "model")).strip(),
                    details={
                        "port": port,
                        "sbi_device_id": device_id,
                        "sub_ids": list(device.get("deviceSubId", [])),
                        "status": device.get("deviceStatus", ""),
                        "certification": device.get("certification", ""),
                    },
                )
            )
        return found

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.settings = {**DEFAULTS, **{k: v for k, v in self.options.items() if k in DEFAULTS}}
        self._client = SbiClient(int(self.info.details["port"]), self.options.get("host", "127.0.0.1"))
        self._store: list[Any] = []
        self._stream: requests.Response | None = None
        self._parts: Any = None
        self._meta: dict[str, Any] = {}

    # -- hooks -----------------------------------------------------------------------------------------
    def _open_hw(self) -> None:
        path = self.options.get("trust_store")
        if not path:
            raise NotPermitted(
                self.device_id, reason="no device-provider trust store is configured (trust_store)"
            )
        try:
            self._store = trust.load_trust_store(path)
        except trust.Untrusted as exc:
            raise UntrustedResponse(self.device_id, reason=str(exc)) from None
        answer = self._request("MOSIPDINFO", "/info", None, 5.0)
        for entry in answer if isinstance(answer, list) else []:
            self._raise_for(entry.get("error"))
            info = self._verified(entry["deviceInfo"])
            if str(info.get("deviceId")) != self.info.details["sbi_device_id"]:
                continue
            if info.get("deviceStatus") == "Not Registered":
                raise status_error(100, "", self.device_id)
            digital = _digital_id(info.get("digitalId", ""), self._store)
            serial = str(digital.get("serialNo", self.info.serial))
            self._info = replace(self._info, serial=serial, firmware=str(info.get("firmware", "")))
            return
        raise status_error(202, "", self.device_id)

    def _close_hw(self) -> None:
        if self._stream is not None:
            self._stream.close()
        self._stream = self._parts = None

    def capture(
        self, timeout: float = 10.0, *, on_frame: FrameCallback | None = None, require_lift: bool = False
    ) -> Frame:
        """One RCAPTURE: the device waits for a good enough finger itself (`on_frame` is not called)."""
        start = time.monotonic()
        with self._acquisition(object()):
            frame = self._single_shot(timeout, start)
        frame.meta.update(self._meta)
        return frame

    def _capture_image(self, timeout: float) -> Image:
        transaction = secrets.token_hex(8)
        requested = int(self.settings["requested_score"])
        body = {
            "env": self.settings["env"],
            "purpose": self.settings["purpose"],
            "specVersion": self.settings["spec_version"],
            "timeout": int(timeout * 1000),
            "captureTime": _now_iso(),
            "transactionId": transaction,
            "bio": [
                {
                    "type": "Finger",
                    "count": 1,
                    "bioSubType": [self.settings["finger"]],
                    "exception": list(self.options.get("exception", [])),
                    "requestedScore": requested,
                    "deviceId": self.info.details["sbi_device_id"],
                    "deviceSubId": str((self.info.details.get("sub_ids") or ["0"])[0]),
                    "previousHash": "",
                }
            ],
            "customOpts": None,
        }
        answer = self._request("RCAPTURE", "/capture", body, timeout + HTTP_MARGIN, seconds=timeout)
        biometrics = answer.get("biometrics") if isinstance(answer, dict) else None
        if not biometrics:
            raise UntrustedResponse(self.device_id, reason="the answer holds no biometrics")
        previous, images = trust.EMPTY_HASH, []
        for item in biometrics:
            self._raise_for(item.get("error"), seconds=timeout)
            data = self._verified(item["data"])
            record = trust.b64url_decode(str(data.get("bioValue", "")))
            previous = trust.next_hash(previous, record)
            self._expect(str(item.get("hash", "")).upper() == previous, "the hash chain is broken")
            self._expect(data.get("transactionId") == transaction, "the transaction id was not echoed")
            try:
                trust.check_timestamp(
                    str(data.get("timestamp", "")), datetime.now(UTC), float(self.settings["max_lag"])
                )
            except trust.Untrusted as exc:
                raise UntrustedResponse(self.device_id, reason=str(exc)) from None
            images.append((data, record))
        data, record = images[0]
        try:
            decoded = iso_image.decode(record)
        except (ValueError, OSError) as exc:
            raise UntrustedResponse(
                self.device_id, reason=f"bioValue is not a usable ISO record: {exc}"
            ) from None
        score = float(data.get("qualityScore", 0) or 0)
        self._meta = {"quality_score": score, "below_requested": score < requested, "iso_ppi": decoded.ppi}
        return decoded.pixels

    def _read_frame(self, timeout: float) -> Image:
        """The next JPEG of the STREAM preview (opened on first use)."""
        if self._parts is None:
            body = {
                "serialNo": self.info.serial,
                "deviceSubId": str((self.info.details.get("sub_ids") or ["0"])[0]),
                "timeout": 0,
            }
            try:
                self._stream = self._client.stream(body, timeout)
            except requests.RequestException as exc:
                raise _transport(exc, self.device_id, timeout) from None
            self._parts = _jpeg_parts(self._stream)
        try:
            jpeg = next(self._parts)
        except StopIteration:
            raise Disconnected(self.device_id, reason="the SBI preview stream ended") from None
        except requests.RequestException as exc:
            raise _transport(exc, self.device_id, timeout) from None
        image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)
        if image is None:
            raise DeviceTimeout(self.device_id, reason="an undecodable preview frame", seconds=timeout)
        return np.ascontiguousarray(image, dtype=np.uint8)

    # -- internals -------------------------------------------------------------------------------------
    def _request(
        self, verb: str, path: str, body: dict[str, Any] | None, read: float, seconds: float = 0.0
    ) -> Any:
        try:
            return self._client.call(verb, path, body, read)
        except requests.RequestException as exc:
            raise _transport(exc, self.device_id, seconds or read) from None
        except ValueError as exc:
            raise UntrustedResponse(self.device_id, reason=f"the answer is not JSON: {exc}") from None

    def _verified(self, token: str) -> dict[str, Any]:
        try:
            return trust.verify_jws(str(token), self._store)
        except trust.Untrusted as exc:
            raise UntrustedResponse(self.device_id, reason=str(exc)) from None

    def _raise_for(self, error: Any, **params: Any) -> None:
        if isinstance(error, dict) and str(error.get("errorCode", "0")) not in ("0", ""):
            raise status_error(
                int(error["errorCode"]), str(error.get("errorInfo", "")), self.device_id, **params
            )

    def _expect(self, ok: bool, reason: str) -> None:
        if not ok:
            raise UntrustedResponse(self.device_id, reason=reason)


def _transport(exc: requests.RequestException, device: str, seconds: float) -> DeviceError:
    if isinstance(exc, requests.Timeout):
        return DeviceTimeout(device, reason="the SBI service did not answer in time", seconds=seconds)
    return Disconnected(device, reason=f"the SBI service is unreachable ({type(exc).__name__})")


def _digital_id(value: str, store: Sequence[Any] | None = None) -> dict[str, Any]:
    """`digitalId`: a JWS signed by the device (verified when a store is given) or plain base64url JSON."""
    import json

    try:
        if value.count(".") == 2:
            if store is not None:
                return trust.verify_jws(value, store)
            value = value.split(".")[1]
        decoded: dict[str, Any] = json.loads(trust.b64url_decode(value))
        return decoded
    except (ValueError, trust.Untrusted):
        return {}


def _jpeg_parts(response: requests.Response) -> Any:
    """JPEG bodies of a multipart/x-mixed-replace stream, by their Content-Length headers."""
    raw = response.raw
    while True:
        length = None
        while True:
            line = raw.readline()
            if not line:
                return
            text = line.decode("latin-1").strip()
            if text.lower().startswith("content-length:"):
                length = int(text.split(":", 1)[1])
            elif not text and length is not None:
                break
        yield raw.read(length)


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
