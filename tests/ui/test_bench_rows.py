"""`kiosk bench --only ui` judges the station's memory; the demo's stand-ins are shown without a target."""

from __future__ import annotations

from ui.bench import memory_rows


def test_the_station_s_peak_is_judged_and_the_stand_ins_are_shown_apart() -> None:
    figures = {"station_peak_mb": 480.5, "backend_process_peak_mb": 121.0, "print_simulator_peak_mb": 187.2}
    rows = {row.name: row for row in memory_rows(figures, largest_mb=612.0)}
    station = rows["ui.autopilot.peak_memory"]
    assert station.median == 480.5 and station.target == "<= 500" and station.met is True
    backend = rows["ui.autopilot.backend_process_peak_memory"]
    simulator = rows["ui.autopilot.print_simulator_peak_memory"]
    assert (backend.median, simulator.median) == (121.0, 187.2)
    assert backend.target == simulator.target == "" and backend.met is None and simulator.met is None
    assert list(rows) == [
        "ui.autopilot.peak_memory",
        "ui.autopilot.backend_process_peak_memory",
        "ui.autopilot.print_simulator_peak_memory",
    ]


def test_a_station_over_the_target_is_not_met() -> None:
    (station,) = memory_rows({"station_peak_mb": 500.1}, largest_mb=700.0)
    assert station.median == 500.1 and station.met is False


def test_a_summary_without_the_station_s_figure_falls_back_to_the_largest_process() -> None:
    (station,) = memory_rows({}, largest_mb=512.0)
    assert station.median == 512.0 and station.met is False
