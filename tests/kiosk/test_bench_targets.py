"""`kiosk bench` marks a missed target instead of only quoting it."""

from __future__ import annotations

import pytest

from kiosk.bench import Row


@pytest.mark.parametrize(
    ("target", "median", "tail", "met"),
    [
        ("<= 20 ms", 20.0, 40.0, True),  # the median is at the limit: met
        ("<= 20 ms", 20.01, 20.01, False),
        ("< 1 ms (per keystroke)", 1.0, 1.0, False),
        (">= 15x", 15.0, 3.0, True),
        (">= 15x", 14.9, 30.0, False),
        ("> 0.5", 0.5, 0.9, False),
        ("≤ 2 s", 1.9, 1.9, True),
        ("<= 35 in 90 %", 30.0, 46.5, False),  # a "90 %" target is judged on the tail, not the median
        ("<= 35 in 90 %", 46.5, 34.0, True),
        ("", 1.0, 1.0, None),
        ("all of them", 1.0, 1.0, None),
        ("<= 20 ms", float("nan"), float("nan"), False),
    ],
)
def test_a_row_knows_whether_it_met_its_target(
    target: str, median: float, tail: float, met: bool | None
) -> None:
    row = Row("x", "ms", median, tail, 5, target)
    assert row.met is met
    assert row.to_json()["met"] is met


def test_the_command_marks_a_missed_target(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk import bench
    from kiosk.cli.main import main

    rows = [
        Row("fast.enough", "ms", 10.0, 12.0, 5, "<= 20 ms"),
        Row("synth.faint", "score", 46.5, 46.5, 40, "<= 35 in 90 %"),
    ]
    monkeypatch.setattr(bench, "run", lambda only, quick: (rows, []))
    main(["--lang", "en", "bench"])
    out = capsys.readouterr().out
    assert "MISSED" in out.splitlines()[3] and out.splitlines()[2].rstrip().endswith("ok")
    assert "1 target(s) MISSED: synth.faint" in out
