"""What the real-driver tests need from the machine: tools that skip locally, and must be there in CI.

`tools/bootstrap.sh` installs them as root (CI runs as root on a fresh Debian 12), so in CI a missing
tool is a failure, never a skip; on a developer's machine without them the test skips and names the
Debian package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[3]


def require(available: bool, what: str, packages: str) -> None:
    if available:
        return
    message = f"needs {what} (Debian: {packages}; tools/bootstrap.sh installs it when run as root)"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI must have it")
    pytest.skip(message)


def tool(name: str, packages: str) -> str:
    path = shutil.which(name)
    require(path is not None, name, packages)
    assert path is not None
    return path


@pytest.fixture(scope="session")
def gcc() -> str:
    return tool("gcc", "gcc libc6-dev")


@pytest.fixture(scope="session")
def umockdev_run() -> str:
    return tool("umockdev-run", "umockdev")


@pytest.fixture(scope="session")
def libfprint_bindings() -> None:
    """PyGObject in the environment (the `libfprint` extra) and libfprint's typelib on the system."""
    probe = "import gi; gi.require_version('FPrint', '2.0'); from gi.repository import FPrint"
    ok = subprocess.run([sys.executable, "-c", probe], capture_output=True, check=False).returncode == 0
    require(
        ok, "PyGObject (uv sync --extra libfprint) and libfprint's typelib", "libfprint-2-2 gir1.2-fprint-2.0"
    )


def driver_env(**extra: str) -> dict[str, str]:
    """The environment of a driver's own process: the project importable, test mode, nothing else changed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env["KIOSK_MODE"] = "test"
    env.update(extra)
    return env


FAKES = Path(__file__).resolve().parent / "fakes"
FAKE_SOURCES = {"futronic": "ftrScanAPI.c", "suprema": "UFScanner.c", "secugen": "sgfplib.c"}


@pytest.fixture(scope="session")
def fake_libraries(gcc: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fake vendor libraries, compiled once per session with the vendors' exact ABI."""
    out = tmp_path_factory.mktemp("fake-sdks")
    built = {}
    for vendor, source in FAKE_SOURCES.items():
        target = out / f"lib{Path(source).stem}.so"
        command = [gcc, "-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o", str(target), str(FAKES / source)]
        subprocess.run(command, check=True, capture_output=True, text=True)
        built[vendor] = target
    return built


@pytest.fixture(scope="session")
def real_print(shared_data: Path) -> np.ndarray:
    """A real 500 ppi print (400x500), the image the fake scanners serve."""
    from PIL import Image

    return np.asarray(Image.open(shared_data / "fingerprints" / "nbis-rs" / "p1_1.png").convert("L"))
