"""The station's devices under hot-plug: a reader pulled out in the middle of a read is let go at once
(released, not left claimed by a close that waited for its own thread) and opened again when it is back."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from devices.errors import Disconnected
from tests.fixtures.enrolment import Bench


def test_a_reader_unplugged_mid_read_is_released_and_reopened(
    bench: Bench, caplog: pytest.LogCaptureFixture
) -> None:
    devices = bench.station.devices
    devices.watch(interval=0.05)
    reader = devices.reader
    assert reader is not None
    unit = reader.unit
    failure: list[BaseException] = []
    reading = threading.Event()

    def capture() -> None:
        try:
            reader.capture(10.0, on_frame=lambda _frame: reading.set())
        except Exception as exc:
            failure.append(exc)

    worker = threading.Thread(target=capture)
    worker.start()
    assert reading.wait(10.0)
    bench.hardware.unplug(reader.device_id)
    worker.join(10.0)
    assert isinstance(failure[0], Disconnected)
    assert eventually(lambda: not devices.reader_ready)
    assert eventually(lambda: unit.owner is None), "the unplugged reader was never released"
    assert "stuck" not in caplog.text
    bench.hardware.replug(unit.unit_id)
    assert eventually(lambda: devices.reader_ready) and devices.reader is not reader


def eventually(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Poll `condition` (other threads change it) until it holds or `seconds` pass."""
    pause = threading.Event()
    for _ in range(int(seconds / 0.02)):
        if condition():
            return True
        pause.wait(0.02)
    return condition()
