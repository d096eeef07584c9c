"""Checks every benchmark-provider test shares: rows are figures, targets are judged and marked.

A provider test that only compares row names passes when every figure is NaN or a target never
gets judged; these checks hold the values and the ok/MISSED mark to account (never the speed).
"""

from __future__ import annotations

import math

import pytest

from kiosk import bench
from kiosk.bench import Row


def check_rows(rows: list[Row], targets: dict[str, str]) -> dict[str, Row]:
    """The rows are exactly `targets`' names, each a measured figure carrying its target, judged."""
    by_name = {row.name: row for row in rows}
    assert set(by_name) == set(targets)
    for row in rows:
        assert isinstance(row.median, float) and math.isfinite(row.median), row
        assert isinstance(row.p90, float) and math.isfinite(row.p90), row
        assert row.median >= 0 and row.p90 >= 0 and row.runs >= 1 and row.unit, row
        assert row.target == targets[row.name], row
        # A target the runner cannot read would never be marked: every target here must be judged.
        assert (row.met is None) == (not row.target), row
    return by_name


def rendered_marks(
    rows: list[Row], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> dict[str, str]:
    """`kiosk bench`'s table for these rows: the last column of each row's line (ok, MISSED or '')."""
    from kiosk.cli.main import main

    monkeypatch.setattr(bench, "run", lambda only, quick: (rows, []))
    main(["--lang", "en", "bench"])
    lines = capsys.readouterr().out.splitlines()
    marks: dict[str, str] = {}
    for row in rows:
        line = next(line for line in lines if line.split()[:1] == [row.name])
        cells = line.split()
        assert float(cells[1]) == pytest.approx(row.median, abs=1e-3)
        assert float(cells[2]) == pytest.approx(row.p90, abs=1e-3)
        marks[row.name] = cells[-1] if cells[-1] in {"ok", "MISSED"} else ""
    return marks
