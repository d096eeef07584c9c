"""`load_fiel`: the refusals a person can meet at login, and signing the challenge."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from kiosk.errors import KioskError
from kiosk.fiel import load_fiel
from tests.kiosk.fiel.conftest import PASSWORD
from tests.kiosk.fiel.sat_ca import SatCa

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
FAKE_FIEL = "fake-fiel-EKU9003173C9/EKU9003173C9"


def _files(sat_dir: Path, stem: str) -> tuple[bytes, bytes]:
    return (sat_dir / f"{stem}.cer").read_bytes(), (sat_dir / f"{stem}.key").read_bytes()


def _code(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(KioskError) as info:
        call()
    return info.value.message.code


@pytest.mark.shared_data
def test_the_valid_test_fiel_opens_and_signs(sat_dir: Path) -> None:
    cer, key = _files(sat_dir, FAKE_FIEL)
    fiel = load_fiel(cer, key, PASSWORD, NOW)
    assert fiel.certificate.rfc == "EKU9003173C9" and fiel.cert_der == cer
    signature = fiel.sign(b"challenge-123")
    public = fiel.certificate.cert.public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    public.verify(signature, b"challenge-123", padding.PKCS1v15(), hashes.SHA256())
    assert fiel.sign(b"challenge-123") == signature  # PKCS#1 v1.5 is deterministic
    assert "_key" not in repr(fiel) and "PrivateKey" not in repr(fiel)


@pytest.mark.shared_data
def test_expired_and_not_yet_valid(sat_dir: Path) -> None:
    cer, key = _files(sat_dir, FAKE_FIEL)
    with pytest.raises(KioskError) as info:
        load_fiel(cer, key, PASSWORD, datetime(2027, 5, 18, tzinfo=UTC))
    assert info.value.message.code == "fiel.expired"
    assert str(info.value) == "the e.firma expired on 2027-05-17 (today is 2027-05-18): renew it with SAT"
    assert (
        _code(lambda: load_fiel(cer, key, PASSWORD, datetime(2023, 5, 1, tzinfo=UTC))) == "fiel.not_yet_valid"
    )


@pytest.mark.shared_data
def test_older_real_fiels_open_at_a_date_they_were_valid(sat_dir: Path) -> None:
    for stem in ["python-satcfdi/cacx7605101p8", "python-satcfdi/eku9003173c9"]:
        cer, key = _files(sat_dir, stem)
        assert load_fiel(cer, key, PASSWORD, datetime(2021, 1, 1, tzinfo=UTC)).certificate.kind == "FIEL"
        assert _code(lambda c=cer, k=key: load_fiel(c, k, PASSWORD, NOW)) == "fiel.expired"
    php = sat_dir / "phpcfdi-credentials/FIEL_AAA010101AAA"
    password = (php / "password.txt").read_text()
    fiel = load_fiel(
        (php / "certificate.cer").read_bytes(),
        (php / "private_key.key").read_bytes(),
        password,
        datetime(2019, 1, 1),
    )
    assert fiel.certificate.rfc == "AAA010101AAA"


@pytest.mark.shared_data
def test_a_csd_is_refused(sat_dir: Path) -> None:
    cer, key = _files(sat_dir, "python-satcfdi/cacx7605101p8_csd")
    with pytest.raises(KioskError) as info:
        load_fiel(cer, key, PASSWORD, datetime(2021, 1, 1, tzinfo=UTC))
    assert info.value.message.code == "fiel.is_csd"
    assert "CSD" in str(info.value) and "CACX7605101P8" in str(info.value)


@pytest.mark.shared_data
def test_wrong_password_never_opens(sat_dir: Path) -> None:
    cer, key = _files(sat_dir, FAKE_FIEL)
    assert _code(lambda: load_fiel(cer, key, "12345678", NOW)) == "fiel.wrong_password"


@pytest.mark.shared_data
def test_a_key_of_another_fiel_is_refused(sat_dir: Path) -> None:
    cer, _ = _files(sat_dir, FAKE_FIEL)
    _, other_key = _files(sat_dir, "python-satcfdi/eku9003173c9")
    with pytest.raises(KioskError) as info:
        load_fiel(cer, other_key, PASSWORD, NOW)
    assert info.value.message.code == "fiel.key_mismatch"


def test_generated_fiel_with_a_latin1_name_opens(sat_ca: SatCa) -> None:
    issued = sat_ca.issue(rfc="URE180429TM6", name="UNIVERSIDAD ROBOTICA ESPAÑOLA SA DE CV", latin1_t61=True)
    fiel = load_fiel(issued.der, issued.key_der(), PASSWORD, NOW)
    assert fiel.certificate.name == "UNIVERSIDAD ROBOTICA ESPAÑOLA SA DE CV"
