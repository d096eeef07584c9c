"""Shared test configuration: offscreen Qt, an isolated data directory, and the shared real data.

Fixtures that other test packages (and third-party driver packages) need live here or in
`tests/fixtures.py`, so there is one place to look.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Before anything can import Qt: no test ever needs a screen, and without one Qt would abort the run.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("KIOSK_MODE", "test")

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_station(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data directory and no user configuration file leaks in."""
    data_dir = tmp_path_factory.mktemp("station")
    monkeypatch.setenv("KIOSK_DATA_DIR", str(data_dir))
    monkeypatch.setenv("KIOSK_CONFIG", "")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(data_dir / "xdg-config"))
    return data_dir


@pytest.fixture
def station_dir(_isolated_station: Path) -> Path:
    return _isolated_station


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """`../shared/data` (real public test data); tests that need it skip with a reason when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"needs the shared real test data at {SHARED_DATA} (present in CI, absent in a bare clone)"
        )
    return SHARED_DATA


pytest_plugins = ["tests.fixtures.backend", "tests.fixtures.enrolment", "tests.fixtures.stores"]
