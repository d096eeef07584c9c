"""The generic camera: a preview stream at one size, a still at a larger one, RGB frames always.

The face step previews at 640x480 (fast analysis) and takes its final frame at 1280x720 (enough pixels
between the eyes for ICAO); `capture_still` pauses a running preview, switches mode, grabs, and resumes
it, so callers never juggle modes. Drivers implement `_configure` (when the hardware has modes) and
`_read_frame`, which returns RGB.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar

from devices.device import Device, _overrides
from devices.errors import DeviceTimeout, ModeRefused
from devices.facts import Capability, Kind
from devices.frames import Frame
from devices.streams import FrameStream

Size = tuple[int, int]


class Camera(Device):
    kind = Kind.CAMERA
    preview_size: ClassVar[Size] = (640, 480)
    still_size: ClassVar[Size] = (1280, 720)
    default_fps: ClassVar[float] = 30.0
    warmup_frames: ClassVar[int] = 2  # frames thrown away after a mode switch (exposure settles)

    @classmethod
    def _derived_capabilities(cls) -> set[Capability]:
        caps = {Capability.STILL}
        if _overrides(cls, "_read_frame", Camera):
            caps.add(Capability.LIVE_PREVIEW)
        if _overrides(cls, "_configure", Camera):
            caps.add(Capability.SET_MODE)
        return caps

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stream: FrameStream | None = None
        self.mode: tuple[Size, float] | None = None  # what the hardware really runs at

    # -- driver hook -----------------------------------------------------------------------------------
    def _configure(self, size: Size, fps: float) -> tuple[Size, float]:
        """Ask the hardware for a mode; return the one it really took (drivers without modes keep theirs)."""
        return size, fps

    # -- public ----------------------------------------------------------------------------------------
    def stream(
        self,
        size: Size | None = None,
        fps: float | None = None,
        *,
        callback: Callable[[Frame], None] | None = None,
        queue_size: int = 2,
        strict: bool = False,
    ) -> FrameStream:
        """A preview stream (default 640x480 at the default rate); `strict` refuses a substitute mode."""
        wanted = (size or self.preview_size, fps or self.default_fps)

        def start(stream: FrameStream) -> None:
            self._acquire(stream)
            try:
                actual = self._set_mode(wanted[0], wanted[1], strict)
            except BaseException:
                self._release(stream)
                raise
            stream.mode = {
                "size": actual[0],
                "fps": actual[1],
                "requested": {"size": wanted[0], "fps": wanted[1]},
            }
            self._stream = stream

        return FrameStream(
            self.device_id,
            self._next,
            callback=callback,
            queue_size=queue_size,
            on_start=start,
            on_stop=self._release,
            on_error=self._on_stream_error,
        )

    def capture_still(self, timeout: float = 5.0, size: Size | None = None, *, strict: bool = False) -> Frame:
        """One frame at the still size (1280x720 unless given); a running preview pauses and resumes."""
        paused = self._stream if self._stream is not None and self._stream.active else None
        if paused is not None:
            paused.stop()
        try:
            return self._still(timeout, size or self.still_size, strict)
        finally:
            if paused is not None and not paused.closed and self.is_open:
                paused.start()

    def grab(self, timeout: float = 1.0) -> Frame:
        """One frame in the current mode (the preview size if none was set), in the caller's thread."""
        token = object()
        with self._acquisition(token):
            if self.mode is None:
                self._set_mode(self.preview_size, self.default_fps, False)
            return self._next(timeout)

    # -- internals -------------------------------------------------------------------------------------
    def _still(self, timeout: float, size: Size, strict: bool) -> Frame:
        deadline = time.monotonic() + timeout
        token = object()
        with self._acquisition(token):
            self._set_mode(size, self.default_fps, strict)
            frame = None
            for _ in range(self.warmup_frames + 1):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise DeviceTimeout(self.device_id, reason="no still frame", seconds=timeout)
                frame = self._next(remaining)
            assert frame is not None
            frame.meta["still"] = True
            return frame

    def _set_mode(self, size: Size, fps: float, strict: bool) -> tuple[Size, float]:
        with self._io:
            actual: tuple[Size, float] = self._call(self._configure, size, fps)
        self.mode = actual
        if strict and tuple(actual[0]) != tuple(size):
            raise ModeRefused(
                self.device_id, wanted=f"{size[0]}x{size[1]}", actual=f"{actual[0][0]}x{actual[0][1]}"
            )
        return actual

    def _next(self, timeout: float) -> Frame:
        image, stamp, seq = self._read_raw(timeout)
        return Frame(image, stamp, seq, device_id=self.device_id)
