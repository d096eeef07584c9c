"""Employers log in with their e.firma: challenge, signature, certificate checks, chain to the backend's
SAT trust anchors; every refusal with its own code. The clock stands at fixed dates, never today's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from kiosk.api import models
from kiosk.api.envelopes import b64, unb64
from kiosk.backend.server import Running, start_in_thread
from kiosk.client.http import BackendError
from kiosk.fiel.credential import Fiel, load_fiel, sign_pkcs1_sha256
from tests.kiosk.backend.support import Joined, MovableClock, add_users, join
from tests.kiosk.fiel.sat_ca import Issued, SatCa

CLOCK = MovableClock()
FIXED = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)  # inside every test certificate's validity
PASSWORD = "12345678a"
COMPANY_NAME = "ESCUELA KEMPER URGATE SA DE CV"


def company(ca: SatCa, unit: str | None = None, key_slot: int = 10) -> Issued:
    """A company's FIEL (or, with `unit`, its CSD), with the subject of SAT's test company."""
    return ca.issue(
        rfc="EKU9003173C9",
        name=COMPANY_NAME,
        representative_rfc="VADA800927DJ3",
        representative_curp="VADA800927HSRSRL05",
        unit=unit,
        key_slot=key_slot,
    )


@pytest.fixture(scope="module")
def ca() -> SatCa:
    return SatCa()


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory, ca: SatCa) -> Iterator[Running]:
    server = start_in_thread(tmp_path_factory.mktemp("backend"), clock=CLOCK)
    add_users(server)
    # The SAT authorities the backend trusts: the root (PEM) and the issuing "AC UAT" (DER).
    trust = server.backend.fiel_trust_dir
    (trust / "ac-raiz.pem").write_bytes(ca.root.cert.public_bytes(Encoding.PEM))
    (trust / "ac-uat.cer").write_bytes(ca.intermediate.der)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def employer_station(running: Running, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Joined]:
    station = join(running, tmp_path_factory.mktemp("employer"), clock=CLOCK, devices=False)
    yield station
    station.client.http.close()


@pytest.fixture(autouse=True)
def _fixed_date() -> Iterator[None]:
    CLOCK.set(FIXED)
    yield
    CLOCK.reset()


def opened(issued: Issued) -> Fiel:
    return load_fiel(issued.der, issued.key_der(PASSWORD), PASSWORD, FIXED)


def fiel_login(station: Joined, cert_der: bytes, sign: object) -> models.Session:
    challenge = station.client.fiel_challenge()
    signature = sign(unb64(challenge.challenge))  # type: ignore[operator]
    return station.client.fiel_login(challenge.challenge_id, cert_der, signature)


def refused(station: Joined, cert_der: bytes, sign: object) -> str | None:
    with pytest.raises(BackendError) as caught:
        fiel_login(station, cert_der, sign)
    assert not caught.value.retryable
    return caught.value.api_code


def test_an_employer_logs_in_with_a_company_fiel(employer_station: Joined, ca: SatCa) -> None:
    issued = company(ca)
    fiel = opened(issued)
    session = fiel_login(employer_station, fiel.cert_der, fiel.sign)
    operator = session.operator
    assert (operator.role, operator.auth, operator.rfc) == ("employer", "fiel", "EKU9003173C9")
    assert operator.certificate_number == fiel.certificate.certificate_number
    assert operator.certificate_number and len(operator.certificate_number) == 20
    assert operator.name == COMPANY_NAME and operator.operator_id == f"fiel-{operator.certificate_number}"
    # The session works like any other: an employer looks up its worker, then logs out.
    assert employer_station.client.lookup(session.token, "XEXX010101HNEXXXA4").name
    employer_station.client.logout(session.token)


def test_a_person_fiel_with_a_latin1_name_logs_in(employer_station: Joined, ca: SatCa) -> None:
    issued = ca.issue(
        rfc="VADA800927DJ3", curp="VADA800927HSRSRL05", name="ÑANDÚ PEÑA", latin1_t61=True, key_slot=11
    )
    session = fiel_login(employer_station, issued.der, opened(issued).sign)
    assert session.operator.name == "ÑANDÚ PEÑA" and session.operator.rfc == "VADA800927DJ3"


def test_a_fiel_from_an_untrusted_authority_is_refused(employer_station: Joined) -> None:
    stranger = SatCa(key_slot=20, root_name="AC RAIZ AJENA", intermediate_name="AC AJENA")
    issued = company(stranger, key_slot=12)
    assert refused(employer_station, issued.der, opened(issued).sign) == "fiel_untrusted"


def test_a_csd_is_not_an_efirma(employer_station: Joined, ca: SatCa) -> None:
    csd = company(ca, unit="Sucursal Centro")
    sign = lambda challenge: sign_pkcs1_sha256(csd.key, challenge)  # noqa: E731 - the seal's own key signs
    assert refused(employer_station, csd.der, sign) == "fiel_not_fiel"


@pytest.mark.parametrize(
    "when", [dt.datetime(2028, 3, 1, tzinfo=dt.UTC), dt.datetime(2023, 6, 1, tzinfo=dt.UTC)]
)
def test_an_expired_or_not_yet_valid_fiel_is_refused(
    employer_station: Joined, ca: SatCa, when: dt.datetime
) -> None:
    fiel = opened(company(ca))
    CLOCK.set(when)
    assert refused(employer_station, fiel.cert_der, fiel.sign) == "fiel_expired"


def test_a_wrong_signature_is_refused(employer_station: Joined, ca: SatCa) -> None:
    fiel = opened(company(ca))
    other = opened(ca.issue(rfc="CACX7605101P8", curp="CACX760510MGTSHC04", name="OTRA PERSONA", key_slot=13))
    assert refused(employer_station, fiel.cert_der, lambda c: fiel.sign(c + b"!")) == "fiel_invalid"
    assert refused(employer_station, fiel.cert_der, other.sign) == "fiel_invalid"  # another person's key
    assert refused(employer_station, fiel.cert_der, lambda c: b"\x00" * 256) == "fiel_invalid"


def test_a_challenge_is_used_once_at_its_own_station_before_it_expires(
    running: Running, employer_station: Joined, tmp_path: Path, ca: SatCa
) -> None:
    fiel = opened(company(ca))
    client = employer_station.client
    challenge = client.fiel_challenge()
    signature = fiel.sign(unb64(challenge.challenge))
    client.fiel_login(challenge.challenge_id, fiel.cert_der, signature)
    with pytest.raises(BackendError) as reused:
        client.fiel_login(challenge.challenge_id, fiel.cert_der, signature)
    assert reused.value.api_code == "challenge_expired"
    late = client.fiel_challenge()
    CLOCK.advance(dt.timedelta(minutes=3))
    with pytest.raises(BackendError) as expired:
        client.fiel_login(late.challenge_id, fiel.cert_der, fiel.sign(unb64(late.challenge)))
    assert expired.value.api_code == "challenge_expired"
    CLOCK.reset()  # another station joins on the real clock, then the date is fixed again
    elsewhere = join(running, tmp_path / "elsewhere", clock=CLOCK, devices=False)
    CLOCK.set(FIXED)
    mine = client.fiel_challenge()
    with pytest.raises(BackendError) as stolen:
        elsewhere.client.fiel_login(mine.challenge_id, fiel.cert_der, fiel.sign(unb64(mine.challenge)))
    assert stolen.value.api_code == "challenge_expired"
    elsewhere.client.http.close()
    with pytest.raises(BackendError) as unknown:
        client.fiel_login("0" * 32, fiel.cert_der, signature)
    assert unknown.value.api_code == "challenge_expired"


def test_garbage_instead_of_a_certificate_is_refused(employer_station: Joined) -> None:
    assert refused(employer_station, b"not a certificate", lambda c: b"x") == "fiel_invalid"


def test_the_real_test_fiel_signs_well_but_is_not_trusted(
    employer_station: Joined, shared_data: Path
) -> None:
    """SAT's test CA is not public, so the real test FIEL cannot chain here: refused as untrusted,
    after its signature verified (a bad signature gets another code, checked first)."""
    folder = shared_data / "sat-test-credentials" / "fake-fiel-EKU9003173C9"
    fiel = load_fiel(
        (folder / "EKU9003173C9.cer").read_bytes(),
        (folder / "EKU9003173C9.key").read_bytes(),
        PASSWORD,
        FIXED,
    )
    assert refused(employer_station, fiel.cert_der, fiel.sign) == "fiel_untrusted"
    assert refused(employer_station, fiel.cert_der, lambda c: fiel.sign(b"other")) == "fiel_invalid"


def test_a_backend_trusting_no_authority_refuses_every_fiel_as_untrusted(tmp_path: Path, ca: SatCa) -> None:
    from kiosk.backend import operators
    from kiosk.backend.errors import ApiError
    from kiosk.backend.service import Backend

    backend = Backend(tmp_path / "bare", clock=lambda: FIXED)
    try:
        fiel = opened(company(ca))
        challenge = operators.fiel_challenge(backend, "st-local")
        body = models.FielLogin(
            challenge_id=challenge.challenge_id,
            certificate=b64(fiel.cert_der),
            signature=b64(fiel.sign(unb64(challenge.challenge))),
        )
        with pytest.raises(ApiError) as caught:
            operators.fiel_login(backend, "st-local", body)
        assert caught.value.code == "fiel_untrusted"
    finally:
        backend.close()
