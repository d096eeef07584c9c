"""`kiosk bench` rows of the backend's memory under refused uploads (registered as `backend_memory`).

The reference backend runs in its own process (so its memory is its own) on loopback; a station is
registered with it. A client then streams a chunked `POST /packets` with no Content-Length, of 1 GiB
(64 MiB with `--quick`), once without a station signature and once signed but far over the packet
limit, and the rows give the backend's peak resident memory above its idle level during each. The
peak is measured by Linux itself: `/proc/<pid>/clear_refs` resets the high-water mark (`VmHWM`) to the
current size just before the upload, and `VmHWM` is read after it.

The helpers are public because the test of the same property (tests/kiosk/backend/test_gate.py) uses
them with smaller uploads.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import select
import socket
import ssl
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kiosk.api import API_PREFIX
from kiosk.bench import Row

CHUNK = 64 * 1024
MIB = 1024 * 1024


@dataclass
class ServedBackend:
    """A reference backend serving in a child process (`kiosk backend serve --port 0`)."""

    process: subprocess.Popen[str]
    url: str
    directory: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def serve_in_child(directory: Path, data_dir: Path) -> ServedBackend:
    """Start `kiosk backend serve` on a free loopback port; returns once it listens."""
    environment = {**os.environ, "KIOSK_DATA_DIR": str(data_dir), "KIOSK_CONFIG": ""}
    command = [sys.executable, "-m", "kiosk.cli.main", "backend", "serve", "--backend-dir", str(directory)]
    process = subprocess.Popen(
        [*command, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=environment,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # "kiosk backend listening on https://127.0.0.1:PORT"
    if "https://" not in line:
        process.kill()
        raise RuntimeError(f"the backend did not start: {line!r}")
    url = line.strip().rsplit(" ", 1)[-1]
    return ServedBackend(process, url, directory)


def status_kib(pid: int, field: str) -> int:
    """A `VmRSS`/`VmHWM` figure of a process, in KiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def reset_peak(pid: int) -> None:
    """Set the process's peak resident size back to its current size (Linux >= 4.0)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_measurable() -> bool:
    return sys.platform.startswith("linux") and Path(f"/proc/{os.getpid()}/clear_refs").exists()


def stream_chunked(url: str, pins: Path, headers: dict[str, str], total: int) -> tuple[int | None, int]:
    """POST `total` bytes in chunks to /packets with no length; (answer status, bytes the server took).

    Stops sending as soon as the server answers, closes, or stops reading."""
    host, port = url.removeprefix("https://").rsplit(":", 1)
    head = (
        f"POST {API_PREFIX}/packets HTTP/1.1\r\nHost: {host}:{port}\r\n"
        "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\nX-Packet-Id: probe-1\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        + "\r\n"
    ).encode("ascii")
    framed = f"{CHUNK:x}\r\n".encode() + bytes(CHUNK) + b"\r\n"
    context = ssl.create_default_context(cafile=str(pins))
    sent, answer = 0, b""
    with (
        socket.create_connection((host, int(port)), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        tls.sendall(head)
        try:
            while sent < total:
                if select.select([tls], [], [], 0)[0] or tls.pending():
                    ready = _read_ready(tls)
                    if ready is not None:  # an answer, or the server closed: it refused the rest
                        answer += ready
                        break
                tls.sendall(framed)
                sent += CHUNK
            else:
                tls.sendall(b"0\r\n\r\n")
        except OSError:  # the server closed, or stopped reading for 10 s: it refused the rest
            pass
        answer += _read_answer(tls)
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else None
    return status, sent


def _read_ready(tls: ssl.SSLSocket) -> bytes | None:
    """Application data already waiting, b"" when the server closed, None when nothing came (a TLS 1.3
    session ticket alone is no answer)."""
    tls.setblocking(False)
    try:
        return tls.recv(65536)
    except (ssl.SSLWantReadError, BlockingIOError):
        return None
    finally:
        tls.settimeout(10)


def _read_answer(tls: ssl.SSLSocket) -> bytes:
    data = b""
    with contextlib.suppress(OSError):
        while True:
            chunk = tls.recv(65536)
            if not chunk:
                break
            data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = next(
                (int(v) for k, _, v in (h.partition(b":") for h in head.split(b"\r\n")[1:])
                 if k.strip().lower() == b"content-length"),
                None,
            )  # fmt: skip
            if length is not None and len(body) >= length:
                break
    return data


@dataclass
class Probe:
    """A backend in a child process and a station registered with it."""

    backend: ServedBackend
    station_id: str
    pins: Path
    sign: object

    def headers(self, signed: bool) -> dict[str, str]:
        from kiosk.client.http import signed_headers

        if not signed:
            return {"X-Kiosk-Station": self.station_id}
        digest = hashlib.sha256(b"what the station says it will send").hexdigest()
        return signed_headers(self.station_id, self.sign, "POST", f"{API_PREFIX}/packets", digest)  # type: ignore[arg-type]

    def refused_growth_kib(self, signed: bool, total: int) -> tuple[int | None, int, int]:
        """(answer status, bytes the server took, peak resident KiB above the level before)."""
        before = status_kib(self.backend.pid, "VmRSS")
        reset_peak(self.backend.pid)
        status, sent = stream_chunked(self.backend.url, self.pins, self.headers(signed), total)
        return status, sent, status_kib(self.backend.pid, "VmHWM") - before


@contextlib.contextmanager
def probe(root: Path) -> Iterator[Probe]:
    """A served backend with one registered station (warmed up by a signed call); stopped at exit."""
    from kiosk.backend.service import Backend
    from kiosk.station.keys import StationKeys
    from kiosk.station.link import PINS_FILE, register

    Backend(root / "backend").close()  # keys and database made before serving (not measured)
    served = serve_in_child(root / "backend", root / "backend-logs")
    try:
        keys = StationKeys.load_or_create(root / "station", store="file")
        link, _config = register(root / "station", served.directory / "station-enrolment.json", "probe", keys)
        yield Probe(served, link.station_id, root / "station" / PINS_FILE, lambda d: keys.sign(d).ed25519)
    finally:
        served.stop()


def rows(quick: bool) -> Iterator[Row]:
    """Each run on a freshly started backend: memory freed after one refusal stays with the process, so
    a second upload on the same one would be measured from a raised level."""
    if not peak_measurable():
        return
    total = (64 if quick else 1024) * MIB
    for signed, name in ((False, "unsigned"), (True, "signed_oversized")):
        runs = []
        for _ in range(3):
            with tempfile.TemporaryDirectory() as scratch, probe(Path(scratch)) as p:
                runs.append(p.refused_growth_kib(signed, total))
        growth = sorted(r[2] / 1024 for r in runs)
        statuses = "/".join(sorted({str(r[0]) for r in runs}))
        sent = max(r[1] for r in runs) / MIB
        yield Row(
            f"backend.refused_chunked_upload.{name}.peak_memory",
            "MiB",
            growth[1],
            growth[-1],
            len(runs),
            "< 50 MB above idle",
            f"{total // MIB} MiB offered, answered {statuses}, at most {sent:.0f} MiB sent before refused",
        )
