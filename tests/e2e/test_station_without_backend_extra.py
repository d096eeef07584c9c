"""A station installed without the `backend` extra (no FastAPI, uvicorn or Starlette) still enrols.

The station process runs behind an import hook that refuses every library the `backend` extra alone
brings in (worked out from uv.lock: the closure of the kiosk's dependencies with the extra, less the
closure without it), as a bundle built with `uv sync --no-extra backend` would lack them. It joins a
backend served over TLS on loopback (here in the test's process, which has the extra) with
`--enrolment-file`, enrols one synthetic person (added with `kiosk backend add-person --synthetic`),
and gets a verified receipt. `--embedded` in the same environment is one clear line naming the
missing extra, and neither run loads the server libraries or any backend module beyond the
command's own registration (`kiosk.backend.cli`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from kiosk.backend.operators import add_user
from kiosk.backend.server import Running, start_in_thread
from kiosk.cli.main import main

WITHOUT_SERVER = """
import atexit, importlib.abc, json, os, sys

BLOCKED = set(os.environ["BLOCKED_MODULES"].split(","))


class NoServerLibraries(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (no backend extra)", name=name)
        return None


sys.meta_path.insert(0, NoServerLibraries())


@atexit.register
def report():
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED or m.startswith("kiosk.backend"))
    with open(os.environ["LOADED_REPORT"], "w", encoding="utf-8") as handle:
        json.dump(loaded, handle)


from kiosk.cli.main import main

sys.exit(main(sys.argv[1:]))
"""


ROOT = Path(__file__).resolve().parents[2]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def backend_only_modules() -> set[str]:
    """Top-level modules whose every distribution comes only with the `backend` extra (uv.lock)."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    packages = {p["name"]: p for p in lock["package"]}

    def closure(names: list[str]) -> set[str]:
        seen: set[str] = set()
        while names:
            name = names.pop()
            if name not in seen:
                seen.add(name)
                names += [d["name"] for d in packages[name].get("dependencies", [])]
        return seen

    kiosk = packages["kiosk"]
    base = [d["name"] for d in kiosk["dependencies"]]
    extra = [d["name"] for d in kiosk["optional-dependencies"]["backend"]]
    only = {_norm(n) for n in closure(base + extra) - closure(list(base))}
    return {
        module
        for module, dists in metadata.packages_distributions().items()
        if all(_norm(d) in only for d in dists)
    }


def test_the_extra_alone_brings_the_server_libraries_and_the_station_needs_none_of_them() -> None:
    blocked = backend_only_modules()
    assert {"fastapi", "uvicorn", "starlette"} <= blocked
    assert not blocked & {"pydantic", "requests", "cryptography", "kiosk"}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Running]:
    directory = tmp_path / "backend"
    assert main(["backend", "add-person", "--backend-dir", str(directory), "--synthetic", "1"]) == 0
    running = start_in_thread(directory)
    add_user(running.backend, "tecnico", "Técnico", "technician", "tecnico-2026")
    add_user(running.backend, "ventanilla", "Ventanilla", "clerk", "ventanilla-2026")
    yield running
    running.stop()


def _station(tmp_path: Path, *argv: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    launcher = tmp_path / "station_without_server.py"
    launcher.write_text(WITHOUT_SERVER, encoding="utf-8")
    report = tmp_path / f"loaded-{len(list(tmp_path.glob('loaded-*')))}.json"
    env = {
        **os.environ,
        "KIOSK_DATA_DIR": str(tmp_path / "station"),
        "LOADED_REPORT": str(report),
        "BLOCKED_MODULES": ",".join(sorted(backend_only_modules())),
    }
    result = subprocess.run(
        [sys.executable, str(launcher), "--lang", "en", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    return result, json.loads(report.read_text(encoding="utf-8"))


def test_the_hook_really_hides_the_server_libraries(tmp_path: Path) -> None:
    result, _ = _station(tmp_path, "backend", "serve", "--backend-dir", str(tmp_path / "b"), "--port", "0")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "'backend' extra" in result.stderr and "uvicorn" in result.stderr


def test_a_station_without_the_backend_extra_enrols_against_a_served_backend(
    tmp_path: Path, served: Running
) -> None:
    secrets = {}
    for name, password in (("clerk", "ventanilla-2026"), ("tech", "tecnico-2026")):
        secrets[name] = tmp_path / f"{name}.txt"
        secrets[name].write_text(password + "\n", encoding="utf-8")
    result, loaded = _station(
        tmp_path,
        "enrol",
        "--simulated",
        "--enrolment-file",
        str(served.enrolment_file),
        "--username",
        "ventanilla",
        "--password-file",
        str(secrets["clerk"]),
        "--technician",
        "tecnico",
        "--technician-password-file",
        str(secrets["tech"]),
        "--count",
        "1",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    [row] = json.loads(result.stdout)
    assert row["outcome"] == "delivered" and row["receipt_verified"]
    registrations = [
        "kiosk.backend",
        "kiosk.backend.cli",
        "kiosk.backend.store_cli",
        "kiosk.backend.upkeep_cli",
    ]
    assert loaded == registrations  # the command modules that register `kiosk backend`, nothing more

    embedded, loaded = _station(tmp_path, "enrol", "--simulated", "--embedded", "--count", "1")
    assert embedded.returncode == 1 and "Traceback" not in embedded.stderr
    assert "no embedded backend" in embedded.stderr and "'backend' extra" in embedded.stderr
    assert not [m for m in loaded if m.split(".")[0] in ("fastapi", "uvicorn", "starlette")]
