"""Fixtures of the outbox tests: a fake clock, a fresh store, one loopback backend per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.outbox.store import OutboxStore
from tests.kiosk.outbox.helpers import FakeClock, Loopback, start_loopback


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[OutboxStore]:
    opened = OutboxStore(tmp_path / "outbox" / "outbox.db")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def loopback(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loopback]:
    """A reference backend and a registered station shared by one module (starting one costs ~0.5 s)."""
    running = start_loopback(tmp_path_factory.mktemp("loopback"))
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary directory of our own, so a scan for leaked images sees only what this test wrote."""
    import tempfile

    folder = tmp_path / "tmpdir"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", None)
    return folder
