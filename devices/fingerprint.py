"""The generic fingerprint reader: live frames, finger detection and auto-capture for every driver.

A scanner driver implements `_open_hw`, `_close_hw`, `_read_frame` and, when the hardware can tell,
`_finger_present`; the optional `_fake_finger` and `_set_leds` add capabilities. Readers that cannot
stream (a blocking single-shot SDK call) implement `_capture_image` instead of `_read_frame`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from devices.device import Device, _overrides
from devices.errors import DeviceTimeout, FingerLifted
from devices.facts import Capability, Kind
from devices.finger_tracker import FingerTracker, Phase, finger_in_image
from devices.frames import Frame, Image
from devices.streams import FrameStream

FrameCallback = Callable[[Frame], None]


class FingerprintReader(Device):
    kind = Kind.FINGERPRINT
    ppi: ClassVar[int | None] = 500
    stable_frames: ClassVar[int] = 3
    max_change: ClassVar[float] = 6.0

    @classmethod
    def _derived_capabilities(cls) -> set[Capability]:
        caps = set()
        if _overrides(cls, "_read_frame", FingerprintReader):
            caps.add(Capability.LIVE_PREVIEW)
        if _overrides(cls, "_finger_present", FingerprintReader):
            caps.add(Capability.FINGER_DETECT)
        if _overrides(cls, "_fake_finger", FingerprintReader):
            caps.add(Capability.FAKE_FINGER)
        if _overrides(cls, "_set_leds", FingerprintReader):
            caps.add(Capability.LEDS)
        return caps

    # -- optional driver hooks -------------------------------------------------------------------------
    def _finger_present(self) -> bool | None:
        """The hardware's own finger detector for the frame just read (None: it cannot tell)."""
        return None

    def _fake_finger(self, image: Image) -> bool | None:
        """The hardware's liveness verdict on a capture (True: a fake finger)."""
        return None

    def _set_leds(self, green: bool, red: bool) -> None:
        raise NotImplementedError

    def _capture_image(self, timeout: float) -> Image:
        """Single-shot capture for readers without live frames."""
        raise NotImplementedError

    # -- public ----------------------------------------------------------------------------------------
    def grab(self, timeout: float = 1.0) -> Frame:
        """One live frame, now, in the caller's thread (a technician's live test, a blank-frame check)."""
        token = object()
        with self._acquisition(token):
            return self._next(timeout)

    def stream(self, callback: FrameCallback | None = None, queue_size: int = 4) -> FrameStream:
        """A live stream; start it with `with reader.stream() as s:` or `.start()`."""
        return FrameStream(
            self.device_id,
            self._next,
            callback=callback,
            queue_size=queue_size,
            on_start=self._acquire,
            on_stop=self._release,
            on_error=self._on_stream_error,
        )

    def capture(
        self, timeout: float = 10.0, *, on_frame: FrameCallback | None = None, require_lift: bool = False
    ) -> Frame:
        """Wait for a finger, let it settle, return the best stable frame.

        `on_frame` sees every live frame (preview and live quality); `require_lift` first waits for the
        sensor to be clear, so a new attempt is a new impression. Raises `FingerLifted` when the finger
        leaves before it is stable and `DeviceTimeout` when time runs out.
        """
        start = time.monotonic()
        deadline = start + timeout
        token = object()
        with self._acquisition(token):
            if not _overrides(type(self), "_read_frame", FingerprintReader):
                return self._single_shot(timeout, start)
            tracker = FingerTracker(self.stable_frames, self.max_change)
            waiting_for_lift = require_lift
            seen_finger = False
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    reason = "the finger did not become stable" if seen_finger else "no finger was placed"
                    raise DeviceTimeout(self.device_id, reason=reason, seconds=timeout)
                try:
                    frame = self._next(min(remaining, 0.5))
                except DeviceTimeout:
                    continue
                if on_frame is not None:
                    on_frame(frame)
                if waiting_for_lift:
                    waiting_for_lift = bool(tracker.present(frame))
                    continue
                phase = tracker.feed(frame)
                seen_finger = seen_finger or phase is not Phase.WAITING
                if phase is Phase.LIFTED:
                    raise FingerLifted(self.device_id, seconds=time.monotonic() - start)
                if phase is Phase.CAPTURED and tracker.best is not None:
                    return self._finish(tracker.best, start)

    def set_leds(self, green: bool, red: bool) -> None:
        with self._io:
            self._call(self._set_leds, green, red)

    # -- internals -------------------------------------------------------------------------------------
    def _next(self, timeout: float) -> Frame:
        image, stamp, seq = self._read_raw(timeout)
        present = self._finger_present()
        if present is None:
            present = finger_in_image(image)
        return Frame(image, stamp, seq, ppi=self.info.ppi, finger_present=present, device_id=self.device_id)

    def _single_shot(self, timeout: float, start: float) -> Frame:
        with self._io:
            image = self._call(self._capture_image, timeout)
            self._seq += 1
            seq = self._seq
        frame = Frame(
            image, time.monotonic(), seq, ppi=self.info.ppi, finger_present=True, device_id=self.device_id
        )
        return self._finish(frame, start)

    def _finish(self, frame: Frame, start: float) -> Frame:
        frame.meta["capture_seconds"] = time.monotonic() - start
        fake = self._fake_finger(frame.image)
        if fake is not None:
            frame.meta["fake_finger"] = fake
        return frame
