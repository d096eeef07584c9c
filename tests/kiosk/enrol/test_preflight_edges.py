"""Each check made before a person sits down, at its edges: what exactly the technician is told (code and
parameters), which device a message is about, and that every problem is listed, most fundamental first.
Most checks are run on stand-ins so each reason is seen alone; `problems` runs on the real bench."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from kiosk.clock import rfc3339
from kiosk.enrol import preflight
from kiosk.messages import Message
from tests.fixtures.enrolment import Bench

NOW = datetime(2026, 3, 1, 9, 0, 0, tzinfo=UTC)
OPERATOR: Any = None  # the station checks never look at the operator


def standing(revoked: bool = False, expires: datetime = NOW + timedelta(days=1)) -> Any:
    return SimpleNamespace(
        config=SimpleNamespace(revoked=revoked), policy=SimpleNamespace(expires_at=rfc3339(expires))
    )


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    class Clock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return NOW

    monkeypatch.setattr(preflight, "datetime", Clock)


def test_a_technician_is_told_the_role_and_what_it_may_not_do(bench: Bench) -> None:
    problem = preflight.role(bench.station, bench.login(role="technician"))
    assert problem == Message("roles.forbidden", {"role": "technician", "permission": "enrol"})


def test_a_clerk_and_a_supervisor_may_enrol(bench: Bench) -> None:
    assert preflight.role(bench.station, bench.login()) is None
    assert preflight.role(bench.station, bench.login(role="supervisor")) is None


def test_an_ended_session_is_said_as_ended_whatever_the_role(bench: Bench) -> None:
    """A technician whose session ended hears the same as a clerk: sign in again (then the role counts)."""
    for role in ("clerk", "technician"):
        login = bench.login(role=role)
        login.session.end("idle")
        assert preflight.role(bench.station, login) == Message("operators.session_ended")


def test_a_revoked_station_is_said_before_its_policy(frozen_now: None) -> None:
    assert preflight.station_standing(standing(revoked=True, expires=NOW - timedelta(days=9)), OPERATOR) == (
        Message("enrol.station_revoked")
    )


def test_the_policy_is_valid_up_to_its_expiry_instant_and_not_a_millisecond_after(frozen_now: None) -> None:
    assert preflight.station_standing(standing(expires=NOW), OPERATOR) is None
    late = NOW - timedelta(milliseconds=1)
    assert preflight.station_standing(standing(expires=late), OPERATOR) == Message(
        "station.policy_expired", {"expires": rfc3339(late)}
    )


def test_a_sound_outbox_file_goes_on_to_the_cross_check_with_the_audit_log(bench: Bench) -> None:
    assert preflight.outbox_sound(bench.station, OPERATOR) is None
    bench.station.audit.append(
        "seal", actor="op-clerk", fields={"packet_id": "0190c2a4-0000-7000-8000-0000000000aa"}
    )
    problem = preflight.outbox_sound(bench.station, OPERATOR)
    assert problem is not None and problem.code.startswith("outbox.damaged")


def test_the_cross_check_reads_the_station_s_own_audit_log_wherever_it_is_kept(
    bench: Bench, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Not a log guessed from the data directory: the one the station writes its seals to."""
    from kiosk.audit.log import AuditLog

    elsewhere = AuditLog(tmp_path_factory.mktemp("audit-elsewhere"))
    elsewhere.append("seal", actor="op-clerk", fields={"packet_id": "0190c2a4-0000-7000-8000-0000000000bb"})
    bench.station.audit = elsewhere
    problem = preflight.outbox_sound(bench.station, OPERATOR)
    assert problem is not None and problem.code.startswith("outbox.damaged")


def test_a_damaged_outbox_names_sqlite_s_first_problem_cut_to_fit_a_screen_line(
    bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = "row 12 missing from index packets_state " + "x" * 200
    monkeypatch.setattr(bench.station.outbox, "integrity", lambda: ["ok", first, "second problem"])
    problem = preflight.outbox_sound(bench.station, OPERATOR)
    assert problem == Message("enrol.outbox_damaged", {"problem": first[:120]})
    assert len(problem.params["problem"]) == 120


def test_a_short_outbox_problem_is_said_whole(bench: Bench, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench.station.outbox, "integrity", lambda: ["page 3 is never used"])
    assert preflight.outbox_sound(bench.station, OPERATOR) == Message(
        "enrol.outbox_damaged", {"problem": "page 3 is never used"}
    )


def test_the_disk_check_asks_for_the_policy_s_minimum(bench: Bench) -> None:
    bench.set_policy(min_free_disk_mb=10**9)
    problem = preflight.disk_space(bench.station, OPERATOR)
    assert problem is not None and problem.code == "station.disk_low"
    assert problem.params["minimum_mb"] == 10**9 and problem.params["path"] == str(bench.station.data_dir)
    bench.set_policy(min_free_disk_mb=1)
    assert preflight.disk_space(bench.station, OPERATOR) is None


def devices(reader: bool = True, camera: bool = True, problems: dict[str, Message] | None = None) -> Any:
    ready = SimpleNamespace(reader_ready=reader, camera_ready=camera, problems=problems or {})
    return SimpleNamespace(devices=ready)


UNPLUGGED = Message("devices.error.disconnected", {"device": "sim-fingerprint-0", "reason": "disconnected"})
NO_FRAMES = Message("devices.error.timeout", {"device": "sim-camera-0"})


def test_a_reader_that_is_not_ready_is_said_with_its_own_problem_or_as_missing() -> None:
    assert (
        preflight.devices_ready(devices(reader=False, problems={"fingerprint": UNPLUGGED}), OPERATOR)
        == UNPLUGGED
    )
    assert preflight.devices_ready(devices(reader=False), OPERATOR) == Message("enrol.no_reader")
    # The camera's problem is not the reader's.
    assert preflight.devices_ready(
        devices(reader=False, problems={"camera": NO_FRAMES}), OPERATOR
    ) == Message("enrol.no_reader")


def test_a_camera_that_is_not_ready_is_said_with_its_own_problem_or_as_missing() -> None:
    assert (
        preflight.devices_ready(devices(camera=False, problems={"camera": NO_FRAMES}), OPERATOR) == NO_FRAMES
    )
    assert preflight.devices_ready(
        devices(camera=False, problems={"fingerprint": UNPLUGGED}), OPERATOR
    ) == Message("enrol.no_camera")


def test_a_reader_and_a_camera_that_are_ready_pass_even_with_an_old_problem_on_record() -> None:
    assert (
        preflight.devices_ready(devices(problems={"fingerprint": UNPLUGGED, "camera": NO_FRAMES}), OPERATOR)
        is None
    )


def test_an_unregistered_device_is_named_with_its_serial(bench: Bench) -> None:
    camera = bench.station.devices.camera
    assert camera is not None
    bench.station.devices.set_registered([])
    reader = bench.station.devices.reader
    assert reader is not None
    first = bench.station.devices.infos()[0]
    assert preflight.devices_registered(bench.station, OPERATOR) == Message(
        "enrol.device_unregistered", {"device": first.display_name, "serial": first.serial}
    )
    assert first is reader.info  # the reader is named first when both are unknown


def test_every_problem_is_listed_most_fundamental_first(bench: Bench) -> None:
    """The screen lists them all, so the technician fixes everything in one visit."""
    bench.station.config = bench.station.config.model_copy(update={"revoked": True})
    bench.set_policy(min_free_disk_mb=10**9)
    bench.station.devices.registered_serials = None
    found = preflight.problems(bench.station, bench.login(role="technician"))
    assert [m.code for m in found] == [
        "roles.forbidden",
        "enrol.station_revoked",
        "station.disk_low",
        "enrol.devices_unverified",
    ]


def test_a_station_ready_to_enrol_has_no_problem(bench: Bench) -> None:
    assert preflight.problems(bench.station, bench.login()) == []
