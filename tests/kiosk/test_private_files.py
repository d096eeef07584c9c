"""Private by default, whatever the umask: the station's outbox, data folder and logs, and the
backend's database (password hashes, people's CURP, NSS and names), keys, TLS and FIEL anchors."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import logs
from kiosk.backend.service import Backend
from kiosk.backend.tls import ensure_certificates
from kiosk.clock import utcnow
from kiosk.outbox.store import OutboxStore
from kiosk.private import private_dir, private_file, write_private
from tests.kiosk.outbox.helpers import add_fake

pytestmark = [
    pytest.mark.fault,
    pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX"),
]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The loosest umask a machine could have: nothing masked."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_the_outbox_and_its_folder(tmp_path: Path, open_umask: None) -> None:
    data_dir = tmp_path / "station"
    store = OutboxStore(data_dir / "outbox.db")
    add_fake(store, 2)
    assert mode(data_dir) == 0o700
    for name in ("outbox.db", "outbox.db-wal", "outbox.db-shm"):
        assert mode(data_dir / name) == 0o600, name
    store.close()


def test_the_log_folder_and_file(tmp_path: Path, open_umask: None) -> None:
    path = logs.setup(tmp_path / "station", "INFO", max_bytes=10_000, backups=2)
    for n in range(300):
        logging.getLogger("kiosk.modes").info("line %d %s", n, "x" * 60)
    assert mode(tmp_path / "station") == 0o700 and mode(path.parent) == 0o700
    rotated = sorted(path.parent.glob("kiosk.log*"))
    assert len(rotated) == 3 and all(mode(p) == 0o600 for p in rotated)


def test_the_backend_folder(tmp_path: Path, open_umask: None) -> None:
    backend = Backend(tmp_path / "backend")
    backend.add_person("XEXX010101HNEXXXA4", "12345678903", "Persona", None)
    ensure_certificates(tmp_path / "backend" / "tls", ("localhost",), utcnow())
    try:
        assert mode(tmp_path / "backend") == 0o700
        for folder in ("keys", "tls", "fiel-trust"):
            assert mode(tmp_path / "backend" / folder) == 0o700, folder
        for name in ("backend.db", "backend.db-wal", "backend.db-shm"):
            assert mode(tmp_path / "backend" / name) == 0o600, name
        assert all(mode(p) == 0o600 for p in (tmp_path / "backend" / "keys").iterdir())
    finally:
        backend.close()


def test_an_older_install_left_open_is_tightened(tmp_path: Path, open_umask: None) -> None:
    folder = tmp_path / "backend"
    folder.mkdir(mode=0o755)
    (folder / "keys").mkdir(mode=0o755)
    for name in ("backend.db", "backend.db-wal"):
        (folder / name).touch(mode=0o644)
    (folder / "backend.db-wal").unlink()
    Backend(folder).close()
    assert mode(folder) == 0o700 and mode(folder / "keys") == 0o700 and mode(folder / "backend.db") == 0o600


def test_the_helpers(tmp_path: Path, open_umask: None) -> None:
    made = private_dir(tmp_path / "a" / "b")
    assert mode(made) == 0o700 and mode(tmp_path / "a") == 0o700
    assert mode(private_file(made / "f")) == 0o600
    write_private(made / "g", b"secret")
    assert mode(made / "g") == 0o600 and (made / "g").read_bytes() == b"secret"
    closed = made / "closed"
    closed.write_bytes(b"x")
    closed.chmod(0o444)
    private_file(closed)
    assert mode(closed) == 0o400  # a read-only file stays read-only, for its owner only


def test_the_station_link_files(tmp_path: Path, open_umask: None) -> None:
    from kiosk.station.link import STATE_FILE, StationLink

    StationLink("st-1", "Ventanilla", "https://b.example", {}, "2026-01-01T00:00:00Z").save(tmp_path)
    assert mode(tmp_path / STATE_FILE) == 0o600
