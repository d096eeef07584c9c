"""Before a person sits down: every reason the station cannot finish the job stops the session first."""

from __future__ import annotations

import pytest

from kiosk import session_lock
from kiosk.enrol.flow import Enrolment, Step
from kiosk.errors import KioskError
from kiosk.packet import seal
from kiosk.packet.samples import sample_manifest, sample_records
from tests.fixtures.enrolment import Bench, audit_events


def refused(bench: Bench, **login: object) -> str:
    with pytest.raises(KioskError) as caught:
        bench.start(bench.login(**login) if login else None)  # type: ignore[arg-type]
    assert not session_lock.enrolment_open(bench.station.data_dir)
    assert audit_events(bench)[-1] == "enrolment_refused"
    return caught.value.message.code


def test_a_session_holds_the_lock_until_the_person_is_wiped(bench: Bench) -> None:
    flow = bench.start()
    assert flow.step is Step.LOOKUP
    assert session_lock.enrolment_open(bench.station.data_dir)
    with pytest.raises(KioskError) as second:
        bench.start()
    assert second.value.message.code == "session.already_open"
    flow.wipe("finished")
    assert flow.step is Step.ENDED and not session_lock.enrolment_open(bench.station.data_dir)
    assert audit_events(bench)[-1] == "person_wiped"


def test_a_technician_cannot_open_a_session(bench: Bench) -> None:
    assert refused(bench, role="technician") == "roles.forbidden"


def test_an_ended_operator_session_cannot_open_a_session(bench: Bench) -> None:
    login = bench.login()
    login.session.end("logout")
    with pytest.raises(KioskError) as caught:
        Enrolment.start(bench.station, login)
    # Said as the session that ended, not as a role that may not enrol (the clerk may enrol).
    assert caught.value.message.code == "operators.session_ended"
    assert not session_lock.enrolment_open(bench.station.data_dir)


def test_a_revoked_station_refuses(bench: Bench) -> None:
    bench.station.config = bench.station.config.model_copy(update={"revoked": True})
    assert refused(bench) == "enrol.station_revoked"


def test_an_expired_policy_refuses(bench: Bench) -> None:
    bench.set_policy(expires_at="2020-01-01T00:00:00.000Z")
    assert refused(bench) == "station.policy_expired"


def _queue_one(bench: Bench) -> None:
    manifest = sample_manifest()
    sealed = seal(manifest, sample_records(), bench.station.keys, bench.backend_key.public_key())
    bench.station.outbox.add(sealed.packet_id, sealed.blob, sealed.digest)


def test_the_outbox_freeze_is_consulted_by_count(bench: Bench) -> None:
    _queue_one(bench)
    bench.set_policy(**{"freeze.max_undelivered": 1})
    bench.start().wipe("stopped")  # one waiting packet: at the limit, not over it
    _queue_one(bench)
    assert refused(bench) == "outbox.frozen_count"


def test_the_outbox_freeze_is_consulted_by_age(bench: Bench) -> None:
    _queue_one(bench)
    bench.set_policy(**{"freeze.max_oldest_undelivered_s": 0})
    bench.station.clock = lambda: 10**10  # the packet is very old
    assert refused(bench) == "outbox.frozen_age"


def test_too_little_free_disk_refuses(bench: Bench) -> None:
    bench.set_policy(min_free_disk_mb=10**9)
    assert refused(bench) == "station.disk_low"


def test_an_unplugged_reader_refuses_before_capture(bench: Bench) -> None:
    reader = bench.station.devices.reader
    assert reader is not None
    bench.hardware.unplug(reader.device_id)
    bench.station.devices._on_device_event(_removed(reader.info))
    assert refused(bench) in ("devices.error.disconnected", "enrol.no_reader")


def test_a_device_the_backend_does_not_know_refuses_at_the_start(bench: Bench) -> None:
    camera = bench.station.devices.camera
    assert camera is not None
    bench.station.devices.set_registered(
        [i.serial for i in bench.station.devices.infos() if i is not camera.info]
    )
    assert refused(bench) == "enrol.device_unregistered"


def test_unknown_device_registration_refuses(bench: Bench) -> None:
    bench.station.devices.registered_serials = None
    assert refused(bench) == "enrol.devices_unverified"


def test_a_damaged_outbox_refuses(bench: Bench, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(type(bench.station.outbox), "integrity", lambda self: ["page 3 is never used"])
    assert refused(bench) == "enrol.outbox_damaged"


def test_an_outbox_that_lost_sealed_packets_refuses(bench: Bench) -> None:
    """The audit log says a packet was sealed here; the outbox no longer has it (deleted, emptied)."""
    flow = bench.start()
    flow.wipe("stopped")
    bench.station.audit.append(
        "seal", actor="op-clerk", fields={"packet_id": "0190c2a4-0000-7000-8000-000000000001"}
    )
    assert refused(bench).startswith("outbox.damaged")


def _removed(info: object) -> object:
    from devices.events import DeviceEvent

    return DeviceEvent("removed", info, reason="disconnected")  # type: ignore[arg-type]
