"""The v1 contract over HTTP: thin FastAPI routes over `Backend`, station signatures, operator sessions.

Errors always answer `{"error": {"code", "message"}}` with a code from `kiosk.api.errors`.
"""

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import Scope

from kiosk import __version__
from kiosk.api import API_PREFIX, models
from kiosk.api.envelopes import HEADER_SIGNATURE, REQUEST_CONTEXT
from kiosk.api.errors import BY_CODE, CODES
from kiosk.backend import checkpoints, gate, intake, operators
from kiosk.backend.errors import ApiError
from kiosk.backend.service import MAX_PACKET_BYTES, Backend

# Every status of the error table (kiosk/api/errors.py), each with the error body and the codes it may
# carry, on every operation: a client generator or a fuzzer sees the whole contract of every answer.
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {
        "model": models.ErrorBody,
        "description": "An error of the contract's table (docs/errors.md): "
        + ", ".join(f"`{c.code}`" for c in CODES if c.status == status),
    }
    for status in sorted({c.status for c in CODES})
}
PACKET_ERRORS: dict[int | str, dict[str, Any]] = {
    200: {"model": models.Receipt, "description": "A resend of the same bytes: the original receipt."},
    **ERRORS,
}
# How requests are authenticated, declared for client generators and fuzzers; the gate checks them.
STATION_SIGNATURE = APIKeyHeader(
    name=HEADER_SIGNATURE,
    scheme_name="stationSignature",
    auto_error=False,
    description=(
        "Every call after registration is signed by the station (docs/backend.md, Trust). Base64 of the "
        "Ed25519 signature, with the station's registered key, over the UTF-8 bytes of "
        f"`{REQUEST_CONTEXT}\\n{{METHOD}}\\n{{path?query, as sent}}\\n{{X-Kiosk-Time}}\\n{{X-Kiosk-Nonce}}"
        "\\n{X-Kiosk-Content-SHA256}`. The request also carries `X-Kiosk-Station` (the station id), "
        "`X-Kiosk-Time` (RFC 3339 UTC, within 5 minutes of the backend's clock), `X-Kiosk-Nonce` (16-64 of "
        "`[A-Za-z0-9_-]`, never reused) and `X-Kiosk-Content-SHA256` (hex SHA-256 of the body, also of an "
        "empty one). Refusals: `unauthenticated`, `unknown_station`, `station_revoked`, `clock_skew`."
    ),
)
OPERATOR_SESSION = HTTPBearer(
    scheme_name="operatorSession",
    auto_error=False,
    description=(
        "An operator's session token (`Authorization: Bearer <token>`) from `POST /sessions/password` or "
        "`POST /sessions/fiel`; bound to the station that opened it, so it is only accepted together "
        "with that station's request signature. Refusals: `session_expired`, `forbidden`."
    ),
)
PACKET_MEDIA_TYPE = "application/octet-stream"
PACKET_BODY = {
    "requestBody": {
        "required": True,
        "content": {PACKET_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    }
}


def create_app(backend: Backend) -> FastAPI:
    app = FastAPI(
        title="Enrolment kiosk backend",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"error": {"code": exc.code, "message": exc.detail}}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse(
            {"error": {"code": "bad_request", "message": f"{where}: {first.get('msg', 'invalid')}"}},
            status_code=400,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "bad_request")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # Allow lists every method of the path, across its routes (RFC 9110)
            methods = set()
            for route in app.router.routes:
                if isinstance(route, APIRoute) and route.matches(request.scope)[0] != Match.NONE:
                    methods |= route.methods or set()
            headers["Allow"] = ", ".join(sorted(methods))
        return JSONResponse(
            {"error": {"code": code, "message": str(exc.detail)}},
            status_code=BY_CODE[code].status,
            headers=headers,
        )

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"error": {"code": "internal", "message": type(exc).__name__}}, status_code=500)

    async def station(
        request: Request,
        x_kiosk_station: Annotated[str | None, Header()] = None,
        x_kiosk_time: Annotated[str | None, Header()] = None,
        x_kiosk_nonce: Annotated[str | None, Header()] = None,
        x_kiosk_content_sha256: Annotated[str | None, Header()] = None,
        x_kiosk_signature: Annotated[str | None, Depends(STATION_SIGNATURE)] = None,
    ) -> Any:
        """The station `gate` authenticated from these headers (they are named here for the contract)."""
        row = request.scope.get(gate.SCOPE_KEY)
        if row is None:
            raise ApiError("unauthenticated", "missing station signature headers")
        return row

    session_token = Annotated[HTTPAuthorizationCredentials | None, Depends(OPERATOR_SESSION)]

    def operator(role_check: str) -> Any:
        def dependency(station_row: Annotated[Any, Depends(station)], authorization: session_token) -> Any:
            row = operators.session(backend, station_row["station_id"], _bearer(authorization))
            operators.authorize(row["role"], role_check)
            return row

        return dependency

    station_row = Annotated[Any, Depends(station)]

    @app.get(f"{API_PREFIX}/health", response_model=models.Health, responses=ERRORS, tags=["station"])
    def health() -> models.Health:
        return models.Health(status="ok", version=__version__, api="v1", time=backend.now())

    @app.post(
        f"{API_PREFIX}/stations",
        response_model=models.StationRegistered,
        status_code=201,
        responses=ERRORS,
        tags=["station"],
    )
    def register(body: models.StationRegistration) -> models.StationRegistered:
        return backend.register_station(body)

    @app.get(f"{API_PREFIX}/config", response_model=models.SignedConfig, responses=ERRORS, tags=["station"])
    def config(row: station_row) -> models.SignedConfig:
        return backend.signed_config(row["station_id"])

    @app.post(
        f"{API_PREFIX}/sessions/password", response_model=models.Session, responses=ERRORS, tags=["operators"]
    )
    def password_login(body: models.PasswordLogin, row: station_row) -> models.Session:
        return operators.password_login(backend, row["station_id"], body)

    @app.post(f"{API_PREFIX}/sessions/password/change", status_code=204, responses=ERRORS, tags=["operators"])
    def password_change(body: models.PasswordChange, row: station_row) -> Response:
        operators.change_password(backend, row["station_id"], body)
        return Response(status_code=204)

    @app.post(
        f"{API_PREFIX}/sessions/fiel/challenge",
        response_model=models.FielChallenge,
        responses=ERRORS,
        tags=["operators"],
    )
    def fiel_challenge(row: station_row) -> models.FielChallenge:
        return operators.fiel_challenge(backend, row["station_id"])

    @app.post(
        f"{API_PREFIX}/sessions/fiel", response_model=models.Session, responses=ERRORS, tags=["operators"]
    )
    def fiel_login(body: models.FielLogin, row: station_row) -> models.Session:
        return operators.fiel_login(backend, row["station_id"], body)

    @app.delete(f"{API_PREFIX}/sessions/current", status_code=204, responses=ERRORS, tags=["operators"])
    def logout(row: station_row, authorization: session_token) -> Response:
        operators.logout(backend, row["station_id"], _bearer(authorization))
        return Response(status_code=204)

    @app.get(
        f"{API_PREFIX}/persons/{{identifier}}",
        response_model=models.Person,
        responses=ERRORS,
        tags=["persons"],
    )
    def person(identifier: str, session: Annotated[Any, Depends(operator("lookup_person"))]) -> models.Person:
        return backend.lookup_person(identifier)

    @app.post(
        f"{API_PREFIX}/devices",
        response_model=models.Device,
        status_code=201,
        responses=ERRORS,
        tags=["devices"],
    )
    def register_device(
        body: models.DeviceRegistration, session: Annotated[Any, Depends(operator("manage_devices"))]
    ) -> models.Device:
        return backend.register_device(session["station_id"], body)

    @app.get(f"{API_PREFIX}/devices", response_model=list[models.Device], responses=ERRORS, tags=["devices"])
    def devices(row: station_row) -> list[models.Device]:
        return backend.devices(row["station_id"])

    @app.post(
        f"{API_PREFIX}/packets",
        response_model=models.Receipt,
        status_code=201,
        responses=PACKET_ERRORS,
        tags=["packets"],
        openapi_extra=PACKET_BODY,
    )
    async def submit(
        request: Request, row: station_row, x_packet_id: Annotated[str, Header(min_length=1, max_length=64)]
    ) -> Response:
        body = await request.body()  # already read by the gate, within the limit and the signed digest
        receipt, duplicate = await run_in_threadpool(intake.submit, backend, row, x_packet_id, body)
        return JSONResponse(receipt.model_dump(), status_code=200 if duplicate else 201)

    @app.get(
        f"{API_PREFIX}/packets/{{packet_id}}",
        response_model=models.PacketStatus,
        responses=ERRORS,
        tags=["packets"],
    )
    def packet_status(packet_id: str, row: station_row) -> models.PacketStatus:
        return intake.status(backend, row["station_id"], packet_id)

    @app.post(
        f"{API_PREFIX}/diagnostics",
        response_model=models.DiagnosticsStored,
        status_code=201,
        responses=ERRORS,
        tags=["devices"],
    )
    def diagnostics(
        body: models.DiagnosticsUpload, session: Annotated[Any, Depends(operator("run_diagnostics"))]
    ) -> models.DiagnosticsStored:
        return backend.store_diagnostics(session["station_id"], body.report)

    @app.post(
        f"{API_PREFIX}/audit/checkpoints",
        response_model=models.AuditCheckpointAck,
        status_code=201,
        responses=ERRORS,
        tags=["audit"],
    )
    def deliver_checkpoint(
        body: models.AuditCheckpointDelivery, row: station_row
    ) -> models.AuditCheckpointAck:
        return checkpoints.receive(backend, row, body)

    @app.get(
        f"{API_PREFIX}/audit/checkpoints/latest",
        response_model=models.AuditCheckpointAck,
        responses=ERRORS,
        tags=["audit"],
    )
    def latest_checkpoint(row: station_row) -> models.AuditCheckpointAck:
        return checkpoints.latest(backend, row["station_id"])

    app.add_middleware(gate.StationGate, backend=backend, classify=_classifier(app, station))
    app.openapi = _all_schemes_at_once(app.openapi)  # type: ignore[method-assign]
    return app


def _all_schemes_at_once(generate: Any) -> Any:
    """FastAPI lists a route's security schemes as alternatives (any one will do); an operator's call
    needs the station's signature *and* the session, so they become one requirement (OpenAPI 3.1:
    the schemes of one object all apply)."""

    def openapi() -> dict[str, Any]:
        document: dict[str, Any] = generate()
        for path in document.get("paths", {}).values():
            for operation in path.values():
                requirements = operation.get("security", [])
                if len(requirements) > 1:
                    operation["security"] = [{k: v for r in requirements for k, v in r.items()}]
        return document

    return openapi


def _bearer(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    """The Authorization header as `operators.session` reads it (None: absent or not a bearer token)."""
    return None if credentials is None else f"Bearer {credentials.credentials}"


def _classifier(app: FastAPI, station: Any) -> gate.Classify:
    """What the gate must check for the route a request matches: a signature, a limit, a media type."""
    signed = {id(r) for r in app.router.routes if isinstance(r, APIRoute) and _uses(r.dependant, station)}
    packets = f"{API_PREFIX}/packets"

    def classify(scope: Scope) -> gate.Route | None:
        for route in app.router.routes:
            if isinstance(route, APIRoute) and route.matches(scope)[0] == Match.FULL:
                if route.path == packets and scope["method"] == "POST":
                    return gate.Route(True, MAX_PACKET_BYTES, PACKET_MEDIA_TYPE, counted=True)
                if id(route) in signed:
                    return gate.Route(True, gate.MAX_SIGNED_BYTES)
                return gate.Route(False, gate.MAX_UNSIGNED_BYTES)
        return None

    return classify


def _uses(dependant: Dependant, call: Any) -> bool:
    return any(d.call is call or _uses(d, call) for d in dependant.dependencies)
