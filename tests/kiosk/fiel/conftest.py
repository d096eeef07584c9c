"""Fixtures for the FIEL tests: the real SAT test credentials and a SAT-profile test CA."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kiosk.fiel.sat_ca import SatCa

PASSWORD = "12345678a"  # the password of every SAT test .key


@pytest.fixture(scope="session")
def sat_dir(shared_data: Path) -> Path:
    return shared_data / "sat-test-credentials"


@pytest.fixture(scope="session")
def sat_ca() -> SatCa:
    return SatCa()
