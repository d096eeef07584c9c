"""The flow against the real reference backend on loopback: logins (password, e.firma, offline), the
device registry checked at the start, a verified Acuse, and a refusal shown as a refusal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.backend.server import Running
from kiosk.enrol.flow import Enrolment, Step
from kiosk.enrol.runner import SIM_DRIVERS, Credentials, close_station, open_station, register_devices
from kiosk.enrol.station import StationContext
from kiosk.errors import KioskError
from kiosk.operators.login import Authenticator
from kiosk.synthetic_people import people
from tests.fixtures.backend import CLERK_PASSWORD, TECH_PASSWORD, Station
from tests.fixtures.enrolment import attempt, face_capture

PERSON = people(1)[0]


@pytest.fixture
def opened(backend: Running, station: Station) -> Iterator[StationContext]:
    backend.backend.add_person(PERSON.curp, PERSON.nss, PERSON.name, PERSON.birth_date.isoformat())
    context = open_station(station.data_dir, mode="test", test=True, allowed_drivers=SIM_DRIVERS)
    yield context
    close_station(context)


def authenticator(context: StationContext) -> Authenticator:
    return Authenticator(
        station_id=context.station_id,
        client=context.client,
        audit=context.audit,
        policy=context.policy,
        data_dir=context.data_dir,
    )


def enrol_quickly(flow: Enrolment) -> None:
    flow.lookup(PERSON.curp)()
    flow.proceed()
    flow.record_identity("ine", "AB12", attested=True)
    flow.record_consent(True)
    while flow.current is not None:
        flow.offer(attempt(70, value=70))
    flow.offer_face(face_capture(True))
    flow.confirm_review()


def test_devices_the_backend_does_not_know_stop_the_session_before_any_capture(
    opened: StationContext,
) -> None:
    login = authenticator(opened).password("ventanilla", CLERK_PASSWORD)
    with pytest.raises(KioskError) as caught:
        Enrolment.start(opened, login)
    assert caught.value.message.code == "enrol.device_unregistered"
    register_devices(opened, Credentials("tecnico", TECH_PASSWORD))
    Enrolment.start(opened, login).wipe("stopped")


def test_a_delivered_enrolment_shows_the_verified_acuse(backend: Running, opened: StationContext) -> None:
    register_devices(opened, Credentials("tecnico", TECH_PASSWORD))
    login = authenticator(opened).password("ventanilla", CLERK_PASSWORD)
    flow = Enrolment.start(opened, login)
    enrol_quickly(flow)
    receipt = flow.submit_job()()
    assert receipt.kind == "acuse" and receipt.verified and receipt.folio and receipt.folio.startswith("ACU-")
    assert backend.backend.stats()["accepted"] == 1
    assert flow.step is Step.RECEIPT


def test_a_packet_the_backend_refuses_is_shown_as_refused_with_the_reason(
    backend: Running, opened: StationContext
) -> None:
    register_devices(opened, Credentials("tecnico", TECH_PASSWORD))
    login = authenticator(opened).password("ventanilla", CLERK_PASSWORD)
    flow = Enrolment.start(opened, login)
    enrol_quickly(flow)
    backend.backend.store.run("DELETE FROM devices")  # unregistered after the session began
    receipt = flow.submit_job()()
    assert receipt.kind == "refused" and receipt.reason is not None
    assert "unregistered_device" in receipt.reason.params["code"]
    assert "REFUSED" in receipt.reason.render("en")


def test_an_operator_seen_online_may_log_in_offline_within_the_window(
    backend: Running, opened: StationContext
) -> None:
    online = authenticator(opened)
    online.password("ventanilla", CLERK_PASSWORD)
    backend.stop()  # the network drops
    offline = authenticator(opened)
    with pytest.raises(KioskError) as wrong:
        offline.password("ventanilla", "not-the-password-1")
    assert wrong.value.message.code == "operators.bad_credentials"
    login = offline.password("ventanilla", CLERK_PASSWORD)
    assert login.offline and login.token is None and login.session.role.value == "clerk"
    with pytest.raises(KioskError) as unknown:
        offline.password("supervisor", "whatever-123")
    assert unknown.value.message.code == "operators.offline_unknown"
    offline.clock = lambda: 10**10  # long after the last online login
    with pytest.raises(KioskError) as stale:
        offline.password("ventanilla", CLERK_PASSWORD)
    assert stale.value.message.code == "operators.offline_too_old"
    events = [e.fields.get("offline") for e in opened.audit.entries() if e.event == "login"]
    assert events == [False, True]


def test_offline_attempts_count_towards_the_lockout(backend: Running, opened: StationContext) -> None:
    authenticator(opened).password("ventanilla", CLERK_PASSWORD)
    backend.stop()
    offline = authenticator(opened)
    for _ in range(5):
        with pytest.raises(KioskError):
            offline.password("ventanilla", "wrong-password-9")
    with pytest.raises(KioskError) as locked:
        offline.password("ventanilla", CLERK_PASSWORD)
    assert locked.value.message.code == "operators.locked"


def test_an_employer_logs_in_with_the_sat_test_fiel_and_the_backend_checks_its_signature(
    backend: Running, opened: StationContext, shared_data: Path
) -> None:
    from kiosk.backend.operators import pin_fiel_certificate

    folder = shared_data / "sat-test-credentials" / "fake-fiel-EKU9003173C9"
    cer, key = (folder / "EKU9003173C9.cer").read_bytes(), (folder / "EKU9003173C9.key").read_bytes()
    register_devices(opened, Credentials("tecnico", TECH_PASSWORD))
    with pytest.raises(KioskError) as untrusted:
        authenticator(opened).fiel(cer, key, "12345678a")
    assert untrusted.value.message.code == "backend.error.fiel_untrusted"
    with pytest.raises(KioskError) as wrong:
        authenticator(opened).fiel(cer, key, "not-the-password")
    assert wrong.value.message.code.startswith("fiel.")
    pin_fiel_certificate(backend.backend, cer)  # the test trust store: this exact certificate
    login = authenticator(opened).fiel(cer, key, "12345678a")
    assert login.role == "employer" and login.signer is not None
    flow = Enrolment.start(opened, login)
    enrol_quickly(flow)
    receipt = flow.submit_job()()
    assert receipt.kind == "acuse" and receipt.verified
    row = backend.backend.store.one("SELECT * FROM packets WHERE packet_id = ?", receipt.packet_id)
    assert row is not None


def test_a_station_opens_offline_with_its_last_configuration(backend: Running, station: Station) -> None:
    online = open_station(station.data_dir, mode="test", test=True, allowed_drivers=SIM_DRIVERS)
    version = online.policy.version
    register_devices(online, Credentials("tecnico", TECH_PASSWORD))
    close_station(online)
    backend.stop()
    offline = open_station(station.data_dir, mode="test", test=True, allowed_drivers=SIM_DRIVERS, timeout=2.0)
    try:
        assert not offline.online and offline.policy.version == version
        assert offline.devices.unregistered() == []  # the registry fetched online is remembered
    finally:
        close_station(offline)


def test_signing_out_with_the_backend_gone_does_not_fail(backend: Running, opened: StationContext) -> None:
    auth = authenticator(opened)
    login = auth.password("ventanilla", CLERK_PASSWORD)
    backend.stop()
    auth.logout(login)
    assert not login.session.active
    assert [e.event for e in opened.audit.entries()][-1] == "logout"
