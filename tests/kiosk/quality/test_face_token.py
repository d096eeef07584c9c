"""The token-frontal crop lands the eyes where ISO/IEC 19794-5 puts them, found again by FaceMesh.

The eyes are located in the written token by analysing it afresh, not by re-using the transform that
made it, so a mistake in the transform or in the eye centres would show.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kiosk.quality.face import FaceAnalyzer, FacePolicy, token_image
from kiosk.quality.face import landmarks as lm
from kiosk.quality.face.token import MIN_WIDTH
from tests.kiosk.quality import face_stills as fs

pytestmark = pytest.mark.shared_data

TOLERANCE_PX = 3.0


@pytest.fixture(scope="module")
def analyzer() -> Iterator[FaceAnalyzer]:
    with FaceAnalyzer(FacePolicy(), still=True) as a:
        yield a


@pytest.fixture(scope="module")
def still(shared_data: Path) -> np.ndarray:
    return fs.webcam_still(fs.read_rgb(shared_data / "faces" / "astronaut.png"))


def _eyes_in_token(analyzer: FaceAnalyzer, frame: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    token = token_image(frame, analyzer.analyze(frame))
    again = analyzer.analyze(token)
    assert again.faces == 1 and again.landmarks is not None
    right, left = lm.eye_centres(again.landmarks)
    return token, right, left


@pytest.mark.parametrize("variant", ["still", "rolled", "off-centre"])
def test_eyes_land_on_the_token_geometry(analyzer: FaceAnalyzer, still: np.ndarray, variant: str) -> None:
    frame = {"still": still, "rolled": fs.rolled(still, 20.0), "off-centre": fs.off_centre(still, 0.2)}[
        variant
    ]
    token, right, left = _eyes_in_token(analyzer, frame)
    height, width = token.shape[:2]
    assert token.dtype == np.uint8 and token.shape[2] == 3
    assert width >= MIN_WIDTH
    assert height == round(width / 0.75)
    assert right == pytest.approx([0.375 * width, 0.6 * width], abs=TOLERANCE_PX)
    assert left == pytest.approx([0.625 * width, 0.6 * width], abs=TOLERANCE_PX)


def test_the_token_keeps_the_cameras_resolution(analyzer: FaceAnalyzer, still: np.ndarray) -> None:
    result = analyzer.analyze(still)
    assert result.landmarks is not None
    distance = lm.inter_eye_distance(result.landmarks)
    token = token_image(still, result)
    assert token.shape[1] == pytest.approx(4 * distance, abs=2)


def test_a_small_face_is_brought_up_to_the_minimum_width(analyzer: FaceAnalyzer, still: np.ndarray) -> None:
    token, right, left = _eyes_in_token(analyzer, fs.small(still))
    assert token.shape[:2] == (320, 240)
    assert float(np.linalg.norm(left - right)) == pytest.approx(60, abs=TOLERANCE_PX)


def test_a_token_needs_a_face(analyzer: FaceAnalyzer, still: np.ndarray) -> None:
    nothing = analyzer.analyze(fs.no_face(still))
    with pytest.raises(ValueError, match="landmarks"):
        token_image(still, nothing)
    with pytest.raises(ValueError, match="minimum"):
        token_image(still, analyzer.analyze(still), width=200)
