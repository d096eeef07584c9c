"""FrameStream: blocking reads, callbacks, stop vs close, drops, and shutdown that never hangs.

The tests wait on events (the source's call count, the stream's stop and error hooks, a reader
blocked in the stream's condition), never on a sleep that only makes the interesting order likely.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from devices.errors import DeviceTimeout, Disconnected, HardwareFault, StreamStopped
from devices.frames import Frame
from devices.streams import FrameStream

WAIT = 5.0  # generous bound for "eventually"; never a speed assertion


class Source:
    """A driver stand-in: frames on demand, optional gaps in sequence numbers, a scripted failure."""

    def __init__(self, delay: float = 0.0, gap_every: int = 0) -> None:
        self.seq = 0
        self.delay = delay
        self.gap_every = gap_every
        self.fail: BaseException | None = None
        self.calls = 0
        self._called = threading.Condition()

    def __call__(self, timeout: float) -> Frame:
        with self._called:
            self.calls += 1
            self._called.notify_all()
        if self.fail is not None:
            raise self.fail
        if self.delay:
            time.sleep(min(self.delay, timeout))
            if self.delay > timeout:
                raise DeviceTimeout("fake", seconds=timeout)
        self.seq += 2 if self.gap_every and self.seq % self.gap_every == self.gap_every - 1 else 1
        return Frame(np.full((4, 4), self.seq % 256, np.uint8), time.monotonic(), self.seq, device_id="fake")

    def wait_for_calls(self, count: int) -> bool:
        """True once the stream thread has asked for `count` frames (each earlier frame is accounted)."""
        with self._called:
            return self._called.wait_for(lambda: self.calls >= count, WAIT)


class WatchedCondition(threading.Condition):
    """The stream's condition, telling the test when a reader is blocked in it."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting = threading.Event()

    def wait(self, timeout: float | None = None) -> bool:
        self.waiting.set()
        return super().wait(timeout)


def test_read_returns_frames_in_order_and_counts_fps() -> None:
    with FrameStream("fake", Source(delay=0.002), queue_size=64) as stream:
        frames = [stream.read(WAIT) for _ in range(10)]
        assert stream.active
    seqs = [f.seq for f in frames]
    assert seqs == sorted(seqs) and len(set(seqs)) == 10
    assert stream.fps > 0 and stream.delivered >= 10
    assert not stream.active and stream.closed


def test_queue_overflow_and_sequence_gaps_count_as_dropped() -> None:
    source = Source(gap_every=5)
    stream = FrameStream("fake", source, queue_size=2).start()
    assert source.wait_for_calls(50)
    frame = stream.read(WAIT)
    stream.close()
    assert 0 < frame.dropped <= stream.dropped
    assert stream.dropped >= source.calls // 5 - 1  # at least the gaps the device reported


def test_callback_form_delivers_in_the_stream_thread() -> None:
    got: list[tuple[int, str]] = []
    done = threading.Event()

    def on_frame(frame: Frame) -> None:
        got.append((frame.seq, threading.current_thread().name))
        if len(got) >= 5:
            done.set()

    with FrameStream("fake", Source(delay=0.001), callback=on_frame) as stream:
        assert done.wait(WAIT)
        with pytest.raises(TypeError):
            stream.read(0.1)
    assert all(name.startswith("frames-") for _, name in got)


def test_stop_wakes_a_blocked_reader_and_start_again_works() -> None:
    stream = FrameStream("fake", Source(delay=10.0))  # never delivers
    watched = stream._cond = WatchedCondition()
    stream.start()
    outcome: list[BaseException] = []
    reader = threading.Thread(target=lambda: _capture_error(stream, outcome))
    reader.start()
    assert watched.waiting.wait(WAIT)  # the reader is blocked inside read()
    stream.stop()
    reader.join(WAIT)
    assert not reader.is_alive() and isinstance(outcome[0], StreamStopped)
    stream._source = Source()
    stream.start()
    assert stream.read(WAIT).seq >= 1
    stream.close()
    with pytest.raises(StreamStopped):
        stream.start()
    with pytest.raises(StreamStopped):
        stream.read(0.1)


def test_read_timeout_is_a_device_timeout() -> None:
    with FrameStream("fake", Source(delay=10.0)) as stream, pytest.raises(DeviceTimeout):
        stream.read(0.05)


def test_disconnect_drains_queued_frames_then_raises_and_reports_once() -> None:
    source = Source()
    errors: list[BaseException] = []
    reported = threading.Event()

    def on_error(error: BaseException) -> None:
        errors.append(error)
        reported.set()

    stream = FrameStream("fake", source, queue_size=3, on_error=on_error).start()
    assert source.wait_for_calls(5)  # four frames accounted: the queue of three is full
    source.fail = Disconnected("fake", reason="unplugged")
    assert reported.wait(WAIT)
    got = 0
    with pytest.raises(Disconnected):
        while True:
            stream.read(WAIT)
            got += 1
    assert got == 3  # the frames that arrived before the unplug are still delivered
    assert len(errors) == 1 and stream.error is errors[0] and not stream.active
    with pytest.raises(Disconnected):  # and keeps saying so
        stream.read(0.1)
    stream.close()


def test_a_driver_bug_becomes_a_hardware_fault() -> None:
    source = Source()
    source.fail = ZeroDivisionError("oops")
    with FrameStream("fake", source) as stream, pytest.raises(HardwareFault, match="ZeroDivisionError"):
        stream.read(WAIT)


def test_failing_callback_stops_the_stream_and_is_kept() -> None:
    def bad(frame: Frame) -> None:
        raise RuntimeError("widget gone")

    stopped = threading.Event()
    stream = FrameStream("fake", Source(), callback=bad, on_stop=lambda s: stopped.set()).start()
    assert stopped.wait(WAIT)
    assert not stream.active and isinstance(stream.error, RuntimeError)
    stream.close()


def test_stop_from_inside_the_callback_does_not_deadlock() -> None:
    holder: dict[str, FrameStream] = {}
    stopped = threading.Event()

    def on_frame(frame: Frame) -> None:
        holder["s"].stop()
        stopped.set()

    holder["s"] = FrameStream("fake", Source(), callback=on_frame)
    holder["s"].start()
    assert stopped.wait(WAIT)
    holder["s"].close()
    assert not holder["s"].active


def test_on_start_failure_starts_nothing() -> None:
    def refuse(stream: FrameStream) -> None:
        raise StreamStopped("fake", reason="busy elsewhere")

    stream = FrameStream("fake", Source(), on_start=refuse)
    with pytest.raises(StreamStopped):
        stream.start()
    assert not stream.active


@pytest.mark.parametrize("ending", ["stop", "close", "disconnect"])
def test_shutdown_under_load_releases_every_reader(ending: str) -> None:
    """Eight threads read flat out while another thread ends the stream: all of them return."""
    source = Source()
    released = threading.Event()
    stream = FrameStream("fake", source, queue_size=2, on_stop=lambda s: released.set()).start()
    endings: list[str] = []
    lock = threading.Lock()

    reading = [threading.Event() for _ in range(8)]

    def reader(got_one: threading.Event) -> None:
        try:
            while True:
                stream.read(WAIT)
                got_one.set()
        except (StreamStopped, Disconnected) as exc:
            with lock:
                endings.append(type(exc).__name__)

    threads = [threading.Thread(target=reader, args=(event,)) for event in reading]
    for thread in threads:
        thread.start()
    assert all(event.wait(WAIT) for event in reading)  # every reader is in its read loop
    if ending == "stop":
        stream.stop()
    elif ending == "close":
        stream.close()
    else:
        source.fail = Disconnected("fake")
    for thread in threads:
        thread.join(WAIT)
    assert not any(t.is_alive() for t in threads)
    expected = "Disconnected" if ending == "disconnect" else "StreamStopped"
    assert endings == [expected] * 8
    assert released.wait(WAIT)
    stream.close()


def _capture_error(stream: FrameStream, outcome: list[BaseException]) -> None:
    try:
        stream.read()
    except BaseException as exc:
        outcome.append(exc)
