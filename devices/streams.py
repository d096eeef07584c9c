"""Frame streams: one reader thread per stream, a small queue, blocking reads or a callback.

Modelled on python-sounddevice: a stream is a context manager, `stop` (can `start` again) and `close`
(final) are distinct, and readers are never left hanging: stopping wakes blocked `read`s with
`StreamStopped`, an unplugged device wakes them with `Disconnected` once the queued frames are drained.
The queue keeps the newest frames (a live preview wants now, not a backlog) and counts what it drops.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any

from devices.errors import DeviceError, DeviceTimeout, HardwareFault, StreamStopped
from devices.frames import Frame

log = logging.getLogger(__name__)

FrameSource = Callable[[float], Frame]
"""Delivers the next frame, blocking at most the given seconds (`DeviceTimeout` when none came)."""

POLL_SECONDS = 0.25  # longest a reader thread blocks in the driver, so stop() returns promptly
JOIN_SECONDS = 3.0  # a driver stuck longer than this is abandoned (daemon thread), never waited on forever


class _Run:
    """One start..stop period: its own stop flag, so a late thread of an old run cannot touch a new one."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.released = False


class FrameStream:
    def __init__(
        self,
        device_id: str,
        source: FrameSource,
        *,
        callback: Callable[[Frame], None] | None = None,
        queue_size: int = 4,
        on_start: Callable[[FrameStream], None] | None = None,
        on_stop: Callable[[FrameStream], None] | None = None,
        on_error: Callable[[DeviceError], None] | None = None,
    ) -> None:
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        self.device_id = device_id
        self._source = source
        self._callback = callback
        self._on_start = on_start
        self._on_stop = on_stop
        self._on_error = on_error
        self._queue: collections.deque[Frame] = collections.deque(maxlen=queue_size)
        self._cond = threading.Condition()
        self._run: _Run | None = None
        self._closed = False
        self._error: DeviceError | BaseException | None = None
        self._dropped = 0
        self._delivered = 0
        self._last_seq: int | None = None
        self._times: collections.deque[float] = collections.deque(maxlen=60)
        self.mode: dict[str, Any] = {}  # what the device really runs at (size, fps), filled by on_start

    # -- life cycle ------------------------------------------------------------------------------------
    def start(self) -> FrameStream:
        with self._cond:
            if self._closed:
                raise StreamStopped(self.device_id, reason="closed")
            if self._run is not None:
                return self
        if self._on_start is not None:
            self._on_start(self)  # may raise Busy / ModeRefused: then nothing was started
        run = _Run()
        with self._cond:
            self._error = None
            self._last_seq = None
            self._times.clear()
            self._run = run
        run.thread = threading.Thread(
            target=self._pump, args=(run,), name=f"frames-{self.device_id}", daemon=True
        )
        run.thread.start()
        return self

    def stop(self) -> None:
        """Stop delivering frames and wake every blocked reader; `start` may be called again."""
        with self._cond:
            run, self._run = self._run, None
            self._queue.clear()
            self._cond.notify_all()
        if run is None:
            return
        run.stopping.set()
        thread = run.thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(JOIN_SECONDS)
            if thread.is_alive():
                log.warning(
                    "stream of %s: driver did not return within %.1f s; abandoned",
                    self.device_id,
                    JOIN_SECONDS,
                )
        self._release(run)

    def close(self) -> None:
        """Stop for good; `start` raises afterwards. Idempotent."""
        self.stop()
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def __enter__(self) -> FrameStream:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def active(self) -> bool:
        with self._cond:
            return self._run is not None

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def error(self) -> BaseException | None:
        """What ended the stream on its own (a disconnect, a fault, a failing callback), if anything."""
        return self._error

    # -- reading ---------------------------------------------------------------------------------------
    def read(self, timeout: float | None = None) -> Frame:
        """The oldest queued frame; waits up to `timeout` s (None: until a frame, a stop or an error)."""
        if self._callback is not None:
            raise TypeError("this stream hands its frames to a callback; read() is for streams without one")
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                if self._queue:
                    return self._queue.popleft().with_dropped(self._dropped)
                if self._error is not None:
                    raise self._error
                if self._run is None:
                    raise StreamStopped(self.device_id, reason="closed" if self._closed else "stopped")
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise DeviceTimeout(self.device_id, reason="no frame arrived", seconds=timeout or 0.0)
                self._cond.wait(remaining)

    def __iter__(self) -> Iterator[Frame]:
        """Frames until the stream is stopped; a disconnect or fault is raised."""
        while True:
            try:
                yield self.read()
            except StreamStopped:
                return

    @property
    def dropped(self) -> int:
        return self._dropped

    @property
    def delivered(self) -> int:
        return self._delivered

    @property
    def fps(self) -> float:
        """Frames per second actually delivered over the last (up to) 60 frames; 0.0 before two frames."""
        with self._cond:
            if len(self._times) < 2 or self._times[-1] <= self._times[0]:
                return 0.0
            return (len(self._times) - 1) / (self._times[-1] - self._times[0])

    # -- the reader thread -----------------------------------------------------------------------------
    def _pump(self, run: _Run) -> None:
        while not run.stopping.is_set():
            try:
                frame = self._source(POLL_SECONDS)
            except DeviceTimeout:
                continue
            except BaseException as exc:
                if run.stopping.is_set():
                    break  # the stop (or close of the device) caused it: not an error of the stream
                self._fail(run, exc if isinstance(exc, DeviceError) else _fault(self.device_id, exc))
                return
            if run.stopping.is_set():
                break
            if not self._account(run, frame):
                break
            if self._callback is not None:
                try:
                    self._callback(frame.with_dropped(self._dropped))
                except BaseException as exc:
                    log.exception("stream callback of %s failed; stream stopped", self.device_id)
                    self._fail(run, exc)
                    return
        self._release(run)

    def _account(self, run: _Run, frame: Frame) -> bool:
        with self._cond:
            if self._run is not run:
                return False
            if self._last_seq is not None and frame.seq > self._last_seq + 1:
                self._dropped += frame.seq - self._last_seq - 1
            self._last_seq = frame.seq
            self._times.append(frame.timestamp)
            self._delivered += 1
            if self._callback is None:
                if len(self._queue) == self._queue.maxlen:
                    self._dropped += 1
                self._queue.append(frame)
                self._cond.notify_all()
            return True

    def _fail(self, run: _Run, exc: BaseException) -> None:
        with self._cond:
            if self._run is run:
                self._error = exc
                self._run = None
            self._cond.notify_all()
        self._release(run)
        if isinstance(exc, DeviceError) and self._on_error is not None:
            self._on_error(exc)

    def _release(self, run: _Run) -> None:
        with self._cond:
            if run.released:
                return
            run.released = True
        if self._on_stop is not None:
            self._on_stop(self)


def _fault(device_id: str, exc: BaseException) -> HardwareFault:
    fault = HardwareFault(device_id, reason=f"{type(exc).__name__}: {exc}")
    fault.__cause__ = exc
    return fault
