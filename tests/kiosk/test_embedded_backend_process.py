"""The demo's backend in a process of its own: driven like the in-process one, gone when the demo is."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kiosk.enrol import embedded
from kiosk.synthetic_people import people


def _listens(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=5):
            return True
    except OSError:
        return False


def test_the_demo_s_backend_process_does_what_the_in_process_one_does(tmp_path: Path) -> None:
    from kiosk.backend.embedded_process import BackendProcessError

    backend = embedded.start(tmp_path / "backend", "reference-process")
    try:
        assert backend.process.pid and backend.process.poll() is None
        assert _listens(backend.url)
        assert {a.role for a in backend.accounts.values()} == {"technician", "clerk", "supervisor"}
        assert backend.account("clerk").password.startswith("d-")
        first = json.loads(backend.enrolment_file.read_text(encoding="utf-8"))
        assert first
        person = people(1)[0]
        backend.add_people([person])
        backend.set_status(person.curp, "enrolled")
        fresh = backend.new_enrolment_file()
        assert json.loads(fresh.read_text(encoding="utf-8"))["token"]  # (the unused one is kept)
        backend.trust_fiel(b"\x30\x03\x02\x01\x01")  # pinned by its digest, whatever it holds
        with pytest.raises(
            BackendProcessError, match="unknown request"
        ):  # the child's refusal, not a dead pipe
            backend._ask({"op": "nonsense"})
        assert backend.process.poll() is None  # a refused request leaves it serving
        assert (tmp_path / "backend" / "backend-process.log").stat().st_mode & 0o077 == 0
    finally:
        backend.stop()
    assert backend.process.returncode == 0 and not _listens(backend.url)


def test_a_demo_that_dies_takes_its_backend_with_it(tmp_path: Path) -> None:
    """The parent gone, the child's input closes and it stops: no backend left running on the machine."""
    backend = embedded.start(tmp_path / "backend", "reference-process")
    try:
        assert backend.process.stdin is not None
        backend.process.stdin.close()  # what the kernel does when the demo is killed
        deadline = time.monotonic() + 60
        while backend.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert backend.process.poll() == 0
    finally:
        if backend.process.poll() is None:
            backend.process.kill()
            backend.process.wait()
    assert not _listens(backend.url)


def test_the_same_accounts_come_back_with_the_same_folder(tmp_path: Path) -> None:
    first = embedded.start(tmp_path / "backend", "reference-process")
    accounts = dict(first.accounts)
    first.stop()
    again = embedded.start(tmp_path / "backend", "reference-process")
    try:
        assert again.accounts == accounts
    finally:
        again.stop()
