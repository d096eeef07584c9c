"""The set-up's last check: one enrolment of a synthetic person, marked test, that must come back with a
verified receipt.

It goes the whole way a real packet goes (a capture on the station's reader, NFIQ 2, an ISO/IEC 19794-4
record, the manifest naming the registered devices, the station's signature, HPKE to the backend's
current key, delivery, the receipt's signature checked against the keys the station trusts), so a
station that passes it can enrol. The manifest says `test: true` and names the technician, so the
backend files no person (a technician may seal test packets only: the manifest's rules). On simulated
devices the synthetic test person's finger is placed on the reader; a real reader waits for any finger
(the packet is sealed like any other, and the backend discards it as a test).

The packet is delivered directly, not through the outbox: it is not a person's enrolment to keep
waiting for, and the technician needs the answer now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from devices.positions import Finger
from kiosk import __version__
from kiosk.audit import events
from kiosk.enrol.station import StationContext
from kiosk.errors import KioskError
from kiosk.operators.login import OperatorLogin
from kiosk.packet import manifest as mf
from kiosk.packet.ids import new_packet_id
from kiosk.packet.seal import seal
from kiosk.records import iso19794_4
from kiosk.roles import Permission
from kiosk.synthetic_people import SyntheticPerson, person

TEST_SEED = 9999  # the synthetic people of the set-up check: never among the demo's or the tests' people
FINGER = Finger.RIGHT_INDEX


@dataclass(frozen=True)
class SetupReceipt:
    packet_id: str
    folio: str
    verified: bool
    test: bool
    nfiq2: int

    def to_json(self) -> dict[str, Any]:
        return {
            "packet_id": self.packet_id,
            "folio": self.folio,
            "verified": self.verified,
            "test": self.test,
            "nfiq2": self.nfiq2,
        }


def synthetic_test_person() -> SyntheticPerson:
    return person(0, seed=TEST_SEED)


def run_trial_enrolment(
    station: StationContext, login: OperatorLogin, *, timeout: float = 10.0
) -> SetupReceipt:
    """Capture, seal and deliver one test packet; `KioskError` says what failed (device, backend...)."""
    from kiosk.quality.nfiq2 import nfiq2

    if not login.session.can(Permission.REGISTER_STATION):
        raise KioskError("roles.forbidden", role=login.role, permission=Permission.REGISTER_STATION.value)
    reader: Any = station.devices.reader
    if reader is None or not station.devices.reader_ready:
        problem = station.devices.problems.get("fingerprint")
        raise KioskError(problem.code, **problem.params) if problem else KioskError("enrol.no_reader")
    if station.client is None:
        raise KioskError("station.not_registered")
    who = synthetic_test_person()
    simulation = getattr(reader, "simulation", None)
    if simulation is not None:
        simulation.place(who.finger_seed, FINGER)
    try:
        frame = reader.capture(timeout)
    finally:
        if simulation is not None:
            simulation.lift()
    ppi = int(frame.ppi or reader.info.ppi or 500)
    score = int(nfiq2(frame.image, ppi).score)
    now = datetime.now(UTC)
    records = {
        "fingers": iso19794_4.encode(
            [iso19794_4.wsq_view(frame.image, FINGER, score, ppi=ppi, captured_at=now)]
        )
    }
    session = login.session
    manifest = mf.Manifest(
        packet_id=new_packet_id(),
        created_at=now,
        station=mf.Station(station.station_id, station.name),
        operator=mf.Operator(session.role.value, session.operator_id, session.auth_method.value),
        person=mf.Person(who.curp, who.nss),
        identity_document=mf.IdentityDocument("other", "TEST", attested=False),
        consent=mf.Consent("set-up-test", "1", now, "touch_screen"),
        policy_version=station.policy.version,
        software_version=__version__,
        fingers=(mf.FingerEntry.captured(FINGER, score, 1, score < station.policy.fingers.min_nfiq2),),
        face=None,
        devices=station.devices.manifest_devices(),
        audit_chain_head=station.audit.head(),
        test=True,
    )
    packet = seal(manifest, records, station.keys, station.recipient())
    frame = None  # the synthetic print leaves memory with the sealed packet's plaintext
    body, _receipt, _resend = station.client.submit(packet.packet_id, packet.blob)  # verifies the receipt
    if not body.test:
        raise KioskError("station.setup.receipt_not_test", folio=body.folio)
    session.record(
        station.audit,
        events.DIAGNOSTICS,
        {"check": "test_enrolment", "packet_id": packet.packet_id, "folio": body.folio},
    )
    return SetupReceipt(packet.packet_id, body.folio, True, body.test, score)
