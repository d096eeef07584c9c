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
