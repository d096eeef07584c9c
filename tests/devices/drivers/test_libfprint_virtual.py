"""The libfprint driver against libfprint's `virtual_image` driver: images in, the same images out.

The reader runs in its own process (`host.py`: libfprint's context and GLib loop are per process); the
test plays the scanner through the virtual device's socket: an image, or a command (retry, fatal
error, finger on/off, removal), and checks what the device layer makes of it.
"""

from __future__ import annotations

import base64
import json
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tests.devices.drivers.conftest import ROOT, driver_env

DEVICE = "libfprint:virtual_image:0"


class Host:
    """The driver's process: send a command, read its one-line JSON answer."""

    def __init__(self, socket_path: Path, tmp_path: Path) -> None:
        env = driver_env(FP_VIRTUAL_IMAGE=str(socket_path), KIOSK_DATA_DIR=str(tmp_path))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.devices.drivers.host"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )

        self._next = 0
        self._answers: dict[int, dict[str, Any]] = {}

    def send(self, op: str, **args: Any) -> int:
        assert self.proc.stdin is not None
        self._next += 1
        self.proc.stdin.write(json.dumps({"op": op, "id": self._next, **args}) + "\n")
        self.proc.stdin.flush()
        return self._next

    def answer(self, ident: int | None = None) -> dict[str, Any]:
        """The answer to command `ident` (default: the last one sent)."""
        ident = self._next if ident is None else ident
        assert self.proc.stdout is not None
        while ident not in self._answers:
            line = self.proc.stdout.readline()
            assert line, "the driver's process ended"
            reply = json.loads(line)
            self._answers[reply["id"]] = reply
        return self._answers.pop(ident)

    def ask(self, op: str, **args: Any) -> dict[str, Any]:
        return self.answer(self.send(op, **args))

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Scanner:
    """The far end of virtual_image's socket: what a scanner would send."""

    def __init__(self, path: Path) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(str(path))

    def image(self, image: np.ndarray) -> None:
        height, width = image.shape
        self.sock.sendall(struct.pack("ii", width, height) + image.tobytes())

    def command(self, code: int, arg: int = 0) -> None:
        self.sock.sendall(struct.pack("ii", code, arg))

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def host(libfprint_bindings: None, tmp_path: Path) -> Iterator[Host]:
    running = Host(tmp_path / "virtual-image.socket", tmp_path)
    yield running
    running.close()


@pytest.fixture
def scanner(host: Host, tmp_path: Path) -> Iterator[Scanner]:
    opened = host.ask("open", id_=DEVICE)
    assert opened["ok"], opened
    far = Scanner(tmp_path / "virtual-image.socket")
    yield far
    far.close()


@pytest.fixture(scope="module")
def prints(shared_data: Path) -> list[np.ndarray]:
    folder = shared_data / "fingerprints" / "nbis-rs"
    return [np.asarray(Image.open(p).convert("L")) for p in sorted(folder.glob("p*_*"))[:3]]


def armed(host: Host) -> int:
    """Start a capture and wait until the scanner asks for a finger (a real one is only touched then)."""
    ident = host.send("capture", timeout=10)
    assert wait_for(lambda: host.ask("finger")["result"]["needed"]), "the scanner never asked for a finger"
    return ident


def captured(reply: dict[str, Any]) -> np.ndarray:
    assert reply["ok"], reply
    result = reply["result"]
    data = np.frombuffer(base64.b64decode(result["image"]), np.uint8)
    return data.reshape(result["height"], result["width"])


def test_the_virtual_scanner_is_listed_with_the_drivers_facts(host: Host) -> None:
    reply = host.ask("list")
    rows = [d for d in reply["result"]["devices"] if d["driver"] == "libfprint"]
    assert [r["id"] for r in rows] == [DEVICE]
    assert rows[0]["ppi"] == 500 and rows[0]["usb"] is None and rows[0]["kind"] == "fingerprint"


def test_images_in_are_the_same_images_out(host: Host, scanner: Scanner, prints: list[np.ndarray]) -> None:
    for image in prints:
        ident = armed(host)
        scanner.image(image)
        assert np.array_equal(captured(host.answer(ident)), image)


@pytest.mark.parametrize(
    ("arg", "kind", "code"),
    [
        (0, "ScanRetry", "devices.error.retry_scan"),
        (1, "SwipeTooShort", "devices.error.retry_too_short"),
        (2, "CentreFinger", "devices.error.retry_centre_finger"),
        (3, "RemoveFinger", "devices.error.retry_remove_finger"),
    ],
)
def test_each_retry_asks_the_person_again_and_the_reader_stays_usable(
    host: Host, scanner: Scanner, prints: list[np.ndarray], arg: int, kind: str, code: str
) -> None:
    ident = armed(host)
    scanner.command(-1, arg)
    reply = host.answer(ident)
    assert (reply["ok"], reply["type"], reply["code"]) == (False, kind, code)
    ident = armed(host)
    scanner.image(prints[0])
    assert np.array_equal(captured(host.answer(ident)), prints[0])


@pytest.mark.parametrize(
    ("arg", "kind"),
    [(0, "HardwareFault"), (5, "HardwareFault"), (4, "Busy")],
    ids=["general", "protocol", "busy"],
)
def test_fatal_errors_are_typed(host: Host, scanner: Scanner, arg: int, kind: str) -> None:
    ident = armed(host)
    scanner.command(-2, arg)
    reply = host.answer(ident)
    assert (reply["ok"], reply["type"]) == (False, kind), reply
    assert reply["params"]["device"] == DEVICE


def test_finger_on_and_off_are_followed(host: Host, scanner: Scanner, prints: list[np.ndarray]) -> None:
    assert host.ask("finger")["result"] == {"present": False, "needed": False}
    capture = armed(host)
    scanner.command(-3, 0)  # no automatic finger on/off around images: the scanner reports it itself
    scanner.command(-4, 1)
    assert wait_for(lambda: host.ask("finger")["result"]["present"])
    scanner.image(prints[2])
    scanner.command(-4, 0)  # the image device completes the capture once the finger is off again
    assert np.array_equal(captured(host.answer(capture)), prints[2])
    assert host.ask("finger")["result"]["present"] is False


def wait_for(condition: Any, seconds: float = 5.0) -> bool:
    """Poll another process's state (its events cannot reach this one); bounded, never a fixed sleep."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_removal_mid_capture_is_a_disconnect_reported_once(host: Host, scanner: Scanner) -> None:
    ident = armed(host)
    scanner.command(-5)
    reply = host.answer(ident)
    assert (reply["ok"], reply["type"]) == (False, "Disconnected")
    assert host.ask("removed")["result"] in (["unplugged"], ["removed"])


def test_nothing_on_the_sensor_times_out_and_the_reader_recovers(
    host: Host, scanner: Scanner, prints: list[np.ndarray]
) -> None:
    reply = host.ask("capture", timeout=0.5)
    assert (reply["ok"], reply["type"]) == (False, "DeviceTimeout")
    ident = armed(host)
    scanner.image(prints[1])
    assert np.array_equal(captured(host.answer(ident)), prints[1])


def test_without_pygobject_the_driver_is_a_listed_line_naming_what_to_install(tmp_path: Path) -> None:
    hide = "import sys; sys.modules['gi'] = None; from kiosk.cli.main import main; sys.exit(main())"
    done = subprocess.run(
        [sys.executable, "-c", hide, "devices", "list", "--json"],
        capture_output=True,
        text=True,
        env=driver_env(KIOSK_DATA_DIR=str(tmp_path)),
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    failures = {f["driver"]: f for f in json.loads(done.stdout)["failures"]}
    assert failures["libfprint"]["code"] == "devices.error.library_missing"
    assert "kiosk[libfprint]" in failures["libfprint"]["params"]["hint"]
