"""The delivery bench provider is registered and produces its rows (figures are not asserted)."""

from __future__ import annotations

from kiosk import bench


def test_the_delivery_provider_runs_quick() -> None:
    rows, failures = bench.run(only="delivery", quick=True)
    assert failures == []
    by_name = {r.name: r for r in rows}
    assert set(by_name) == {
        "delivery.packets_per_second",
        "delivery.submit_per_second",
        "delivery.verify_receipt",
    }
    assert (
        by_name["delivery.packets_per_second"].unit == "packets/s"
        and by_name["delivery.packets_per_second"].median > 0
    )
    assert by_name["delivery.packets_per_second"].target == ">= 50"
    assert by_name["delivery.verify_receipt"].unit == "ms"
