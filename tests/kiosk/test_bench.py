import pytest

from kiosk import bench
from tests.kiosk.bench_rows import check_rows, rendered_marks


def test_rows_carry_median_and_p90() -> None:
    row = bench.row_ms("x", [5.0, 1.0, 2.0, 3.0, 4.0, 10.0, 6.0, 7.0, 8.0, 9.0])
    assert (row.median, row.p90, row.runs, row.unit) == (5.5, 9.0, 10, "ms")


def test_rates_quote_the_low_tail() -> None:
    row = bench.row_rate("fps", "fps", [30.0, 29.0, 31.0, 10.0, 30.0])
    assert row.median == 30.0 and row.p90 == 10.0


def test_time_ms_runs_the_function_the_asked_number_of_times() -> None:
    calls = []
    samples = bench.time_ms(lambda: calls.append(1), runs=7, warmup=2)
    assert len(samples) == 7 and len(calls) == 9 and all(s >= 0 for s in samples)


def test_the_foundation_provider_is_registered_and_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows, failures = bench.run(only="foundation", quick=True)
    assert failures == []
    check_rows(rows, {"config.load": "", "messages.render": ""})
    # No target, so no mark: a blank verdict, never a made-up ok.
    assert rendered_marks(rows, monkeypatch, capsys) == {"config.load": "", "messages.render": ""}
