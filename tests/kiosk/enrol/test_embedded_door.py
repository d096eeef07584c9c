"""The demo's door to an embedded backend is an entry point, not an import (kiosk/enrol/embedded.py)."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

from kiosk.enrol import embedded
from kiosk.errors import KioskError


def test_the_reference_backend_registers_its_starter_in_the_group() -> None:
    (entry,) = [e for e in metadata.entry_points(group=embedded.GROUP) if e.name == embedded.DEFAULT]
    assert entry.value == "kiosk.backend.embedded:start"


def test_an_unknown_starter_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KioskError) as caught:
        embedded.start(tmp_path, name="no-such-backend")
    assert caught.value.message.code == "enrol.embedded_unavailable"
    assert not (tmp_path / "keys").exists()
