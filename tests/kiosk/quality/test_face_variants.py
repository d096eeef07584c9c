"""Each fault made in the real portrait fails the measure named after it, which passes on the clean still.

The still is `faces/astronaut.png` made into a 720p-webcam frame (see `face_stills`); the variants change
one thing each. Both halves are asserted every time: a measure that failed on the clean still too would
prove nothing about the fault.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from kiosk.quality.face import MEASURES, FaceAnalyzer, FacePolicy, FaceResult
from tests.kiosk.quality import face_stills as fs

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def analyzer() -> Iterator[FaceAnalyzer]:
    with FaceAnalyzer(FacePolicy(), still=True) as a:
        yield a


@pytest.fixture(scope="module")
def still(shared_data: Path) -> np.ndarray:
    return fs.webcam_still(fs.read_rgb(shared_data / "faces" / "astronaut.png"))


@pytest.fixture(scope="module")
def clean(analyzer: FaceAnalyzer, still: np.ndarray) -> FaceResult:
    return analyzer.analyze(still)


Make = Callable[[np.ndarray, np.ndarray], np.ndarray]

VARIANTS: list[tuple[str, Make, str, str]] = [
    # (variant, how it is made from the still and its landmarks, the measure, the guidance code)
    ("dark", lambda s, p: fs.dark(s), "luminance", "quality.face.more_light"),
    ("over-exposed", lambda s, p: fs.over_exposed(s, 1.5, 40), "exposure", "quality.face.less_light"),
    ("blurred", lambda s, p: fs.blurred(s, 4.0), "sharpness", "quality.face.hold_still"),
    ("rolled", lambda s, p: fs.rolled(s, 20.0), "roll", "quality.face.head_level"),
    ("small", lambda s, p: fs.small(s), "inter_eye_distance", "quality.face.come_closer"),
    ("small", lambda s, p: fs.small(s), "head_size", "quality.face.come_closer"),
    ("off-centre", lambda s, p: fs.off_centre(s), "centring", "quality.face.centre"),
    ("no face", lambda s, p: fs.no_face(s), "single_face", "quality.face.no_face"),
    ("two faces", lambda s, p: fs.two_faces(s), "single_face", "quality.face.one_person"),
    ("eyes closed", fs.eyes_closed, "eyes_open", "quality.face.open_eyes"),
    ("mouth open", fs.mouth_open, "mouth_closed", "quality.face.close_mouth"),
    ("side-lit", fs.side_lit, "illumination_uniformity", "quality.face.even_light"),
    ("busy background", fs.busy_background, "background_uniformity", "quality.face.plain_background"),
]


@pytest.mark.parametrize(
    ("variant", "make", "measure", "code"), VARIANTS, ids=[f"{v[0]}-{v[2]}" for v in VARIANTS]
)
def test_the_fault_fails_its_measure_which_passes_on_the_still(
    analyzer: FaceAnalyzer,
    still: np.ndarray,
    clean: FaceResult,
    variant: str,
    make: Make,
    measure: str,
    code: str,
) -> None:
    assert clean.measures[measure].passed, (measure, clean.measures[measure])
    assert clean.landmarks is not None
    result = analyzer.analyze(make(still, clean.landmarks))
    assert not result.measures[measure].passed, (variant, measure, result.measures[measure])
    assert result.measures[measure].message.code == code
    assert not result.passed
    assert result.score < 50


def test_the_clean_still_is_one_frontal_face_with_every_measure_taken(clean: FaceResult) -> None:
    assert clean.faces == 1
    assert set(clean.measures) == set(MEASURES)
    assert all(m.value is not None for m in clean.measures.values())
    assert clean.landmarks is not None and clean.landmarks.shape == (478, 2)
    # About 100 px between the eye centres (the data README quotes ~103 between the irises).
    assert 90 <= clean.measures["inter_eye_distance"].value <= 115
    assert abs(clean.measures["yaw"].value) < 5
    assert abs(clean.measures["roll"].value) < 8


def test_the_portrait_head_is_tipped_chin_down_and_pitch_says_so(clean: FaceResult) -> None:
    """The portrait measures about 6-7 degrees chin-down against mediapipe's canonical head, outside
    ICAO's ±5: the still fails on pitch alone, and the person is asked to raise the chin."""
    pitch = clean.measures["pitch"]
    assert pitch.value is not None and -10 < pitch.value < -3
    assert clean.failed() in ([], ["pitch"])
    if not pitch.passed:
        assert clean.guidance is not None and clean.guidance.code == "quality.face.chin_up"


def test_with_a_lenient_pitch_the_still_passes_everything(still: np.ndarray) -> None:
    with FaceAnalyzer(FacePolicy(pitch_max=10.0), still=True) as lenient:
        result = lenient.analyze(still)
    assert result.passed, result.failed()
    assert result.guidance is None
    assert 50 <= result.score <= 100


def test_the_dark_still_is_asked_for_light_before_anything_else(
    analyzer: FaceAnalyzer, still: np.ndarray
) -> None:
    result = analyzer.analyze(fs.dark(still))
    assert result.guidance is not None and result.guidance.code == "quality.face.more_light"


def test_a_smaller_fault_scores_higher_than_a_bigger_one(analyzer: FaceAnalyzer, still: np.ndarray) -> None:
    slight = analyzer.analyze(fs.blurred(still, 2.0)).score
    heavy = analyzer.analyze(fs.blurred(still, 6.0)).score
    assert heavy < slight < 50


def test_no_face_leaves_the_other_measures_unmeasured(analyzer: FaceAnalyzer, still: np.ndarray) -> None:
    result = analyzer.analyze(fs.no_face(still))
    assert result.faces == 0 and result.score == 0 and result.landmarks is None
    assert all(
        m.value is None and not m.passed for name, m in result.measures.items() if name != "single_face"
    )


def test_the_preview_judges_inter_eye_distance_at_the_preview_scale(still: np.ndarray) -> None:
    """The 640x480 preview of the same scene has ~67 px between the eyes: under the still's 90 px, over
    the 60 px the preview limit scales to (90 x 480 / 720)."""
    preview = fs.to_preview(still)
    with FaceAnalyzer(FacePolicy(), still=False) as live:
        as_preview = live.analyze(preview)
    with FaceAnalyzer(FacePolicy(), still=True) as stills:
        as_still = stills.analyze(preview)
    distance = as_preview.measures["inter_eye_distance"]
    assert distance.value is not None and 60 < distance.value < 90
    assert distance.passed
    assert not as_still.measures["inter_eye_distance"].passed


def test_rejects_frames_that_are_not_uint8_rgb(analyzer: FaceAnalyzer) -> None:
    with pytest.raises(ValueError, match="uint8 HxWx3"):
        analyzer.analyze(np.zeros((480, 640), np.uint8))
    with pytest.raises(ValueError, match="uint8 HxWx3"):
        analyzer.analyze(np.zeros((480, 640, 3), np.float32))


@pytest.mark.parametrize("factor", [0.45, 0.3])
def test_a_far_away_face_is_found_and_asked_to_come_closer(
    analyzer: FaceAnalyzer, still: np.ndarray, factor: float
) -> None:
    """FaceMesh's own detector misses these faces; the full-range detector finds them (once, not twice)
    and the mesh re-run on its crop measures them."""
    result = analyzer.analyze(fs.small(still, factor))
    assert result.faces == 1
    distance = result.measures["inter_eye_distance"].value
    assert distance is not None and distance == pytest.approx(100 * factor, rel=0.15)
    assert result.guidance is not None and result.guidance.code == "quality.face.come_closer"


def test_a_face_step_meshes_a_far_face_on_its_crop_with_the_still_s_graph(still: np.ndarray) -> None:
    """The preview borrows the still's still-image mesh for crops (one graph less, ~27 MB); when the still
    closes first, the preview builds its own rather than use a closed graph."""
    far = fs.small(still, 0.3)
    preview = FaceAnalyzer(FacePolicy(), still=False)
    try:
        still_analyzer = FaceAnalyzer(FacePolicy(), still=True, share=preview)
        lent = still_analyzer._detector._mesh
        assert preview._detector._crop_mesh is lent and still_analyzer._detector._crop_mesh is lent
        for analyzer in (preview, still_analyzer):
            result = analyzer.analyze(far)
            assert result.faces == 1 and result.measures["inter_eye_distance"].value is not None
        still_analyzer.close()
        assert preview._detector._crop_mesh is None
        result = preview.analyze(far)  # the crop again, on a graph of its own
        assert result.faces == 1 and result.measures["inter_eye_distance"].value is not None
        assert preview._detector._crop_mesh is not None and preview._detector._crop_mesh is not lent
    finally:
        preview.close()
