"""The set-up wizard's core against the real backend: a new station joins, its technician registers its
devices, and a test enrolment comes back with a verified receipt; every failure says what to check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.sim.hardware import SimulatedHardware
from kiosk.backend.server import Running
from kiosk.enrol.runner import close_station
from kiosk.errors import KioskError
from kiosk.messages import Message
from kiosk.station.device_console import DeviceConsole
from kiosk.station.diagnostics import station_report, upload_job
from kiosk.station.setup import Setup, SetupStep, needed, what_to_check
from kiosk.station.trial_enrolment import synthetic_test_person
from tests.fixtures.backend import CLERK_PASSWORD, TECH_PASSWORD, join
from tests.fixtures.setup import opener, wrongly_pinned


@pytest.fixture
def hardware() -> SimulatedHardware:
    return SimulatedHardware()


@pytest.fixture
def setup(tmp_path: Path, hardware: SimulatedHardware) -> Iterator[Setup]:
    wizard = Setup(tmp_path / "new-station", opener(hardware), keystore="file")
    yield wizard
    wizard.abandon()
    if wizard.station is not None:
        close_station(wizard.station)


def test_a_new_station_is_set_up_to_a_verified_test_receipt(backend: Running, setup: Setup) -> None:
    steps: list[SetupStep] = []
    setup.events.step.connect(lambda e: steps.append(e.step))
    assert needed(setup.data_dir)
    setup.join_job(backend.enrolment_file)()
    assert not needed(setup.data_dir) and setup.station is not None
    setup.sign_in_job("tecnico", TECH_PASSWORD)()
    found = setup.devices_job()()
    assert {str(f.info.kind) for f in found} == {"fingerprint", "camera"}
    assert all(f.newly_registered for f in found)
    assert setup.station.devices.unregistered() == []
    receipt = setup.test_job()()
    assert receipt.verified and receipt.test and receipt.folio.startswith("ACU-")
    assert steps == [SetupStep.SIGN_IN, SetupStep.DEVICES, SetupStep.TEST, SetupStep.DONE]
    # The backend keeps the test packet as a test and files nobody.
    row = backend.backend.store.one("SELECT test FROM packets WHERE packet_id = ?", receipt.packet_id)
    assert row["test"] == 1
    assert (
        backend.backend.store.one("SELECT * FROM persons WHERE curp = ?", synthetic_test_person().curp)
        is None
    )
    # The technician's diagnostic report reaches the backend's diagnostics operation.
    report = DeviceConsole(setup.station.devices).selftest_job(frames=6)()
    data = station_report(setup.station, report, [])
    stored = upload_job(setup.station, setup.login, data)()
    kept = backend.backend.store.one("SELECT * FROM diagnostics WHERE report_id = ?", stored.report_id)
    assert kept is not None and kept["station_id"] == setup.station.station_id
    station = setup.finish()
    assert setup.login is None
    logged = [(e.event, e.fields.get("check")) for e in station.audit.entries()]
    assert ("station_registered", None) in logged
    assert [e for e in logged if e[0] == "device_added"] == [("device_added", None)] * 2
    assert ("diagnostics", "test_enrolment") in logged


def test_a_used_token_says_so_and_a_new_one_joins(backend: Running, setup: Setup, tmp_path: Path) -> None:
    import json

    document = json.loads(backend.enrolment_file.read_text(encoding="utf-8"))
    join(backend, tmp_path / "first-station")  # another station joins with this very file's token
    used = tmp_path / "used.json"
    used.write_text(json.dumps(document), encoding="utf-8")
    problems: list[Message] = []
    setup.events.problem.connect(lambda e: problems.append(e.message))
    assert setup.join_job(used)() is None
    assert setup.step is SetupStep.JOIN and setup.station is None
    assert [p.code for p in problems] == ["setup.check.token"]
    assert needed(setup.data_dir)
    setup.join_job(used, token=backend.backend.issue_token())()  # the technician types a new token
    assert setup.step is SetupStep.SIGN_IN


def test_a_wrong_pin_says_to_check_the_certificate(backend: Running, setup: Setup, tmp_path: Path) -> None:
    setup.join_job(wrongly_pinned(backend.enrolment_file, tmp_path))()
    assert setup.problem is not None and setup.problem.code == "setup.check.pin"
    assert setup.step is SetupStep.JOIN and needed(setup.data_dir)


def test_a_clerk_cannot_set_a_station_up(backend: Running, setup: Setup) -> None:
    setup.join_job(backend.enrolment_file)()
    setup.sign_in_job("ventanilla", CLERK_PASSWORD)()
    assert setup.problem is not None and setup.problem.code == "setup.check.role"
    assert setup.step is SetupStep.SIGN_IN and setup.login is None
    setup.sign_in_job("tecnico", "not-the-password")()
    assert setup.problem.code == "setup.check.credentials"


def test_an_unplugged_reader_stops_the_devices_step(
    backend: Running, setup: Setup, hardware: SimulatedHardware
) -> None:
    setup.join_job(backend.enrolment_file)()
    setup.sign_in_job("tecnico", TECH_PASSWORD)()
    hardware.unplug(hardware.units("fingerprint")[0].unit_id)
    setup.devices_job()()
    assert setup.problem is not None and setup.problem.code == "setup.check.devices"
    assert setup.step is SetupStep.DEVICES


def test_steps_go_in_order(setup: Setup) -> None:
    with pytest.raises(KioskError) as caught:
        setup.test_job()
    assert caught.value.message.code == "station.setup.wrong_step"


def test_what_to_check_names_one_thing() -> None:
    cases = {
        "backend.unreachable": "setup.check.network",
        "backend.timeout": "setup.check.network",
        "station.clock_skew": "setup.check.clock",
        "station.bad_enrolment_file": "setup.check.file",
        "devices.error.disconnected": "setup.check.devices",
        "backend.bad_receipt": "setup.check.receipt",
        "packet.something_else": "setup.check.other",
    }
    for code, check in cases.items():
        message = what_to_check(KioskError(code))
        assert message.code == check
        assert message.params["detail"].code == code
        assert "\n" not in message.render("es_MX") and "\n" not in message.render("en")
    assert what_to_check(RuntimeError("x")).code == "setup.check.other"
