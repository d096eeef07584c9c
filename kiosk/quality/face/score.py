"""The unified 0-100 score and the one piece of guidance to give first.

Each measure carries a quality in 0-1 that is 0.5 exactly at its policy limit (see `above`/`below`).
The unified score is 100 x the mean quality when every measure passes, and 100 x the average of the
worst and the mean quality (capped below 50) when one fails, so that:
- score >= 50 means every measure passes, and above 50 the score grows with the margins (the best of
  several passing frames is the one furthest from every limit);
- score < 50 means something fails, and how far below 50 says how badly.
OFIQ combines its measures differently (a learned unified score); its components are not available
offline, and a score whose 50 line is the policy's pass line is easier to explain at a window.

Guidance follows `result.MEASURES`: presence, then distance, position, light (bad light spoils every
later measure), pose, expression, evenness of the light, stillness, and last the background, which the
operator rather than the person has to fix.
"""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.messages import Message
from kiosk.quality.face.result import MEASURES, Measure


def above(value: float, limit: float, span: float) -> float:
    """Quality of a value that must be >= limit; reaches 1 at limit + span."""
    return _clip(0.5 + 0.5 * (value - limit) / span)


def below(value: float, limit: float, span: float) -> float:
    """Quality of a value that must be <= limit; reaches 1 at limit - span."""
    return _clip(0.5 + 0.5 * (limit - value) / span)


def within(value: float, low: float, high: float, span: float) -> float:
    return min(above(value, low, span), below(value, high, span))


def _clip(q: float) -> float:
    return max(0.0, min(1.0, q))


def unified(measures: Mapping[str, Measure], faces: int) -> float:
    if faces == 0 or not measures:
        return 0.0
    qualities = [m.quality for m in measures.values()]
    mean = sum(qualities) / len(qualities)
    if all(m.passed for m in measures.values()):
        return 100.0 * max(0.5, mean)
    worst = min(m.quality for m in measures.values() if not m.passed)
    return 100.0 * min((worst + mean) / 2.0, 0.499)


def guidance(measures: Mapping[str, Measure]) -> Message | None:
    """The message of the first failing measure in `MEASURES` order, or None when all pass."""
    for name in MEASURES:
        measure = measures.get(name)
        if measure is not None and not measure.passed:
            return measure.message
    return None
