"""Scoring one capture (`judge`) with NFIQ 2 and the matcher replaced by stand-ins, so each rule shows
alone: the resolution goes to both, an unscorable print is never matched, the duplicate of another finger
is named to the person, a retake of the same finger is not a duplicate, and the capture is dated in UTC
before it was scored."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from devices.positions import Finger
from kiosk.enrol.fingers import judge
from kiosk.messages import Message
from kiosk.quality import matching
from kiosk.quality import nfiq2 as nfiq2_module

PRESS = Message("quality.guidance.press_harder")


class Checker:
    def __init__(self, found: Any = None) -> None:
        self.found, self.seen = found, []  # type: ignore[var-annotated]

    def check(self, template: Any) -> Any:
        self.seen.append(template)
        return self.found


@pytest.fixture
def scored(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    calls: dict[str, Any] = {"score": 55, "guidance": [PRESS]}

    def fake_nfiq2(image: np.ndarray, ppi: int = 500) -> Any:
        calls["nfiq2"] = (image, ppi, datetime.now(UTC))
        return SimpleNamespace(score=calls["score"], guidance=calls["guidance"])

    def fake_template(image: np.ndarray, ppi: int = 500) -> Any:
        calls["template"] = (image, ppi)
        return "template"

    monkeypatch.setattr(nfiq2_module, "nfiq2", fake_nfiq2)
    monkeypatch.setattr(matching, "make_template", fake_template)
    return calls


IMAGE = np.full((500, 400), 90, np.uint8)


def test_a_capture_is_scored_and_matched_at_the_reader_s_resolution(scored: dict[str, Any]) -> None:
    checker = Checker()
    attempt = judge(Finger.RIGHT_INDEX, IMAGE, 1000, checker)
    assert scored["nfiq2"][:2] == (IMAGE, 1000) and scored["template"] == (IMAGE, 1000)
    assert (attempt.ppi, attempt.nfiq2, attempt.template, attempt.duplicate_of) == (
        1000,
        55,
        "template",
        None,
    )
    assert attempt.guidance == [PRESS] and attempt.guidance is not scored["guidance"]  # its own list
    assert checker.seen == ["template"]


def test_the_capture_is_dated_in_utc_before_it_was_scored(scored: dict[str, Any]) -> None:
    attempt = judge(Finger.RIGHT_INDEX, IMAGE, 500, Checker())
    assert attempt.captured_at.tzinfo is UTC and attempt.captured_at <= scored["nfiq2"][2]


def test_a_print_nfiq2_could_not_score_is_never_matched(scored: dict[str, Any]) -> None:
    scored["score"] = 0
    checker = Checker()
    attempt = judge(Finger.RIGHT_INDEX, IMAGE, 500, checker)
    assert attempt.template is None and checker.seen == [] and "template" not in scored
    scored["score"] = 1  # the lowest real score is matched
    assert judge(Finger.RIGHT_INDEX, IMAGE, 500, checker).template == "template"


def test_the_duplicate_of_another_finger_is_named_to_the_person(scored: dict[str, Any]) -> None:
    found = matching.Duplicate(Finger.RIGHT_THUMB, 61)
    attempt = judge(Finger.RIGHT_INDEX, IMAGE, 500, Checker(found))
    assert (attempt.duplicate_of, attempt.duplicate_score) == (Finger.RIGHT_THUMB, 61)
    assert attempt.guidance == [Message("enrol.duplicate_finger", {"finger": Message("finger.right_thumb")})]
    assert "right thumb" in attempt.guidance[0].render("en")


def test_a_retake_matching_the_same_finger_is_not_a_duplicate(scored: dict[str, Any]) -> None:
    attempt = judge(Finger.RIGHT_THUMB, IMAGE, 500, Checker(matching.Duplicate(Finger.RIGHT_THUMB, 90)))
    assert attempt.duplicate_of is None and attempt.duplicate_score == 0 and attempt.guidance == [PRESS]
