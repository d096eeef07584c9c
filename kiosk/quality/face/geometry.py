"""The measures that come from landmarks alone: how many faces, how big, where, which way, eyes, mouth.

Ratios follow OFIQ (ISO/IEC 29794-5): eyelid and lip gaps are divided by T, the eye-to-chin distance,
so they do not depend on the distance to the camera; head size is T over the frame height. Pose is in
degrees relative to the line of sight (see `pose`).
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.messages import Message, msg
from kiosk.quality.face import landmarks as lm
from kiosk.quality.face.observation import Observation
from kiosk.quality.face.result import Measure
from kiosk.quality.face.score import above, below, within


def ok(name: str) -> Message:
    """The message of a measure that passes ("<measure>: correct")."""
    return msg("quality.face.passed", measure=Message(f"quality.face.measure.{name}"))


def single_face(obs: Observation) -> Measure:
    if obs.faces == 1:
        return Measure(1, True, ok("single_face"), 1.0)
    if obs.faces == 0:
        return Measure(0, False, msg("quality.face.no_face"), 0.0)
    return Measure(obs.faces, False, msg("quality.face.one_person"), 0.0)


def inter_eye_distance(obs: Observation) -> Measure:
    assert obs.points is not None
    p = obs.policy
    value = lm.inter_eye_distance(obs.points)
    limit = p.inter_eye_limit(obs.height, obs.still)
    span = max(1.0, (p.ideal_inter_eye_px - p.min_inter_eye_px) * limit / p.min_inter_eye_px)
    passed = value >= limit
    message = ok("inter_eye_distance") if passed else msg("quality.face.come_closer")
    return Measure(value, passed, message, above(value, limit, span))


def head_size(obs: Observation) -> Measure:
    p = obs.policy
    value = obs.t_metric / obs.height
    if value < p.head_size_min:
        message, passed = msg("quality.face.come_closer"), False
    elif value > p.head_size_max:
        message, passed = msg("quality.face.move_back"), False
    else:
        message, passed = ok("head_size"), True
    return Measure(value, passed, message, within(value, p.head_size_min, p.head_size_max, 0.05))


def centring(obs: Observation) -> Measure:
    """Offset of the face-outline centre from the frame centre, as a fraction of width or height."""
    assert obs.points is not None
    x0, y0, x1, y1 = lm.face_box(obs.points)
    dx = abs((x0 + x1) / 2 / obs.width - 0.5)
    dy = abs((y0 + y1) / 2 / obs.height - 0.5)
    value = max(dx, dy)
    limit = obs.policy.centring_max
    passed = value <= limit
    message = ok("centring") if passed else msg("quality.face.centre")
    return Measure(value, passed, message, below(value, limit, limit))


def _angle(name: str, value: float | None, limit: float, fault: Message) -> Measure:
    if value is None:
        return Measure(None, False, msg("quality.face.look_at_camera"), 0.0)
    passed = abs(value) <= limit
    return Measure(value, passed, ok(name) if passed else fault, below(abs(value), limit, limit))


def yaw(obs: Observation) -> Measure:
    value = obs.pose.yaw if obs.pose else None
    return _angle("yaw", value, obs.policy.yaw_max, msg("quality.face.look_straight"))


def pitch(obs: Observation) -> Measure:
    value = obs.pose.pitch if obs.pose else None
    fault = msg("quality.face.chin_up") if (value or 0.0) < 0 else msg("quality.face.chin_down")
    return _angle("pitch", value, obs.policy.pitch_max, fault)


def roll(obs: Observation) -> Measure:
    value = obs.pose.roll if obs.pose else None
    return _angle("roll", value, obs.policy.roll_max, msg("quality.face.head_level"))


def eyes_open(obs: Observation) -> Measure:
    """The smaller of the two eyelid gaps (so one closed eye fails), over T."""
    assert obs.points is not None
    gap = min(
        lm.max_pair_distance(obs.points, lm.RIGHT_EYELIDS), lm.max_pair_distance(obs.points, lm.LEFT_EYELIDS)
    )
    value = gap / obs.t_metric
    limit = obs.policy.eyes_open_min
    passed = value >= limit
    message = ok("eyes_open") if passed else msg("quality.face.open_eyes")
    return Measure(value, passed, message, above(value, limit, 0.03))


def mouth_closed(obs: Observation) -> Measure:
    assert obs.points is not None
    value = lm.max_pair_distance(obs.points, lm.INNER_LIPS) / obs.t_metric
    limit = obs.policy.mouth_open_max
    passed = value <= limit
    message = ok("mouth_closed") if passed else msg("quality.face.close_mouth")
    return Measure(value, passed, message, below(value, limit, 0.1))


GEOMETRY: dict[str, Callable[[Observation], Measure]] = {
    "inter_eye_distance": inter_eye_distance,
    "head_size": head_size,
    "centring": centring,
    "yaw": yaw,
    "pitch": pitch,
    "roll": roll,
    "eyes_open": eyes_open,
    "mouth_closed": mouth_closed,
}
