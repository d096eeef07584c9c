"""The free-space check the flow runs before a session (the policy's minimum)."""

from __future__ import annotations

import shutil
from collections import namedtuple
from pathlib import Path

import pytest

from kiosk.station import disk

Usage = namedtuple("Usage", "total used free")


@pytest.mark.fault
def test_a_nearly_full_disk_is_refused_with_the_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(10 * disk.MIB, 10 * disk.MIB, 5 * disk.MIB))
    problem = disk.free_space_problem(tmp_path, 200)
    assert problem is not None and problem.code == "station.disk_low"
    assert (problem.params["free_mb"], problem.params["minimum_mb"]) == (5, 200)
    assert "kiosk outbox export" in problem.render("en")


def test_enough_room_passes(tmp_path: Path) -> None:
    assert disk.free_space_problem(tmp_path, 1) is None


def test_a_data_folder_not_made_yet_is_measured_where_it_will_be(tmp_path: Path) -> None:
    assert disk.free_mb(tmp_path / "not" / "yet") == disk.free_mb(tmp_path)
    assert disk.free_space_problem(tmp_path / "not" / "yet", 10**9) is not None  # a petabyte: never there


@pytest.mark.fault
def test_a_disk_that_cannot_be_measured_counts_as_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: object) -> Usage:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(shutil, "disk_usage", broken)
    problem = disk.free_space_problem(tmp_path, 1)
    assert problem is not None and problem.params["free_mb"] == 0
