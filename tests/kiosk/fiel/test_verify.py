"""The backend's check of a FIEL login, against a CA hierarchy with SAT's profile."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509

from kiosk.errors import KioskError
from kiosk.fiel import load_fiel, verify_challenge
from tests.kiosk.fiel.conftest import PASSWORD
from tests.kiosk.fiel.sat_ca import SatCa, rsa_key

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
CHALLENGE = b"kiosk-login:station-7:nonce-5f2c"
COMPANY = {
    "rfc": "EKU9003173C9",
    "representative_rfc": "VADA800927DJ3",
    "representative_curp": "VADA800927HSRSRL05",
    "name": "ESCUELA KEMPER URGATE SA DE CV",
}


def _login(ca: SatCa, issued, now: datetime = NOW, anchors=None, intermediates=None):  # type: ignore[no-untyped-def]
    """What kiosk and backend do: the kiosk opens the FIEL and signs; the backend verifies."""
    fiel = load_fiel(issued.der, issued.key_der(), PASSWORD, now)
    signature = fiel.sign(CHALLENGE)
    return verify_challenge(
        fiel.cert_der,
        CHALLENGE,
        signature,
        ca.anchors if anchors is None else anchors,
        now,
        ca.intermediates if intermediates is None else intermediates,
    )


def _refusal(call) -> KioskError:  # type: ignore[no-untyped-def]
    with pytest.raises(KioskError) as info:
        call()
    return info.value


def test_company_login(sat_ca: SatCa) -> None:
    identity = _login(sat_ca, sat_ca.issue(**COMPANY, number="30001000000500003415"))
    assert (identity.rfc, identity.representative_rfc, identity.curp) == (
        "EKU9003173C9",
        "VADA800927DJ3",
        "VADA800927HSRSRL05",
    )
    assert identity.is_company and identity.certificate_number == "30001000000500003415"
    assert identity.issuer == "AC UAT" and identity.to_json()["name"] == COMPANY["name"]


def test_person_login_with_a_latin1_t61_name(sat_ca: SatCa) -> None:
    issued = sat_ca.issue(
        rfc="MUÑO800101AB1", name="JOSÉ MUÑOZ PEÑA", curp="MUXJ800101HDFXXS09", latin1_t61=True
    )
    identity = _login(sat_ca, issued)
    assert (
        identity.name == "JOSÉ MUÑOZ PEÑA"
        and not identity.is_company
        and identity.curp == "MUXJ800101HDFXXS09"
    )


def test_naive_now_is_utc(sat_ca: SatCa) -> None:
    assert _login(sat_ca, sat_ca.issue(**COMPANY), now=datetime(2025, 6, 1)).rfc == "EKU9003173C9"


def test_signature_over_another_challenge_or_by_another_key(sat_ca: SatCa) -> None:
    issued = sat_ca.issue(**COMPANY)
    fiel = load_fiel(issued.der, issued.key_der(), PASSWORD, NOW)
    signature = fiel.sign(CHALLENGE)
    wrong = _refusal(
        lambda: verify_challenge(
            issued.der, CHALLENGE + b"x", signature, sat_ca.anchors, NOW, sat_ca.intermediates
        )
    )
    assert wrong.message.code == "fiel.bad_signature"
    impostor = sat_ca.issue(**COMPANY, key_slot=11)
    forged = load_fiel(impostor.der, impostor.key_der(), PASSWORD, NOW).sign(CHALLENGE)
    refused = _refusal(
        lambda: verify_challenge(issued.der, CHALLENGE, forged, sat_ca.anchors, NOW, sat_ca.intermediates)
    )
    assert refused.message.code == "fiel.bad_signature"


def test_validity_is_checked_at_the_backend_clock(sat_ca: SatCa) -> None:
    issued = sat_ca.issue(**COMPANY)
    signature = load_fiel(issued.der, issued.key_der(), PASSWORD, NOW).sign(CHALLENGE)
    for when, code in [
        (datetime(2028, 1, 2, tzinfo=UTC), "fiel.expired"),
        (datetime(2023, 12, 31, tzinfo=UTC), "fiel.not_yet_valid"),
    ]:
        error = _refusal(
            lambda w=when: verify_challenge(
                issued.der, CHALLENGE, signature, sat_ca.anchors, w, sat_ca.intermediates
            )
        )
        assert error.message.code == code


def test_a_csd_cannot_log_in(sat_ca: SatCa) -> None:
    csd = sat_ca.issue(**COMPANY, unit="Escuela Kemper Urgate")
    signature = rsa_key(10).sign(CHALLENGE, *_pkcs1())
    error = _refusal(
        lambda: verify_challenge(csd.der, CHALLENGE, signature, sat_ca.anchors, NOW, sat_ca.intermediates)
    )
    assert error.message.code == "fiel.is_csd"


def test_key_usage_without_digital_signature(sat_ca: SatCa) -> None:
    usage = x509.KeyUsage(False, True, False, True, True, False, False, False, False)
    issued = sat_ca.issue(**COMPANY, key_usage=usage)
    signature = rsa_key(10).sign(CHALLENGE, *_pkcs1())
    error = _refusal(
        lambda: verify_challenge(issued.der, CHALLENGE, signature, sat_ca.anchors, NOW, sat_ca.intermediates)
    )
    assert error.message.code == "fiel.not_for_signing"


@pytest.mark.shared_data
def test_the_real_test_fiel_signs_but_its_sat_test_ca_is_not_trusted_here(
    sat_dir: Path, sat_ca: SatCa
) -> None:
    stem = sat_dir / "fake-fiel-EKU9003173C9" / "EKU9003173C9"
    fiel = load_fiel(
        stem.with_suffix(".cer").read_bytes(), stem.with_suffix(".key").read_bytes(), PASSWORD, NOW
    )
    error = _refusal(
        lambda: verify_challenge(
            fiel.cert_der, CHALLENGE, fiel.sign(CHALLENGE), sat_ca.anchors, NOW, sat_ca.intermediates
        )
    )
    # SAT's "AC UAT" is not the test CA's "AC UAT" (other e-mail and street in the name): unknown issuer.
    assert error.message.code == "fiel.untrusted"
    assert (
        str(error)
        == "the e.firma does not come from a trusted authority: the issuing authority 'AC UAT' is not known"
    )


def _pkcs1() -> tuple:  # type: ignore[type-arg]
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    return padding.PKCS1v15(), hashes.SHA256()


def test_garbage_certificate_is_a_clear_refusal(sat_ca: SatCa) -> None:
    error = _refusal(lambda: verify_challenge(b"\x30\x03\x02\x01\x01", CHALLENGE, b"", sat_ca.anchors, NOW))
    assert error.message.code == "fiel.cert_unreadable"


def test_refusals_render_in_spanish(sat_ca: SatCa) -> None:
    issued = sat_ca.issue(**COMPANY)
    signature = load_fiel(issued.der, issued.key_der(), PASSWORD, NOW).sign(CHALLENGE)
    error = _refusal(lambda: verify_challenge(issued.der, CHALLENGE, signature, sat_ca.anchors, NOW))
    assert error.render("es_MX") == (
        "la e.firma no proviene de una autoridad de confianza: no se conoce a la autoridad emisora «AC UAT»"
    )
