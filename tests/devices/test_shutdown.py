"""Real devices under load: readers in several threads while another thread closes, stops or unplugs.

Whatever ends the acquisition, every reader returns with a typed error, the device can be closed, and
the simulated unit is free again; nothing waits forever.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from devices.camera import Camera
from devices.errors import DeviceError, Disconnected, StreamStopped
from devices.fingerprint import FingerprintReader
from devices.positions import Finger
from devices.registry import Registry
from devices.sim.hardware import SimulatedHardware
from devices.streams import FrameStream

WAIT = 10.0


def _readers(stream: FrameStream, count: int) -> tuple[list[threading.Thread], list[BaseException]]:
    endings: list[BaseException] = []
    lock = threading.Lock()

    def read_forever() -> None:
        try:
            while True:
                stream.read(WAIT)
        except BaseException as exc:
            with lock:
                endings.append(exc)

    threads = [threading.Thread(target=read_forever) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads, endings


@pytest.mark.parametrize("ending", ["close-device", "stop-stream", "unplug"])
def test_camera_stream_ends_cleanly_under_load(
    ending: str, camera: Camera, bench: SimulatedHardware, registry: Registry
) -> None:
    stream = camera.stream(queue_size=1).start()
    stream.read(WAIT)
    threads, endings = _readers(stream, 6)
    actions: dict[str, Callable[[], None]] = {
        "close-device": camera.close,
        "stop-stream": stream.stop,
        "unplug": lambda: bench.unplug("sim-camera:0"),
    }
    closer = threading.Thread(target=actions[ending])
    closer.start()
    closer.join(WAIT)
    for thread in threads:
        thread.join(WAIT)
    assert not closer.is_alive() and not any(t.is_alive() for t in threads)
    expected = Disconnected if ending == "unplug" else StreamStopped
    assert len(endings) == 6 and all(isinstance(e, expected) for e in endings), endings
    registry.release(camera)
    assert bench.unit("sim-camera:0").owner is None


def test_closing_a_reader_interrupts_a_capture_in_a_worker(
    reader: FingerprintReader, bench: SimulatedHardware
) -> None:
    outcome: list[BaseException] = []
    started = threading.Event()

    def worker() -> None:
        try:
            reader.capture(WAIT, on_frame=lambda frame: started.set())
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    assert started.wait(WAIT)
    reader.close()
    thread.join(WAIT)
    assert not thread.is_alive() and isinstance(outcome[0], StreamStopped)
    assert bench.unit("sim-fingerprint:0").owner is None


def test_captures_from_two_threads_one_wins_one_is_busy(reader: FingerprintReader) -> None:
    reader.simulation.place(1, Finger.RIGHT_INDEX, seed=5)  # type: ignore[attr-defined]
    results: list[object] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        barrier.wait()
        try:
            results.append(reader.capture(WAIT))
        except DeviceError as exc:
            results.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    kinds = sorted(type(r).__name__ for r in results)
    assert kinds in (["Busy", "Frame"], ["Frame", "Frame"])  # never both at once, never a hang
