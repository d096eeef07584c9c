"""The delivery bench provider is registered and produces its rows (figures are not asserted)."""

from __future__ import annotations

import pytest

from kiosk import bench
from tests.kiosk.bench_rows import check_rows, rendered_marks


def test_the_delivery_provider_runs_quick(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows, failures = bench.run(only="delivery", quick=True)
    assert failures == []
    by_name = check_rows(
        rows,
        {
            "delivery.packets_per_second": ">= 50",
            "delivery.submit_per_second": "",
            "delivery.verify_receipt": "",
        },
    )
    assert by_name["delivery.packets_per_second"].unit == "packets/s"
    assert by_name["delivery.packets_per_second"].median > 0
    assert by_name["delivery.verify_receipt"].unit == "ms"
    marks = rendered_marks(rows, monkeypatch, capsys)
    # Each judged row is marked as its figure says (the figures themselves are not asserted).
    assert marks == {r.name: {True: "ok", False: "MISSED", None: ""}[r.met] for r in rows}
