"""The fleet load test: N station processes delivering to one backend of K ingest processes, for real.

`kiosk backend load --stations N --packets M --workers K [--store sqlite|postgresql]`: the backend is
`kiosk backend serve --workers K` in a process of its own (TLS on loopback) over SQLite + files, or
over PostgreSQL + S3 (SeaweedFS) started here in temporary folders. Each station is a process with its
own data folder, registration and keys; it seals M realistic ten-print + face packets (of the
institute's ~0.5 MB by default: `--packet-kb`, `kiosk.benches.fleet_packets`) before the clock
starts, waits for the start, then delivers them one after the other as a kiosk does (the next one
after the receipt), timing each receipt. Reported: accepted packets per second over the whole
run, p50/p99 receipt latency, duplicates (the backend's count: each resend answered with the original
receipt), rejections, and the backend's CPU seconds and peak memory (every ingest process summed).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kiosk.backend.storage import StoreConfig

TECH = ("fleet-tecnico", "fleet-tecnico-2026")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# -- the ingest processes ----------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def _cpu_seconds(pid: int) -> float:
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return 0.0


def _rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class IngestFleet:
    """`kiosk backend serve --workers K` as a child process (its workers are its children)."""

    directory: Path
    storage: StoreConfig
    workers: int
    process: subprocess.Popen[str]
    url: str

    @classmethod
    def start(cls, directory: Path, storage: StoreConfig, workers: int, port: int = 0) -> IngestFleet:
        from kiosk.backend.operators import add_user
        from kiosk.backend.service import Backend

        # Schema, keys and accounts made once, before several processes would race to make them.
        backend = Backend(directory, storage=storage, migrate=True)
        try:
            if backend.store.one("SELECT 1 FROM users WHERE username = ?", TECH[0]) is None:
                add_user(backend, TECH[0], "Fleet technician", "technician", TECH[1])
        finally:
            backend.close()
        env = {**os.environ, **storage.env()}
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kiosk",
                "backend",
                "serve",
                "--backend-dir",
                str(directory),
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,
        )
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("kiosk backend listening on "):
            process.kill()
            raise RuntimeError(f"the backend did not start: {line!r}")
        url = line.split()[4]
        fleet = cls(directory, storage, workers, process, url)
        fleet.wait_ready()
        return fleet

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Every worker up: as many children as workers, and the port answering over TLS."""
        import ssl
        import urllib.request

        context = ssl.create_default_context(cafile=str(self.directory / "tls" / "current.crt"))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the backend exited")
            if self.workers == 1 or len(self.worker_pids()) >= self.workers:
                health = self.url + "/api/v1/health"
                with contextlib.suppress(OSError), urllib.request.urlopen(health, context=context, timeout=5):  # noqa: S310
                    return
            time.sleep(0.2)
        raise RuntimeError("the backend's workers did not start")

    def worker_pids(self) -> list[int]:
        """The processes that answer requests (with one worker, the server process itself)."""
        if self.workers == 1:
            return [self.process.pid]
        return [p for p in _children(self.process.pid) if "multiprocessing.resource_tracker" not in _cmd(p)]

    def usage(self) -> tuple[float, float]:
        """(CPU seconds, resident MB) of the server and its workers now."""
        pids = [self.process.pid, *_children(self.process.pid)]
        return sum(_cpu_seconds(p) for p in pids), sum(_rss_mb(p) for p in pids)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def _cmd(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


# -- stations ----------------------------------------------------------------------------------------
def join_station(fleet: IngestFleet, data_dir: Path, name: str) -> str:
    """Register a station with a fresh one-time token (issued here, on the same store) and its devices."""
    from kiosk.api import models
    from kiosk.backend.server import write_enrolment_file
    from kiosk.backend.service import Backend
    from kiosk.packet.samples import sample_manifest
    from kiosk.station.keys import StationKeys
    from kiosk.station.link import register

    backend = Backend(fleet.directory, storage=fleet.storage)
    try:
        pins = [p.read_bytes() for p in sorted((fleet.directory / "tls").glob("*.crt"))]
        enrolment = write_enrolment_file(backend, fleet.url, pins)
    finally:
        backend.close()
    keys = StationKeys.load_or_create(data_dir, store="file")
    link, _config = register(data_dir, enrolment, name, keys)
    client = link.client(data_dir, keys)
    session = client.password_login(*TECH)
    for device in sample_manifest().devices:
        fields = {k: getattr(device, k) for k in ("kind", "driver", "vendor", "model", "serial")}
        client.register_device(session.token, models.DeviceRegistration.model_validate(fields))
    client.logout(session.token)
    client.http.close()
    return link.station_id


# -- one run -----------------------------------------------------------------------------------------
@dataclass
class LoadResult:
    store: str
    workers: int
    stations: int
    packets: int
    accepted: int
    duplicates: int
    rejected: int
    errors: int
    seconds: float
    packets_per_second: float
    p50_ms: float
    p99_ms: float
    packet_kb: float
    backend_cpu_s: float
    backend_cpu_per_packet_ms: float
    backend_peak_rss_mb: float
    store_cpu_s: float
    notes: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        return asdict(self)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


@contextlib.contextmanager
def store_parts(kind: str) -> Iterator[tuple[StoreConfig, list[Any]]]:
    """The store for one run: embedded, or PostgreSQL + SeaweedFS started (and removed) here."""
    if kind == "sqlite":
        yield StoreConfig(), []
        return
    from kiosk.backend import parts

    cluster = parts.PostgreSQL.create()
    try:
        objects = parts.SeaweedFS.create()
        try:
            yield StoreConfig(cluster.database("fleet"), objects.url("kiosk-fleet")), [cluster, objects]
        finally:
            objects.remove()
    finally:
        cluster.remove()


def run(
    kind: str, stations: int, packets: int, workers: int, root: Path | None = None, packet_kb: int = 0
) -> LoadResult:
    """One run; `packet_kb` 0: the ~160 KB sample packet, else packets of about that size."""
    with contextlib.ExitStack() as stack:
        base = (
            Path(root)
            if root
            else Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kiosk-load-")))
        )
        storage, started_parts = stack.enter_context(store_parts(kind))
        fleet = IngestFleet.start(base / "backend", storage, workers)
        stack.callback(fleet.stop)
        children = []
        for n in range(stations):
            data_dir = base / f"station-{n + 1}"
            join_station(fleet, data_dir, f"Ventanilla {n + 1}")
            children.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "kiosk.benches.fleet_station",
                        str(data_dir),
                        str(packets),
                        str(packet_kb),
                    ],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
            )
        for child in children:  # every station has sealed its packets
            assert child.stdout is not None
            ready = json.loads(child.stdout.readline())
            assert ready.get("ready"), ready
        store_before = _store_cpu(started_parts)
        cpu_before, rss = fleet.usage()
        peak = rss
        started = time.monotonic()
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        reports: list[dict[str, Any]] = []
        pending = list(children)
        while pending:
            for child in list(pending):
                if child.poll() is not None:
                    pending.remove(child)
            peak = max(peak, fleet.usage()[1])
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        cpu_after, _ = fleet.usage()
        store_cpu = _store_cpu(started_parts) - store_before
        for child in children:
            assert child.stdout is not None
            lines = [line for line in child.stdout.read().splitlines() if line.strip()]
            reports.append(json.loads(lines[-1]) if lines else {"latencies_ms": [], "errors": 1, "kb": 0})
        from kiosk.backend.service import Backend

        backend = Backend(base / "backend", storage=storage)
        try:
            stats = backend.stats()
        finally:
            backend.close()
    latencies = [v for r in reports for v in r["latencies_ms"]]
    accepted = int(stats["accepted"])
    cpu = cpu_after - cpu_before
    return LoadResult(
        store="SQLite + files" if kind == "sqlite" else "PostgreSQL + S3",
        workers=workers,
        stations=stations,
        packets=stations * packets,
        accepted=accepted,
        duplicates=int(stats["duplicates"]),
        rejected=int(stats["rejected"]),
        errors=sum(int(r.get("errors", 0)) for r in reports),
        seconds=round(elapsed, 2),
        packets_per_second=round(accepted / elapsed, 2) if elapsed else 0.0,
        p50_ms=round(_percentile(latencies, 0.50), 1),
        p99_ms=round(_percentile(latencies, 0.99), 1),
        packet_kb=round(sum(r.get("kb", 0) for r in reports) / max(1, len(reports)), 1),
        backend_cpu_s=round(cpu, 2),
        backend_cpu_per_packet_ms=round(1000 * cpu / accepted, 1) if accepted else 0.0,
        backend_peak_rss_mb=round(peak, 1),
        store_cpu_s=round(store_cpu, 2),
    )


def _store_cpu(started: list[Any]) -> float:
    """CPU seconds of PostgreSQL's processes and SeaweedFS's so far (0 for the embedded store)."""
    pids = []
    for part in started:
        if part.process is not None:
            pids += [part.process.pid, *_children(part.process.pid)]
    return sum(_cpu_seconds(p) for p in pids)
