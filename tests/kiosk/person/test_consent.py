"""Consent rules: refusal ends the session with nothing captured; a minor needs an adult guardian."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kiosk.audit import events
from kiosk.errors import KioskError
from kiosk.identity.curp import check_digit
from kiosk.person.consent import (
    ConsentGate,
    ConsentMethod,
    ConsentRecord,
    ConsentState,
    GuardianConsent,
    decide,
    is_minor,
)
from kiosk.person.notices import current_notice

TODAY = date(2025, 3, 1)
AT = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def curp(first17: str) -> str:
    return first17 + check_digit(first17)


ADULT = curp("PEXJ850101HDFRRN0")  # born 1985 (position 17 a digit: 1900s)
MINOR = curp("GOMA080512HDFRRNA")  # born 2008-05-12 (position 17 a letter: 2000s): 16 on TODAY
TURNS_18 = curp("LOPM070301MJCPRRA")  # born 2007-03-01: 18 exactly on TODAY
GUARDIAN = curp("GOPR800315MDFRRS0")
NOTICE = current_notice("simplified", "es_MX")


def record(given: bool = True, **options: object) -> ConsentRecord:
    options.setdefault("method", ConsentMethod.TOUCH)
    return ConsentRecord.for_notice(NOTICE, given=given, clock=lambda: AT, **options)  # type: ignore[arg-type]


def code(caught: pytest.ExceptionInfo[KioskError]) -> str:
    return caught.value.message.code


def test_minor_by_the_curp_birth_date_and_century():
    assert is_minor(MINOR, TODAY) and not is_minor(ADULT, TODAY)
    assert not is_minor(TURNS_18, TODAY) and is_minor(TURNS_18, date(2025, 2, 28))
    with pytest.raises(KioskError):
        is_minor("XXXX99999HDFRRN09", TODAY)


def test_record_names_the_notice_shown():
    rec = record(optional_purposes=["digital_credential"])
    assert (rec.notice_id, rec.notice_version, rec.language) == (
        "imss-biometria-simplificado",
        "1.0",
        "es_MX",
    )
    assert rec.notice_sha256 == NOTICE.digest and len(rec.notice_sha256) == 64
    manifest = rec.to_manifest()
    assert manifest["notice"] == {"id": NOTICE.id, "version": "1.0", "sha256": NOTICE.digest}
    assert manifest["method"] == "touch" and manifest["given_at"] == "2025-03-01T09:00:00.000Z"
    assert manifest["optional_purposes"] == ["digital_credential"]


def test_only_the_notice_optional_purposes_and_only_with_consent():
    with pytest.raises(KioskError) as caught:
        record(optional_purposes=["marketing"])
    assert code(caught) == "person.unknown_purpose"
    with pytest.raises(KioskError) as caught:
        record(given=False, optional_purposes=["digital_credential"])
    assert code(caught) == "person.purposes_without_consent"


def test_adult_consents_and_capture_is_allowed():
    gate = ConsentGate(ADULT, today=TODAY)
    assert gate.submit(record()) is ConsentState.CONSENTED
    gate.require_capture()
    gate.note_capture()
    assert gate.allows_capture and not gate.ends_session and gate.require_seal().given


def test_nothing_can_be_captured_before_consent():
    gate = ConsentGate(ADULT, today=TODAY)
    with pytest.raises(KioskError) as caught:
        gate.note_capture()
    assert code(caught) == "person.no_consent" and gate.captured == 0


def test_refusal_ends_the_session_with_nothing_captured():
    gate = ConsentGate(ADULT, today=TODAY)
    rec = record(given=False)
    assert gate.submit(rec) is ConsentState.REFUSED
    assert gate.ends_session and not gate.allows_capture and not gate.must_discard
    assert rec.audit_event == events.CONSENT_REFUSED
    for attempt in (gate.require_capture, gate.note_capture, gate.require_seal):
        with pytest.raises(KioskError) as caught:
            attempt()
        assert code(caught) == "person.consent_refused"
    assert gate.captured == 0
    with pytest.raises(KioskError) as caught:
        gate.submit(record())  # a refusal is final for this session
    assert code(caught) == "person.consent_already_recorded"


def test_withdrawal_after_capture_means_discard():
    gate = ConsentGate(ADULT, today=TODAY)
    gate.submit(record())
    gate.note_capture()
    gate.withdraw(clock=lambda: AT)
    assert gate.ends_session and gate.must_discard and gate.withdrawn_at == AT
    with pytest.raises(KioskError):
        gate.require_seal()


def test_minor_without_guardian_is_incomplete_not_refused():
    gate = ConsentGate(MINOR, today=TODAY)
    assert gate.minor
    with pytest.raises(KioskError) as caught:
        gate.submit(record())
    assert code(caught) == "person.guardian_required" and caught.value.message.params["age"] == 18
    assert gate.state is ConsentState.PENDING  # the operator can still complete it
    assert gate.submit(record(guardian=GuardianConsent(GUARDIAN, True, "mother"))) is ConsentState.CONSENTED
    gate.note_capture()


def test_minor_guardian_refusal_is_a_refusal():
    gate = ConsentGate(MINOR, today=TODAY)
    rec = record(guardian=GuardianConsent(GUARDIAN, False))
    assert gate.submit(rec) is ConsentState.REFUSED and gate.ends_session
    assert rec.audit_event == events.CONSENT_REFUSED


def test_minor_own_refusal_needs_no_guardian():
    assert decide(record(given=False), MINOR, TODAY) is ConsentState.REFUSED


@pytest.mark.parametrize(
    ("guardian", "expected"),
    [
        (GuardianConsent("NOT-A-CURP", True), "person.guardian_curp_invalid"),
        (
            GuardianConsent(GUARDIAN[:17] + ("0" if GUARDIAN[17] != "0" else "1"), True),
            "person.guardian_curp_invalid",
        ),
        (GuardianConsent(MINOR.lower(), True), "person.guardian_is_subject"),
        (GuardianConsent(curp("GOPR100315MDFRRSA"), True), "person.guardian_minor"),
    ],
)
def test_guardian_must_be_another_adult_with_a_valid_curp(guardian, expected):
    with pytest.raises(KioskError) as caught:
        decide(record(guardian=guardian), MINOR, TODAY)
    assert code(caught) == expected


def test_policy_adult_age_is_honoured():
    assert decide(record(), TURNS_18, TODAY) is ConsentState.CONSENTED
    with pytest.raises(KioskError):
        decide(record(), TURNS_18, TODAY, adult_age=21)


def test_verbal_consent_needs_a_witness():
    with pytest.raises(KioskError) as caught:
        decide(record(method="verbal_witnessed"), ADULT, TODAY)
    assert code(caught) == "person.witness_required"
    assert (
        decide(record(method="verbal_witnessed", witness_id="op-77"), ADULT, TODAY) is ConsentState.CONSENTED
    )


def test_audit_fields_carry_the_guardian_curp_for_the_log_to_mask(tmp_path):
    from kiosk.audit import AuditLog

    rec = record(guardian=GuardianConsent(GUARDIAN, True))
    log = AuditLog(tmp_path / "audit")
    entry = log.append(rec.audit_event, actor="op-1", role="clerk", fields=rec.audit_fields())
    assert entry.event == events.CONSENT
    assert entry.fields["guardian_curp"] != GUARDIAN and entry.fields["guardian_curp"].startswith("GOPR")
    assert GUARDIAN not in (tmp_path / "audit" / "audit-000001.jsonl").read_text()


def test_unknown_method_is_refused():
    with pytest.raises(KioskError) as caught:
        record(method="telepathy")
    assert code(caught) == "person.unknown_consent_method"
