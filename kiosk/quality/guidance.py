"""What to tell the person at the window, from the live measures or from NFIQ 2's own verdict.

One list of `Message`s, most useful first, so a screen can show the first and a log can keep all. The
thresholds below were set on the real prints of the shared test data and their degraded variants
(see docs/quality.md): each one fires on the degradation it names and stays quiet on the clean prints.

Order of importance: no finger at all; a print that is partial (the rest of the advice is moot);
off-centre; a dirty or noisy sensor (it spoils everything else); too dry; too wet; smudged (the finger
moved: lift it and place it again); too faint (press harder); and, when the estimate is low but nothing
specific explains it, lift the finger and place it again.
"""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.messages import Message, msg

# A finger is on the glass when this share of the frame shows ridges of at least this contrast.
MIN_PRESENT_FRACTION = 0.04
MIN_PRESENT_CONTRAST = 6.0
# NFIQ 2 wants at least 50 000 finger pixels (its `SufficientFingerprintForeground` feedback).
MIN_AREA_PIXELS = 50_000
# A flat fingertip fills most of the window's height and is taller than wide; a print cut off by
# lifted skin or the glass edge is short and wide.
MIN_HEIGHT = 0.75
MIN_ASPECT = 0.9
MAX_OFFSET = 0.3  # finger centre from the frame centre, in half-widths
FAINT_CONTRAST = 24.0  # ridge contrast (grey levels) of a light touch…
FAINT_GREY = 185.0  # …on a print that is pale overall
DRY_RIDGE_SHARE = 0.3  # thin, broken ridges: less than this share of a period is ridge…
DRY_CLARITY = 0.5  # …or ridges so broken that NFIQ 2's clarity (LCS) fails…
DRY_LIGHT = 0.6  # …on a finger that is mostly near-white…
DRY_GREY = 200.0  # …and pale overall
SMUDGED_FREQUENCY = 0.063  # a blur (a finger that slid) wipes the ridges' sharp edges: the measured
# ridge frequency falls (sharp clean prints measure 0.066–0.073 cycles per pixel)
WET_RIDGE_SHARE = 0.55  # swollen ridges filling the valleys
WET_DARK = 0.35  # share of the finger that is nearly black
NOISY = 7.0  # sensor noise, grey levels (a clean sensor shows 0–5)
LOW_ESTIMATE = 40.0


def finger_present(measures: Mapping[str, float]) -> bool:
    return (
        measures.get("fraction", 0.0) >= MIN_PRESENT_FRACTION
        and measures.get("contrast", 0.0) >= MIN_PRESENT_CONTRAST
    )


def for_frame(measures: Mapping[str, float], estimate: float) -> list[Message]:
    """Guidance for one live frame, from the measures `live.live_estimate` takes."""
    if not finger_present(measures):
        return [msg("quality.finger.no_finger")]
    advice: list[Message] = []
    if (
        measures["pixels"] < MIN_AREA_PIXELS
        or measures["height"] < MIN_HEIGHT
        or measures["aspect"] < MIN_ASPECT
    ):
        advice.append(msg("quality.finger.partial"))
    if measures["offset"] > MAX_OFFSET:
        advice.append(msg("quality.finger.centre"))
    if measures["noise"] > NOISY:
        advice.append(msg("quality.finger.clean_sensor"))
    if measures["ridge_share"] < DRY_RIDGE_SHARE or (
        measures["clarity"] < DRY_CLARITY and measures["light"] > DRY_LIGHT and measures["grey"] > DRY_GREY
    ):
        advice.append(msg("quality.finger.too_dry"))
    if measures["ridge_share"] > WET_RIDGE_SHARE or measures["dark"] > WET_DARK:
        advice.append(msg("quality.finger.too_wet"))
    if measures["frequency"] < SMUDGED_FREQUENCY:
        advice.append(msg("quality.finger.lift_and_place"))
    if measures["contrast"] < FAINT_CONTRAST and measures["grey"] > FAINT_GREY:
        advice.append(msg("quality.finger.press_harder"))
    if not advice and estimate < LOW_ESTIMATE:
        advice.append(msg("quality.finger.lift_and_place"))
    return advice


def from_nfiq2(
    score: int, actionable: Mapping[str, float], measures: Mapping[str, float], accept: float = LOW_ESTIMATE
) -> list[Message]:
    """Guidance after a real NFIQ 2 score: NIST's actionable feedback first, then the frame's measures.

    Nothing is said about a print NFIQ 2 accepts; below `accept` the person is told what to change.
    """
    if score >= accept:
        return []
    advice: list[Message] = []
    if actionable.get("UniformImage", 99.0) < 1.0:
        advice.append(msg("quality.finger.no_finger"))
    if actionable.get("EmptyImageOrContrastTooLow", 0.0) > 250.0:
        advice.append(msg("quality.finger.press_harder"))
    if actionable.get("SufficientFingerprintForeground", MIN_AREA_PIXELS) < MIN_AREA_PIXELS:
        advice.append(msg("quality.finger.partial"))
    for message in for_frame(measures, float(score)):
        if message not in advice and message.code != "quality.finger.lift_and_place":
            advice.append(message)
    if not advice:
        advice.append(msg("quality.finger.lift_and_place"))
    return advice


def for_failure(reason: Message, measures: Mapping[str, float]) -> list[Message]:
    """Guidance when NFIQ 2 could not score the image at all."""
    by_reason = {
        "quality.finger.why.blank": "quality.finger.no_finger",
        "quality.finger.why.too_light": "quality.finger.press_harder",
        "quality.finger.why.small_area": "quality.finger.partial",
        "quality.finger.why.too_small": "quality.finger.partial",
    }
    first = by_reason.get(reason.code)
    advice = [msg(first)] if first else []
    for message in for_frame(measures, 0.0):
        if message not in advice:
            advice.append(message)
    return advice
