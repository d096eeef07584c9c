"""The desk: the idle timer is applied (warning, then wipe and sign-out), and a technician never serves
a person."""

from __future__ import annotations

import pytest

from kiosk import session_lock
from kiosk.enrol.desk import Desk
from kiosk.enrol.flow import Step
from kiosk.errors import KioskError
from kiosk.operators.idle import IdleEvent
from tests.fixtures.enrolment import Bench, attempt, audit_events, to_fingers


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def signed_in(bench: Bench, role: str = "clerk") -> tuple[Desk, Clock]:
    clock = Clock()
    desk = Desk(bench.station, clock=clock)
    desk._signed_in(bench.login(role=role))
    return desk, clock


def test_idle_warns_then_wipes_the_person_and_signs_out(bench: Bench) -> None:
    desk, clock = signed_in(bench)
    seen: list[object] = []
    desk.events.idle.connect(lambda e: seen.append(e.event))
    logged_out: list[str] = []
    desk.events.logout.connect(lambda e: logged_out.append(e.reason))
    flow = to_fingers(desk.new_enrolment())
    kept = attempt(70)
    flow.offer(kept)
    clock.now += 89
    assert desk.tick() is None and seen == []
    clock.now += 2  # 91 s without input: the warning
    desk.tick()
    assert seen == [IdleEvent.WARNING]
    desk.activity()  # somebody touched the screen
    assert seen[-1] is IdleEvent.RESUMED
    clock.now += 121
    job = desk.tick()
    assert job is not None
    job()
    assert seen[-1] is IdleEvent.EXPIRED and logged_out == ["idle"]
    assert flow.step is Step.ENDED and flow.end_reason == "idle" and not kept.image.any()
    assert not desk.signed_in and desk.enrolment is None
    assert not session_lock.enrolment_open(bench.station.data_dir)
    assert {"person_wiped", "idle_logout"} <= set(audit_events(bench))


def test_the_session_limit_ends_even_a_busy_session(bench: Bench) -> None:
    desk, clock = signed_in(bench)
    for _ in range(10 * 60):
        clock.now += 60
        desk.activity()
        job = desk.tick()
        if job is not None:
            break
    assert not desk.signed_in and clock.now - 1000.0 <= 10 * 3600 + 60


def test_a_technician_cannot_start_a_person_s_visit(bench: Bench) -> None:
    desk, _clock = signed_in(bench, role="technician")
    with pytest.raises(KioskError) as caught:
        desk.new_enrolment()
    assert caught.value.message.code == "roles.forbidden"


def test_a_new_person_wipes_the_previous_one(bench: Bench) -> None:
    desk, _clock = signed_in(bench)
    first = to_fingers(desk.new_enrolment())
    kept = attempt(70)
    first.offer(kept)
    second = desk.new_enrolment()
    assert first.step is Step.ENDED and not kept.image.any() and second.step is Step.LOOKUP


def test_logout_without_a_backend_still_ends_everything_here(bench: Bench) -> None:
    desk, _clock = signed_in(bench)
    desk.new_enrolment()
    login = desk.login
    desk.logout()()
    assert login is not None and not login.session.active and desk.enrolment is None
