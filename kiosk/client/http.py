"""The station's HTTPS client: pinned certificates, signed requests, bounded answers, mapped errors.

Every failure becomes a `BackendError` carrying a message code for the operator and whether trying
again may help, so the outbox and the screens never parse exceptions from `requests`.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import requests
from pydantic import BaseModel, ValidationError

from kiosk.api import API_PREFIX
from kiosk.api.envelopes import (
    HEADER_CONTENT_SHA256,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_STATION,
    HEADER_TIME,
    b64,
    request_bytes,
)
from kiosk.api.errors import BY_CODE
from kiosk.clock import Clock, rfc3339, utcnow
from kiosk.errors import KioskError

MAX_ANSWER_BYTES = 1024 * 1024
M = TypeVar("M", bound=BaseModel)


class BackendError(KioskError):
    """A call that failed. `api_code` is the contract's code when the backend answered one."""

    def __init__(self, code: str, retryable: bool, api_code: str | None = None, **params: Any) -> None:
        super().__init__(code, **params)
        self.retryable = retryable
        self.api_code = api_code


class HttpClient:
    def __init__(
        self,
        url: str,
        pins: Path,
        station_id: str | None = None,
        sign: Callable[[bytes], bytes] | None = None,
        timeout: float = 10.0,
        clock: Clock = utcnow,
    ) -> None:
        if not url.startswith("https://"):
            raise KioskError("backend.https_only", url=url)
        self.url = url.rstrip("/")
        self.pins = pins
        self.station_id = station_id
        self.sign = sign
        self.timeout = timeout
        self.clock = clock
        self.presented: str | None = None  # the pin (hex SHA-256) of the certificate last served
        self.http = requests.Session()
        self.http.verify = str(pins)  # only the pinned certificates are trusted; no system CAs
        self.http.trust_env = False  # no proxies from the environment between a station and its backend

    def close(self) -> None:
        """Close the pooled connections now.

        `Session.close()` alone does not: since urllib3 2 a PoolManager forgets its pools without
        closing them (they close when garbage-collected), so an idle TLS connection outlived the
        client and a backend stopping gracefully waited for it (urllib3 PR #2661)."""
        for adapter in self.http.adapters.values():
            pools = getattr(getattr(adapter, "poolmanager", None), "pools", None)
            if pools is None:
                continue
            for key in list(pools.keys()):
                pool = pools.get(key)
                if pool is not None:
                    pool.close()
        self.http.close()

    def call(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        raw: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        token: str | None = None,
        idempotent: bool = False,
        signed: bool = True,
    ) -> tuple[int, Any]:
        """One call; an idempotent one is tried twice more, briefly, when the backend was not reached."""
        attempts = 3 if idempotent else 1
        for attempt in range(attempts):
            try:
                return self._once(method, path, body, raw, headers, token, signed)
            except BackendError as exc:
                if not exc.retryable or attempt == attempts - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    def _once(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None,
        raw: bytes | None,
        extra: Mapping[str, str] | None,
        token: str | None,
        signed: bool,
    ) -> tuple[int, Any]:
        full_path = API_PREFIX + path
        data = raw if raw is not None else (json.dumps(body).encode("utf-8") if body is not None else b"")
        headers = {"Accept": "application/json", **(extra or {})}
        if body is not None:
            headers["Content-Type"] = "application/json"
        elif raw is not None:
            headers["Content-Type"] = "application/octet-stream"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if signed:
            if not (self.station_id and self.sign):
                raise KioskError("station.not_registered")
            digest = hashlib.sha256(data).hexdigest()
            headers.update(signed_headers(self.station_id, self.sign, method, full_path, digest, self.clock))
        try:
            answer = self.http.request(
                method,
                self.url + full_path,
                data=data or None,
                headers=headers,
                timeout=self.timeout,
                stream=True,
            )
        except requests.exceptions.SSLError:
            raise BackendError("backend.untrusted", retryable=False, url=self.url) from None
        except requests.exceptions.Timeout:
            raise BackendError("backend.timeout", retryable=True, url=self.url) from None
        except requests.exceptions.RequestException:
            raise BackendError("backend.unreachable", retryable=True, url=self.url) from None
        self.presented = _presented(answer) or self.presented
        with answer:
            content = _bounded(answer)
            status = answer.status_code
        # Drop the answer before `_decode` may raise: a traceback kept by a caller would otherwise keep
        # the response's socket open (and a server waiting for it) until garbage collection.
        del answer
        return status, _decode(status, content)


def signed_headers(
    station_id: str,
    sign: Callable[[bytes], bytes],
    method: str,
    full_path: str,
    body_sha256: str,
    clock: Clock = utcnow,
) -> dict[str, str]:
    """The headers that authenticate one station request (docs/backend.md, "Station requests").

    A fresh nonce every time: every attempt is a new request, so a retry is never taken for a replay."""
    stamp = rfc3339(clock())
    nonce = secrets.token_urlsafe(18)
    return {
        HEADER_STATION: station_id,
        HEADER_TIME: stamp,
        HEADER_NONCE: nonce,
        HEADER_CONTENT_SHA256: body_sha256,
        HEADER_SIGNATURE: b64(sign(request_bytes(method, full_path, stamp, nonce, body_sha256))),
    }


def _presented(answer: requests.Response) -> str | None:
    """Hex SHA-256 of the certificate the server presented on this answer's connection (one of the
    pins, or the handshake would have failed); None when the connection no longer tells."""
    try:
        sock: Any = answer.raw.connection.sock  # type: ignore[union-attr]
        der = sock.getpeercert(binary_form=True)
    except (AttributeError, ValueError, OSError):
        return None
    return hashlib.sha256(der).hexdigest() if der else None


def _bounded(answer: requests.Response) -> bytes:
    chunks, size = [], 0
    try:
        for chunk in answer.iter_content(65536):
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                raise BackendError("backend.bad_answer", retryable=True, reason="answer too large")
            chunks.append(chunk)
    except requests.exceptions.RequestException:
        raise BackendError("backend.unreachable", retryable=True, url=answer.url) from None
    return b"".join(chunks)


def _decode(status: int, content: bytes) -> Any:
    try:
        data = json.loads(content) if content else None
    except ValueError:
        data = None
        if status < 300 or status >= 500:
            raise BackendError(
                "backend.bad_answer", retryable=True, reason=f"HTTP {status}, not JSON"
            ) from None
    if status < 300:
        return data
    code = None
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        code = data["error"].get("code")
    if code in BY_CODE:
        raise BackendError(f"backend.error.{code}", retryable=BY_CODE[code].retryable, api_code=code)
    raise BackendError("backend.bad_answer", retryable=status >= 500, reason=f"HTTP {status}")


def parse(model: type[M], data: Any) -> M:
    """Validate an answer against the contract; a backend that lies is a retryable bad answer."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BackendError(
            "backend.bad_answer", retryable=True, reason=str(exc.errors()[0].get("msg"))
        ) from None
