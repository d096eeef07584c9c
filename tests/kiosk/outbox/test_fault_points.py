"""The crash points the kill tests use, checked in this process with the kill itself replaced: it is
sent once, to this process, with SIGKILL, at exactly the N-th time the named point is reached."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from kiosk.outbox import faults
from kiosk.outbox.faults import FaultPlan


@pytest.fixture
def kills(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(faults.os, "kill", lambda pid, sig: sent.append((pid, sig)))
    return sent


def test_the_nth_hit_of_the_named_point_kills_this_process_once(kills: list[tuple[int, int]]) -> None:
    plan = FaultPlan.parse("in_commit:2")
    plan.hit("in_commit")
    plan.hit("after_send")
    assert kills == []
    plan.hit("in_commit")
    assert kills == [(os.getpid(), signal.SIGKILL)]
    plan.hit("in_commit")
    assert kills == [(os.getpid(), signal.SIGKILL)]


def test_the_first_hit_kills_when_no_count_is_given(kills: list[tuple[int, int]]) -> None:
    FaultPlan.parse("after_send").hit("after_send")
    assert kills == [(os.getpid(), signal.SIGKILL)]


@pytest.mark.parametrize(
    ("text", "at"), [("after_send:0", 1), ("after_send:1", 1), ("after_send:x", 1), ("after_send:4", 4)]
)
def test_the_count_is_at_least_one(text: str, at: int) -> None:
    assert FaultPlan.parse(text).at == at


@pytest.fixture
def fresh_plan() -> Iterator[None]:
    faults.plan.cache_clear()
    yield
    faults.plan.cache_clear()


@pytest.mark.usefixtures("fresh_plan")
def test_active_only_when_the_environment_names_a_point(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(faults.ENV, raising=False)
    assert not faults.active()
    faults.plan.cache_clear()
    monkeypatch.setenv(faults.ENV, "after_send:2")
    assert faults.active() and (faults.plan().point, faults.plan().at) == ("after_send", 2)


@pytest.mark.usefixtures("fresh_plan")
def test_hit_follows_the_environment_s_plan(
    monkeypatch: pytest.MonkeyPatch, kills: list[tuple[int, int]]
) -> None:
    monkeypatch.setenv(faults.ENV, "after_send")
    faults.hit("in_commit")
    assert kills == []
    faults.hit("after_send")
    assert kills == [(os.getpid(), signal.SIGKILL)]
