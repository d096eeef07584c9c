"""The demo's door to an embedded reference backend, found by entry point, never imported.

Station code is fenced from `kiosk.backend` (an import contract): a station talks to its backend only
through the contract, over TLS. The demo (`kiosk demo`) and `kiosk enrol --simulated --embedded` still
want a backend in the same process, so they ask the `kiosk.embedded_backends` entry-point group for a
starter (the reference backend registers `reference = "kiosk.backend.embedded:start"`). The dependency
is declared in the package's metadata, not in the code; a station installed without the `backend`
extra (no FastAPI, no uvicorn) gets one clear line here instead of an import error, and everything
else (joining a served backend with `--enrolment-file`) works as before.

A starter takes a folder and returns an object with `url`, `enrolment_file`, `account(role)` (with
`username` and `password`), `add_people(people)`, `trust_fiel(certificate_der)`,
`new_enrolment_file()` and `stop()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError

GROUP = "kiosk.embedded_backends"
DEFAULT = "reference"


def start(directory: Path, name: str = DEFAULT) -> Any:
    """A running embedded backend with demo accounts, persisted in `directory`."""
    entry = next((e for e in metadata.entry_points(group=GROUP) if e.name == name), None)
    if entry is None:
        raise KioskError("enrol.embedded_unavailable", reason=f"no '{name}' in {GROUP}")
    try:  # the starter imports its server libraries when it starts, not when it loads
        return entry.load()(Path(directory))
    except ModuleNotFoundError as exc:  # the backend extra (FastAPI, uvicorn) is not installed
        raise KioskError("enrol.embedded_unavailable", reason=f"{exc.name or exc} is missing") from None


@contextmanager
def running(directory: Path, name: str = DEFAULT) -> Iterator[Any]:
    backend = start(directory, name)
    try:
        yield backend
    finally:
        backend.stop()
