"""The demo's reference backend in a process of its own, driven like the in-process one.

`kiosk demo` is the station and a backend on one machine, but they are two programs in the field: in one
process the backend's FastAPI, its TLS server and its packet opening lived in the station's memory
(~60 MB of the demo's peak) and ran Python beside the window (its stalls). Here the backend runs as
`python -m kiosk.backend.embedded_process DIR`, started and stopped by the demo, with the same interface
as `kiosk.backend.embedded.Embedded` (url, enrolment file, demo accounts, people, trusted e.firmas).

The two talk over the child's standard input and output, one JSON object a line: the child's first line
says where it listens; each request gets one answer. The child stops when asked or when its input closes,
so a demo that dies never leaves a backend behind.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from kiosk.backend.embedded import Account

STARTUP_TIMEOUT_S = 120.0
LOG_FILE = "backend-process.log"


class BackendProcessError(RuntimeError):
    """The child said no, or is gone; the message is the child's own."""


class EmbeddedProcess:
    def __init__(self, directory: Path, process: subprocess.Popen[str], hello: dict[str, Any]) -> None:
        self.directory = Path(directory)
        self.process = process
        self.url: str = hello["url"]
        self.enrolment_file = Path(hello["enrolment_file"])
        self.accounts = {a["username"]: Account(**a) for a in hello["accounts"]}
        self._lock = threading.Lock()

    def account(self, role: str) -> Account:
        return next(a for a in self.accounts.values() if a.role == role)

    def add_people(self, people: Iterable[Any]) -> None:
        rows = [
            {"curp": p.curp, "nss": p.nss, "name": p.name, "birth_date": p.birth_date.isoformat()}
            for p in people
        ]
        self._ask({"op": "add_people", "people": rows})

    def set_status(self, curp: str, status: str) -> None:
        self._ask({"op": "set_status", "curp": curp, "status": status})

    def trust_fiel(self, certificate_der: bytes) -> None:
        self._ask({"op": "trust_fiel", "certificate": base64.b64encode(certificate_der).decode("ascii")})

    def new_enrolment_file(self) -> Path:
        return Path(self._ask({"op": "new_enrolment_file"})["path"])

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(BackendProcessError):  # already gone: nothing to ask
                self._ask({"op": "stop"})
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            stdin, stdout = self.process.stdin, self.process.stdout
            assert stdin is not None and stdout is not None
            try:
                stdin.write(json.dumps(request) + "\n")
                stdin.flush()
                line = stdout.readline()
            except (BrokenPipeError, ValueError, OSError):
                line = ""
            if not line:
                raise BackendProcessError(f"the demo's backend process ended (exit {self.process.poll()})")
            answer: dict[str, Any] = json.loads(line)
            if "error" in answer:
                raise BackendProcessError(answer["error"])
            return answer


def start(directory: Path) -> EmbeddedProcess:
    """A reference backend in a child process, with the demo accounts; returns once it listens."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(directory / LOG_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "ab") as log:  # the child's own messages, not the demo's terminal
        process = subprocess.Popen(
            [sys.executable, "-m", "kiosk.backend.embedded_process", str(directory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            encoding="utf-8",
        )
    hello = _first_line(process, directory / LOG_FILE)
    if "error" in hello:
        process.wait()
        if hello.get("missing"):
            raise ModuleNotFoundError(hello["error"], name=hello["missing"])
        raise BackendProcessError(hello["error"])
    return EmbeddedProcess(directory, process, hello)


def _first_line(process: subprocess.Popen[str], log: Path) -> dict[str, Any]:
    assert process.stdout is not None
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(STARTUP_TIMEOUT_S)
    if not found or not found[0]:
        process.kill()
        process.wait()
        raise BackendProcessError(
            f"the demo's backend process did not start (exit {process.poll()}; see {log})"
        )
    answer: dict[str, Any] = json.loads(found[0])
    return answer


# -- the child ----------------------------------------------------------------------------------------------
def serve(directory: Path, requests: IO[str], answers: IO[str]) -> None:
    from kiosk.backend import embedded

    try:
        backend = embedded.start(directory)
    except ModuleNotFoundError as exc:  # no backend extra: the parent says which library is missing
        _say(answers, {"error": str(exc), "missing": exc.name})
        return
    except Exception as exc:  # the parent shows it; nothing to serve
        _say(answers, {"error": f"{type(exc).__name__}: {exc}"})
        return
    try:
        _say(
            answers,
            {
                "url": backend.url,
                "enrolment_file": str(backend.enrolment_file),
                "accounts": [asdict(a) for a in backend.accounts.values()],
            },
        )
        for line in requests:
            request = json.loads(line)
            if request.get("op") == "stop":
                _say(answers, {"ok": True})
                return
            try:
                _say(answers, _handle(backend, request))
            except Exception as exc:
                _say(answers, {"error": f"{type(exc).__name__}: {exc}"})
    finally:
        backend.stop()


def _handle(backend: Any, request: dict[str, Any]) -> dict[str, Any]:
    from datetime import date
    from types import SimpleNamespace

    op = request.get("op")
    if op == "add_people":
        people = [
            SimpleNamespace(**{**row, "birth_date": date.fromisoformat(row["birth_date"])})
            for row in request["people"]
        ]
        backend.add_people(people)
    elif op == "set_status":
        backend.set_status(request["curp"], request["status"])
    elif op == "trust_fiel":
        backend.trust_fiel(base64.b64decode(request["certificate"]))
    elif op == "new_enrolment_file":
        return {"path": str(backend.new_enrolment_file())}
    else:
        raise ValueError(f"unknown request {op!r}")
    return {"ok": True}


def _say(answers: IO[str], answer: dict[str, Any]) -> None:
    answers.write(json.dumps(answer) + "\n")
    answers.flush()


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        sys.stderr.write("usage: python -m kiosk.backend.embedded_process DIRECTORY\n")
        return 2
    # The channel is the original standard output; whatever else writes to descriptor 1 from now on (a
    # library's C code as well as Python) lands in the log with standard error, never on the channel.
    sys.stdout.flush()
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    with channel:
        serve(Path(args[0]), sys.stdin, channel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
