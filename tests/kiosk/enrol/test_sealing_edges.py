"""What the sealed packet says about each decision, read back as the backend reads it: every finger entry
(captured, below the threshold and who confirmed it, an exception with its reason), the face entry (score,
size, measures, who accepted a failed face), the records actually sealed, and the context of the visit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from devices.positions import Finger
from kiosk import __version__
from kiosk.enrol.face import FaceCapture
from kiosk.enrol.fingers import Attempt, FingerException, FingerSlot
from kiosk.enrol.rules import FingerRules
from kiosk.enrol.sealing import build_records, finger_entries, seal_enrolment
from kiosk.packet import BackendPrivateKey
from kiosk.packet import manifest as mf
from kiosk.packet.open import OpenedPacket, open_packet
from kiosk.packet.samples import synthetic_face, synthetic_finger
from kiosk.records import iso19794_4, iso19794_5
from kiosk.station.keys import StationKeys
from tests.fixtures.enrolment import sample_context
from tests.kiosk.packet.conftest import FIEL_NUMBER, make_fiel

OPERATOR = "op-clerk"
RULES = FingerRules(order=tuple(Finger), min_nfiq2=40, attempts=2)
SEALED_AT = datetime(2026, 3, 2, 10, 15, 30, tzinfo=UTC)


def attempt(nfiq2: int, seed: int = 1) -> Attempt:
    return Attempt(synthetic_finger(seed, 200, 250), 500, nfiq2, [])


def captured(finger: Finger, *scores: int) -> FingerSlot:
    slot = FingerSlot(finger, RULES)
    for score in scores:
        slot.offer(attempt(score, int(finger)))
    return slot


def below(finger: Finger, confirmed_by: str | None) -> FingerSlot:
    slot = captured(finger, 20, 30)
    slot.accept_below_threshold(confirmed_by)
    return slot


def exception(finger: Finger, **fields: str) -> FingerSlot:
    slot = captured(finger, 10)
    slot.mark_exception(FingerException(**({"code": "UP", "reason": "bandaged"} | fields)))
    return slot


def face(passed: bool = True, score: float = 82.46, **measures: object) -> FaceCapture:
    return FaceCapture(
        token=synthetic_face(240, 320),
        score=score,
        passed=passed,
        attempts=2,
        pose=(1.5, -2.0, 0.25),
        measures=measures,  # type: ignore[arg-type]
        guidance=None,
    )


# -- finger entries -----------------------------------------------------------------------------------------


def test_a_captured_finger_is_entered_with_its_best_score_and_its_attempts() -> None:
    (entry,) = finger_entries([captured(Finger.RIGHT_INDEX, 30, 55)], OPERATOR)
    assert entry == mf.FingerEntry(Finger.RIGHT_INDEX, "captured", 55, 2, False)


def test_a_finger_below_the_threshold_names_the_supervisor_who_confirmed_it() -> None:
    (entry,) = finger_entries([below(Finger.LEFT_THUMB, "op-supervisor")], OPERATOR)
    assert entry == mf.FingerEntry(Finger.LEFT_THUMB, "captured", 30, 2, True, supervisor_id="op-supervisor")


@pytest.mark.parametrize("confirmed_by", [OPERATOR, None])
def test_a_finger_the_operator_confirmed_alone_names_no_supervisor(confirmed_by: str | None) -> None:
    (entry,) = finger_entries([below(Finger.LEFT_THUMB, confirmed_by)], OPERATOR)
    assert entry == mf.FingerEntry(Finger.LEFT_THUMB, "captured", 30, 2, True, supervisor_id=None)


def test_an_exception_is_entered_with_its_code_reason_note_supervisor_and_attempts() -> None:
    slot = exception(Finger.RIGHT_RING, code="UP", reason="other", note="vendaje", supervisor_id="op-sup")
    (entry,) = finger_entries([slot], OPERATOR)
    assert entry == mf.FingerEntry(
        Finger.RIGHT_RING, "exception", None, 1, False, "UP", "other", "vendaje", "op-sup"
    )


def test_a_finger_not_decided_yet_is_left_out_and_the_order_is_kept() -> None:
    pending = captured(Finger.LEFT_INDEX, 20)  # one attempt below the threshold, one left
    assert pending.best is not None and not pending.accepted
    slots = [captured(Finger.RIGHT_THUMB, 60), pending, exception(Finger.LEFT_LITTLE)]
    assert [e.position for e in finger_entries(slots, OPERATOR)] == [Finger.RIGHT_THUMB, Finger.LEFT_LITTLE]


# -- records ------------------------------------------------------------------------------------------------


def test_only_accepted_prints_are_sealed_never_an_exception_or_a_pending_finger() -> None:
    slots = [
        captured(Finger.RIGHT_THUMB, 60),
        below(Finger.RIGHT_INDEX, OPERATOR),
        captured(Finger.LEFT_INDEX, 20),
        exception(Finger.LEFT_LITTLE),
    ]
    records = build_records(slots, None)
    assert set(records) == {"fingers"}
    views = iso19794_4.parse(records["fingers"]).views
    assert [(v.position, v.quality[0].score) for v in views] == [
        (Finger.RIGHT_THUMB, 60),
        (Finger.RIGHT_INDEX, 30),
    ]


def test_a_print_is_recorded_at_the_resolution_the_reader_captured_it() -> None:
    """A 1000 ppi reader's print recorded as 500 ppi would be matched at half its real scale."""
    slot = FingerSlot(Finger.RIGHT_THUMB, RULES)
    slot.offer(Attempt(synthetic_finger(3, 200, 250), 1000, 70, []))
    (view,) = iso19794_4.parse(build_records([slot], None)["fingers"]).views
    assert view.ppi == 1000


def test_nothing_to_seal_makes_no_record() -> None:
    assert build_records([exception(Finger.LEFT_LITTLE)], None) == {}
    assert set(build_records([], face())) == {"face"}


def test_a_face_without_a_measured_pose_is_sealed_without_one() -> None:
    (image,) = iso19794_5.parse(build_records([], replace(face(), pose=None))["face"]).faces
    assert (image.yaw, image.pitch, image.roll) == (None, None, None)
    (posed,) = iso19794_5.parse(build_records([], face())["face"]).faces
    assert posed.yaw is not None and posed.pitch is not None and posed.roll is not None


# -- the sealed packet --------------------------------------------------------------------------------------


def sealed(
    station_keys: StationKeys, backend_key: BackendPrivateKey, the_face: FaceCapture | None, **options: object
) -> OpenedPacket:
    ctx = options.pop("ctx", sample_context())
    slots = options.pop("slots", [captured(Finger.RIGHT_THUMB, 60)])
    packet = seal_enrolment(
        ctx,  # type: ignore[arg-type]
        slots,  # type: ignore[arg-type]
        the_face,
        station_keys,
        backend_key.public_key(),
        now=options.pop("now", SEALED_AT),  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )
    opened = open_packet(packet.blob, {backend_key.key_id: backend_key})
    assert opened.manifest.packet_id == packet.packet_id
    return opened


def test_a_passing_face_is_entered_with_its_rounded_score_its_size_and_plain_measures(
    station_keys: StationKeys, backend_key: BackendPrivateKey
) -> None:
    the_face = face(True, 82.46, yaw=1.234567, pitch=-2, eyes_open=True, glasses=None)
    entry = sealed(station_keys, backend_key, the_face, face_confirmed_by="op-sup").manifest.face
    assert entry == mf.FaceEntry(
        82.5,
        True,
        2,
        240,
        320,
        {"yaw": 1.2346, "pitch": -2.0, "eyes_open": True, "glasses": None},
        accepted_below_threshold=False,
        confirmed_by=None,  # a passing face needs nobody's confirmation, whatever the caller says
    )
    assert entry.measures["eyes_open"] is True and isinstance(entry.measures["pitch"], float)


def test_a_failed_face_says_it_was_accepted_below_the_checks_and_by_whom(
    station_keys: StationKeys, backend_key: BackendPrivateKey
) -> None:
    entry = sealed(station_keys, backend_key, face(False, 61.04), face_confirmed_by="op-sup").manifest.face
    assert entry is not None
    assert (entry.score, entry.passed, entry.accepted_below_threshold, entry.confirmed_by) == (
        61.0,
        False,
        True,
        "op-sup",
    )


def test_the_manifest_carries_the_visit_s_context_and_the_sealing_time(
    station_keys: StationKeys, backend_key: BackendPrivateKey
) -> None:
    again = mf.Reenrolment("poor_quality", "enrolled", "op-sup", "manchas")
    ctx = sample_context(lookup="offline", reenrolment=again, test=False)
    slots = [
        captured(Finger.RIGHT_THUMB, 60),
        below(Finger.RIGHT_INDEX, "op-sup"),
        below(Finger.LEFT_THUMB, OPERATOR),  # the clerk confirmed it alone: no supervisor to name
    ]
    opened = sealed(station_keys, backend_key, face(), ctx=ctx, slots=slots)
    manifest = opened.manifest
    assert manifest.created_at == SEALED_AT
    assert (manifest.station, manifest.operator, manifest.person) == (ctx.station, ctx.operator, ctx.person)
    assert (manifest.identity_document, manifest.consent) == (ctx.identity_document, ctx.consent)
    assert (manifest.policy_version, manifest.software_version) == (7, __version__)
    assert (manifest.devices, manifest.audit_chain_head) == (ctx.devices, "ab" * 32)
    assert (manifest.test, manifest.lookup, manifest.reenrolment) == (False, "offline", again)
    assert manifest.fingers == finger_entries(slots, OPERATOR)
    assert [f.supervisor_id for f in manifest.fingers] == [None, "op-sup", None]
    assert set(opened.records) == {"fingers", "face"}
    assert not opened.verification.operator_signed


def test_a_packet_without_a_face_has_no_face_entry_and_is_dated_now(
    station_keys: StationKeys, backend_key: BackendPrivateKey
) -> None:
    before = datetime.now(UTC)
    opened = sealed(station_keys, backend_key, None, now=None)
    assert opened.manifest.face is None and set(opened.records) == {"fingers"}
    assert (
        before - timedelta(seconds=1)
        <= opened.manifest.created_at
        <= datetime.now(UTC) + timedelta(seconds=1)
    )


@pytest.fixture
def mexico_city_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The station's system clock on central Mexican time (UTC-6, as a POSIX rule: no zone database)."""
    monkeypatch.setenv("TZ", "CST+06")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_station_on_local_time_still_dates_its_packet_in_utc(
    station_keys: StationKeys, backend_key: BackendPrivateKey, mexico_city_clock: None
) -> None:
    opened = sealed(station_keys, backend_key, None, now=None)
    assert abs(opened.manifest.created_at - datetime.now(UTC)) < timedelta(seconds=5)


def test_an_employer_s_fiel_co_signs_the_packet(
    station_keys: StationKeys, backend_key: BackendPrivateKey
) -> None:
    signer, _key = make_fiel()
    opened = sealed(station_keys, backend_key, None, operator_signer=signer)
    assert opened.verification.operator_signed
    assert opened.verification.operator_certificate_number == FIEL_NUMBER
