"""The door every request passes before the application reads a byte of its body.

A plain ASGI middleware, because FastAPI reads a route's whole body before it runs any dependency: a
chunked upload with no length would otherwise be held in memory whole before anyone asked who sent
it. Here a station's request is authenticated from its headers alone (the signature covers the body's
declared digest), its nonce remembered, its media type and declared length checked; only then is the
body read, chunk by chunk, refused the moment it passes the route's limit, and held to the signed
digest before the application sees it. A refused request therefore costs at most the route's limit
in memory, and an unauthenticated one costs nothing, whatever it sends.

Refusals count in the backend's figures only for authenticated stations, so nobody can write into
another station's statistics by naming it in a header.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk.api.envelopes import (
    HEADER_CONTENT_SHA256,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_STATION,
    HEADER_TIME,
)
from kiosk.backend.errors import ApiError
from kiosk.backend.service import Backend

SCOPE_KEY = "kiosk.station"
MAX_SIGNED_BYTES = 4 * 1024 * 1024  # a signed JSON call (a diagnostics report is the largest)
MAX_UNSIGNED_BYTES = 64 * 1024  # registration: a token, a name and two public keys


@dataclass(frozen=True)
class Route:
    """What the gate needs to know of a matched route."""

    signed: bool
    limit: int
    media_type: str | None = None  # the only Content-Type accepted, when the contract names one
    counted: bool = False  # refusals count in the backend's packet figures


Classify = Callable[[Scope], Route | None]  # None: no route matches (the application answers 404/405)


class Disconnected(Exception):
    """The client went away during the upload: there is nobody to answer."""


class StationGate:
    def __init__(self, app: ASGIApp, backend: Backend, classify: Classify) -> None:
        self.app = app
        self.backend = backend
        self.classify = classify

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = self.classify(scope)
        if route is None:
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        read = False
        try:
            if route.signed:
                scope[SCOPE_KEY] = await run_in_threadpool(self._authenticate, scope, headers)
            self._check_declared(route, headers)
            read = True
            chunks, digest = await _read(receive, route.limit)
            if route.signed and digest != headers.get(HEADER_CONTENT_SHA256.lower()):
                raise ApiError("unauthenticated", "the body does not match its signed digest")
        except Disconnected:
            return
        except ApiError as exc:
            if route.counted and SCOPE_KEY in scope:
                await run_in_threadpool(self._count, exc.code, scope, headers)
            # A body of a declared, acceptable length is drained (read and dropped) so the client can read
            # the answer on a connection it may keep; anything else is answered and the connection closed.
            declared = headers.get("content-length", "")
            drain = not read and declared.isdigit() and int(declared) <= route.limit
            try:
                if drain:
                    await _drain(receive)
            except Disconnected:
                return
            await _refuse(send, exc, close=not drain)
            return
        await self.app(scope, _replay(chunks, receive), send)

    def _authenticate(self, scope: Scope, headers: dict[str, str]) -> Any:
        return self.backend.authenticate(
            headers.get(HEADER_STATION.lower()),
            headers.get(HEADER_TIME.lower()),
            headers.get(HEADER_NONCE.lower()),
            headers.get(HEADER_CONTENT_SHA256.lower()),
            headers.get(HEADER_SIGNATURE.lower()),
            scope["method"],
            signed_path(scope),
        )

    @staticmethod
    def _check_declared(route: Route, headers: dict[str, str]) -> None:
        if route.media_type is not None:
            declared_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if declared_type != route.media_type:
                raise ApiError("unsupported_media_type", f"send {route.media_type}")
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > route.limit:
            raise ApiError("too_large")

    def _count(self, code: str, scope: Scope, headers: dict[str, str]) -> None:
        self.backend.store.event(
            "rejected", self.backend.now(), code, scope[SCOPE_KEY]["station_id"], headers.get("x-packet-id")
        )


def signed_path(scope: Scope) -> str:
    """The path and query exactly as the station sent them (percent-encoded): what it signed.

    Not the decoded path: a station asking for `/persons/A%2541` would have signed one path and been
    checked against another."""
    raw = scope.get("raw_path") or scope["path"].encode("utf-8")
    query = scope.get("query_string", b"")
    return str(raw.decode("latin-1") + ("?" + query.decode("latin-1") if query else ""))


def _headers(scope: Scope) -> dict[str, str]:
    """Header names lower-cased; a repeated header keeps its first value (as Starlette reads them)."""
    found: dict[str, str] = {}
    for name, value in scope.get("headers", ()):
        found.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return found


async def _read(receive: Receive, limit: int) -> tuple[list[bytes], str]:
    """The body's chunks and their hex SHA-256; `too_large` as soon as they pass `limit` (the rest is
    never read)."""
    chunks: list[bytes] = []
    digest = hashlib.sha256()
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise ApiError("too_large")
        if chunk:
            chunks.append(chunk)
            digest.update(chunk)
        if not message.get("more_body", False):
            return chunks, digest.hexdigest()


def _replay(chunks: list[bytes], receive: Receive) -> Receive:
    """Hand the application the body already read, then the connection's own events (disconnect)."""
    pending = list(chunks) or [b""]

    async def replayed() -> Message:
        if pending:
            chunk = pending.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(pending)}
        return await receive()

    return replayed


async def _drain(receive: Receive) -> None:
    """Read the rest of a body and keep none of it."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Disconnected
        if not message.get("more_body", False):
            return


async def _refuse(send: Send, error: ApiError, close: bool) -> None:
    """The contract's error answer; with `close`, the connection ends, so an unread body is never read."""
    body = json.dumps({"error": {"code": error.code, "message": error.detail}}, separators=(",", ":")).encode(
        "utf-8"
    )
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode("ascii")),
                *([(b"connection", b"close")] if close else []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
