"""The face pieces that need no photo: policy scaling, score, guidance order, pose and alignment maths."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from kiosk.messages import catalogue, msg
from kiosk.quality.face import MEASURES, FacePolicy, Measure, pose, score
from kiosk.quality.face.aligned import apply, similarity, token_transform
from kiosk.quality.face.detector import Box, distinct


def test_the_inter_eye_limit_is_the_stills_and_scales_with_preview_height() -> None:
    policy = FacePolicy()
    assert policy.inter_eye_limit(720, still=True) == 90
    assert policy.inter_eye_limit(1080, still=True) == 90
    assert policy.inter_eye_limit(480, still=False) == pytest.approx(60)
    assert FacePolicy(still_height=1080).inter_eye_limit(480, still=False) == pytest.approx(40)


def test_quality_is_one_half_exactly_at_the_limit() -> None:
    assert score.above(90, 90, 30) == 0.5
    assert score.above(120, 90, 30) == 1.0
    assert score.above(30, 90, 30) == 0.0
    assert score.below(5, 5, 5) == 0.5
    assert score.below(0, 5, 5) == 1.0
    assert score.within(0.5, 0.2, 0.8, 0.1) == 1.0
    assert score.within(0.8, 0.2, 0.8, 0.1) == 0.5


def _measures(**failing: float) -> dict[str, Measure]:
    out = {name: Measure(1.0, True, msg("quality.face.passed", measure=name), 0.9) for name in MEASURES}
    for name, quality in failing.items():
        out[name] = Measure(0.0, False, msg(f"quality.face.fault.{name}"), quality)
    return out


def test_the_score_is_50_or_more_exactly_when_everything_passes() -> None:
    assert score.unified(_measures(), faces=1) == pytest.approx(90)
    one_fault = score.unified(_measures(yaw=0.4), faces=1)
    assert one_fault < 50
    assert score.unified(_measures(yaw=0.1), faces=1) < one_fault
    assert score.unified(_measures(), faces=0) == 0


def test_guidance_names_the_first_fault_in_the_ranking() -> None:
    measures = _measures(background_uniformity=0.2, yaw=0.3, luminance=0.4)
    guidance = score.guidance(measures)
    assert guidance is not None and guidance.code == "quality.face.fault.luminance"
    assert score.guidance(_measures()) is None
    assert MEASURES[0] == "single_face" and MEASURES[-1] == "background_uniformity"


def test_every_measure_and_every_guidance_has_both_languages() -> None:
    texts = catalogue()
    codes = [f"quality.face.measure.{name}" for name in MEASURES]
    guidance = [
        "passed", "no_face", "one_person", "look_at_camera", "come_closer", "move_back", "centre",
        "look_straight", "chin_up", "chin_down", "head_level", "open_eyes", "close_mouth", "more_light",
        "less_light", "even_light", "hold_still", "plain_background",
    ]  # fmt: skip
    codes += [f"quality.face.{c}" for c in guidance]
    codes += ["quality.face.cli.verdict_pass", "quality.face.cli.verdict_fail"]
    for code in codes:
        assert texts[code]["es_MX"] and texts[code]["en"], code


def _project(yaw: float, pitch: float, roll: float, shift: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """Landmarks of the reference head turned by the given angles (this module's signs), 60 units away."""
    width, height = 1280, 720
    camera = np.array([[width, 0, width / 2], [0, width, height / 2], [0, 0, 1.0]])
    a, b, c = (math.radians(v) for v in (-pitch, -yaw, roll))
    rx = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
    ry = np.array([[math.cos(b), 0, math.sin(b)], [0, 1, 0], [-math.sin(b), 0, math.cos(b)]])
    rz = np.array([[math.cos(c), -math.sin(c), 0], [math.sin(c), math.cos(c), 0], [0, 0, 1]])
    distance = 60.0
    centre = np.array([shift[0] * distance / width, shift[1] * distance / width, distance])
    # Looking at the camera from off-axis: the head is turned towards the lens as well.
    towards = pose._line_of_sight(centre)
    points3 = (towards @ rz @ ry @ rx @ pose.MODEL_POINTS.T).T + centre
    projected = (camera @ points3.T).T
    full = np.zeros((478, 2))
    full[list(pose.INDICES)] = projected[:, :2] / projected[:, 2:]
    return full


@pytest.mark.parametrize(
    ("yaw", "pitch", "roll"),
    [(0, 0, 0), (10, 0, 0), (-7, 0, 0), (0, 6, 0), (0, -9, 0), (0, 0, 12), (4, -3, -6)],
)
def test_head_pose_recovers_known_angles_with_the_documented_signs(
    yaw: float, pitch: float, roll: float
) -> None:
    found = pose.head_pose(_project(yaw, pitch, roll), 1280, 720)
    assert found is not None
    assert (found.yaw, found.pitch, found.roll) == pytest.approx((yaw, pitch, roll), abs=0.2)


def test_yaw_sign_turning_towards_the_image_right_moves_the_nose_right() -> None:
    turned = _project(10, 0, 0)
    eyes_mid = (turned[33, 0] + turned[263, 0]) / 2
    assert turned[4, 0] > eyes_mid


def test_pose_is_relative_to_the_line_of_sight_not_the_optical_axis() -> None:
    """A head at the edge of the frame that looks at the lens is frontal: off-centre is not a yaw fault."""
    found = pose.head_pose(_project(0, 0, 0, shift=(500.0, -200.0)), 1280, 720)
    assert found is not None
    assert (found.yaw, found.pitch, found.roll) == pytest.approx((0, 0, 0), abs=0.2)


def test_similarity_puts_two_points_exactly_on_two_points() -> None:
    src = np.array([[100.0, 200.0], [180.0, 230.0]])
    dst = np.array([[90.0, 144.0], [150.0, 144.0]])
    matrix = similarity(src, dst)
    assert apply(matrix, src) == pytest.approx(dst)
    # A similarity: equal scale on both axes, no shear.
    assert matrix[0, 0] == pytest.approx(matrix[1, 1]) and matrix[0, 1] == pytest.approx(-matrix[1, 0])


def test_token_transform_uses_the_iso_eye_positions() -> None:
    points = np.zeros((478, 2))
    points[[33, 133]] = [[400, 300], [440, 302]]  # the person's right eye: image left
    points[[263, 362]] = [[540, 310], [500, 308]]
    matrix = token_transform(points, 240)
    eyes = apply(matrix, np.array([[420.0, 301.0], [520.0, 309.0]]))
    assert eyes == pytest.approx(np.array([[90.0, 144.0], [150.0, 144.0]]))
    assert cv2.invertAffineTransform(matrix).shape == (2, 3)


def test_a_face_reported_twice_counts_once_and_two_faces_count_twice() -> None:
    same = [Box(605, 317, 678, 390, 0.88), Box(584, 305, 654, 375, 0.62)]
    assert distinct(same) == [same[0]]
    apart = [Box(100, 100, 200, 200, 0.9), Box(400, 110, 500, 210, 0.8)]
    assert distinct(apart) == apart
