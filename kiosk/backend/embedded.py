"""The one door from the station's side to a reference backend running in the same process.

The demo (`kiosk demo`, `make demo`) and `kiosk enrol --simulated --embedded` need a backend that knows
the synthetic people and has demo accounts. Station code must not know the backend's insides (it talks
to it only through the contract, over TLS, like to the institute's), so this module hands back plain
data: the enrolment file to join with and the demo credentials. FastAPI and uvicorn are imported only
when it starts, so a station installed without the backend extra runs everything else.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ACCOUNTS_FILE = "demo-accounts.json"  # the demo's own passwords, private to this folder
DEMO_ACCOUNTS = (
    ("tecnico", "Técnico (demo)", "technician"),
    ("ventanilla", "Ventanilla (demo)", "clerk"),
    ("supervisor", "Supervisora (demo)", "supervisor"),
)


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    role: str


@dataclass
class Embedded:
    directory: Path
    url: str
    enrolment_file: Path
    accounts: dict[str, Account] = field(default_factory=dict)
    _running: Any = field(default=None, repr=False)

    def account(self, role: str) -> Account:
        return next(a for a in self.accounts.values() if a.role == role)

    def add_people(self, people: Iterable[Any]) -> None:
        """Synthetic people (`kiosk.synthetic_people`) the lookup will find."""
        for person in people:
            self._running.backend.add_person(
                person.curp, person.nss, person.name, person.birth_date.isoformat()
            )

    def set_status(self, curp: str, status: str) -> None:
        """For demos and tests: the person's biometric status at the backend (none, enrolled, ...)."""
        self._running.backend.store.run(
            "UPDATE persons SET biometric_status = ? WHERE curp = ?", status, curp
        )

    def trust_fiel(self, certificate_der: bytes) -> None:
        """Test deployments: accept this exact e.firma certificate (pinned) for FIEL logins."""
        from kiosk.backend.operators import pin_fiel_certificate

        pin_fiel_certificate(self._running.backend, certificate_der)

    def new_enrolment_file(self) -> Path:
        """A fresh one-time token for the next station that joins."""
        from kiosk.backend.server import write_enrolment_file

        backend = self._running.backend
        pins = [p.read_bytes() for p in sorted((backend.dir / "tls").glob("*.crt"))]
        return write_enrolment_file(backend, self.url, pins)

    def stop(self) -> None:
        self._running.stop()


def start(directory: Path) -> Embedded:
    """A reference backend on loopback (TLS, a free port) with the demo accounts, random passwords."""
    from kiosk.backend.operators import add_user
    from kiosk.backend.server import start_in_thread

    running = start_in_thread(Path(directory))
    embedded = Embedded(Path(directory), running.url, running.enrolment_file, _running=running)
    saved = Path(directory) / ACCOUNTS_FILE
    if saved.is_file():  # a demo backend kept from an earlier run: the same accounts
        for entry in json.loads(saved.read_text(encoding="utf-8")):
            embedded.accounts[entry["username"]] = Account(**entry)
        return embedded
    for username, name, role in DEMO_ACCOUNTS:
        password = "d-" + secrets.token_urlsafe(12) + "9"
        add_user(running.backend, username, name, role, password)
        embedded.accounts[username] = Account(username, password, role)
    fd = os.open(saved, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump([asdict(a) for a in embedded.accounts.values()], handle)
    return embedded


@contextmanager
def running(directory: Path) -> Iterator[Embedded]:
    embedded = start(directory)
    try:
        yield embedded
    finally:
        embedded.stop()
