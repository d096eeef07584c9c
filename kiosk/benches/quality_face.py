"""Benchmarks of the face checks: `quality.face_analysis` and friends.

`quality.face_analysis` is the number the live preview depends on: one 640x480 frame through the
full-range detector, FaceMesh with irises, the person segmentation and all fourteen measures, in preview
mode (the mesh tracks across frames, as on the kiosk). Target <= 20 ms, so analysis keeps up at >= 15 Hz
while the preview paints at 30 fps on two cores. The frame is the project's own demo portrait
(`resources/demo/astronaut.png`) letterboxed into 640x480, which puts about 40 px between the eyes, as
a person at arm's length from a 640x480 webcam.
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np

from kiosk.bench import Row, row_ms, time_ms
from kiosk.resources import resource_path


def demo_frame(width: int, height: int) -> np.ndarray:
    """The demo portrait scaled to the frame height and centred on a grey canvas (RGB)."""
    bgr = cv2.imread(str(resource_path("demo", "astronaut.png")), cv2.IMREAD_COLOR)
    if bgr is None:
        raise FileNotFoundError(resource_path("demo", "astronaut.png"))
    side = min(width, height)
    portrait = cv2.resize(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), (side, side), interpolation=cv2.INTER_AREA)
    canvas = np.full((height, width, 3), 128, np.uint8)
    x0, y0 = (width - side) // 2, (height - side) // 2
    canvas[y0 : y0 + side, x0 : x0 + side] = portrait
    return canvas


def rows(quick: bool) -> Iterator[Row]:
    from kiosk.quality.face import FaceAnalyzer, token_image

    runs = 15 if quick else 100
    preview = demo_frame(640, 480)
    with FaceAnalyzer(still=False) as analyzer:
        samples = time_ms(lambda: analyzer.analyze(preview), runs, warmup=3)
        yield row_ms(
            "quality.face_analysis",
            samples,
            target="<= 20 ms",
            note="640x480 preview frame: detector + FaceMesh (irises) + segmentation + 14 measures",
        )
    still = demo_frame(1280, 720)
    with FaceAnalyzer(still=True) as analyzer:
        result = analyzer.analyze(still)
        yield row_ms(
            "quality.face_still_720p",
            time_ms(lambda: analyzer.analyze(still), max(5, runs // 5), warmup=1),
            note="1280x720 still, no tracking (every frame searched from scratch)",
        )
    if result.landmarks is not None:
        yield row_ms(
            "quality.face_token",
            time_ms(lambda: token_image(still, result), runs),
            note="token crop of the 720p still",
        )
