"""Every backend test runs on each store (`tests.fixtures.stores`)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _on_each_store(backend_store: object) -> None:
    """Requested by every test here, so each runs on SQLite + files and on PostgreSQL + S3."""
