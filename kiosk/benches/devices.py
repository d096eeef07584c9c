"""Device-layer benchmarks: does the camera path deliver the frame rate the face step needs?

`camera.frame_delivery` streams the simulated camera at 640x480 and 30 fps through the generic stream
(reader thread, queue, RGB frames) and reports the rate a consumer really receives; the unpaced rows
show the headroom (how fast frames can be made and delivered) at preview and still size.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from devices.sim.camera import SimCamera
from devices.sim.hardware import SimulatedHardware
from kiosk.bench import Row, row_rate


def _rates(fps: float, size: tuple[int, int], runs: int, seconds: float) -> list[float]:
    bench = SimulatedHardware(fingerprint_readers=0, cameras=0)
    bench.plug("camera", fps=fps)
    found = SimCamera.probe({"hardware": bench})[0]
    rates = []
    camera = SimCamera(SimCamera.describe(found), {"hardware": bench})
    with camera, camera.stream(size=size, fps=fps or 30.0, queue_size=2) as stream:
        stream.read(5.0)  # the first frame pays for loading the portrait
        for _ in range(runs):
            start = time.monotonic()
            received = 0
            while time.monotonic() - start < seconds:
                stream.read(5.0)
                received += 1
            rates.append(received / (time.monotonic() - start))
    return rates


def rows(quick: bool) -> Iterator[Row]:
    runs, seconds = (3, 0.5) if quick else (7, 2.0)
    yield row_rate(
        "camera.frame_delivery",
        "fps",
        _rates(30.0, (640, 480), runs, seconds),
        ">= 25 (set to 30)",
        "simulated camera 640x480 through FrameStream.read",
    )
    yield row_rate(
        "camera.frame_delivery.unpaced_640x480",
        "fps",
        _rates(0.0, (640, 480), runs, seconds),
        "",
        "headroom: frames made and delivered as fast as read",
    )
    yield row_rate(
        "camera.frame_delivery.unpaced_1280x720",
        "fps",
        _rates(0.0, (1280, 720), runs, seconds),
        "",
        "headroom at the still size",
    )
