"""The committed OpenAPI document is the contract: the reference backend serves exactly it, and a
property-based fuzzer (schemathesis) drives every operation against it without a server error or an
answer outside the contract."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings

from kiosk.api.errors import BY_CODE
from kiosk.backend.app import create_app
from kiosk.backend.contract import committed_openapi, errors_markdown, generated_openapi
from kiosk.backend.service import Backend
from kiosk.messages import catalogue

ROOT = Path(__file__).resolve().parents[3]


def test_the_backend_serves_exactly_the_committed_document() -> None:
    assert generated_openapi() == committed_openapi(), "run: uv run python -m kiosk.backend.contract"


def test_docs_errors_lists_every_code_with_its_messages() -> None:
    assert (ROOT / "docs" / "errors.md").read_text(encoding="utf-8") == errors_markdown()
    assert all(f"backend.error.{code}" in catalogue() for code in BY_CODE)


def test_every_documented_error_status_comes_from_the_table() -> None:
    document = committed_openapi()
    statuses = {str(c.status) for c in BY_CODE.values()}
    for path in document["paths"].values():
        for operation in path.values():
            for status in operation.get("responses", {}):
                assert status in statuses | {"200", "201", "204"}, status


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    backend = Backend(tmp_path_factory.mktemp("fuzz-backend"))
    yield create_app(backend)
    backend.close()


schema = schemathesis.openapi.from_dict(
    json.loads((ROOT / "resources" / "api" / "openapi-v1.json").read_text())
)


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz_every_operation(case: schemathesis.Case, fuzz_app: FastAPI) -> None:
    """Unauthenticated and malformed calls must be refused with a contract error, never crash the server."""
    response = case.call(app=fuzz_app)
    assert response.status_code < 500, response.text
    case.validate_response(response)


def test_every_operation_declares_how_it_is_authenticated(fuzz_app: FastAPI) -> None:
    """The declared schemes are the ones the server enforces: a signed route (the gate checks it) needs
    `stationSignature`, an operator's route needs it *and* `operatorSession`, the rest neither."""
    from fastapi.routing import APIRoute

    from kiosk.backend.app import OPERATOR_SESSION, STATION_SIGNATURE

    document = committed_openapi()
    schemes = document["components"]["securitySchemes"]
    assert schemes["stationSignature"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Kiosk-Signature",
        "description": STATION_SIGNATURE.model.description,
    }
    assert schemes["operatorSession"]["scheme"] == "bearer"
    assert "KIOSK-REQ-V2" in schemes["stationSignature"]["description"]

    def uses(dependant: object, call: object) -> bool:
        return any(d.call is call or uses(d, call) for d in dependant.dependencies)  # type: ignore[attr-defined]

    for route in fuzz_app.router.routes:
        if not isinstance(route, APIRoute):
            continue
        for method in route.methods or ():
            operation = document["paths"][route.path][method.lower()]
            expected = {}
            if uses(route.dependant, STATION_SIGNATURE):
                expected["stationSignature"] = []
            if uses(route.dependant, OPERATOR_SESSION):
                expected["operatorSession"] = []
            assert operation.get("security", []) == ([expected] if expected else []), route.path


def test_every_error_answer_has_the_error_body_and_the_table_codes() -> None:
    document = committed_openapi()
    detail = document["components"]["schemas"]["ErrorDetail"]["properties"]["code"]
    assert detail["enum"] == list(BY_CODE)
    statuses = {str(c.status) for c in BY_CODE.values()}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            errors = {s: r for s, r in operation["responses"].items() if int(s) >= 400}
            assert set(errors) == statuses, (method, path)
            for status, answer in errors.items():
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, status)
                codes = [c.code for c in BY_CODE.values() if str(c.status) == status]
                assert all(f"`{code}`" in answer["description"] for code in codes)
