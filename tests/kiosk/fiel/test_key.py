"""Opening SAT's encrypted .key files: the real test keys, wrong passwords, wrong files."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from kiosk.errors import KioskError
from kiosk.fiel import key_matches, load_private_key, parse_certificate
from tests.kiosk.fiel.conftest import PASSWORD
from tests.kiosk.fiel.sat_ca import SatCa, rsa_key

REAL_PAIRS = [
    ("fake-fiel-EKU9003173C9/EKU9003173C9.cer", "fake-fiel-EKU9003173C9/EKU9003173C9.key"),
    ("python-satcfdi/cacx7605101p8.cer", "python-satcfdi/cacx7605101p8.key"),
    ("python-satcfdi/cacx7605101p8_csd.cer", "python-satcfdi/cacx7605101p8_csd.key"),
    ("python-satcfdi/eku9003173c9.cer", "python-satcfdi/eku9003173c9.key"),
    ("python-satcfdi/eku9003173c9_csd.cer", "python-satcfdi/eku9003173c9_csd.key"),
    (
        "phpcfdi-credentials/FIEL_AAA010101AAA/certificate.cer",
        "phpcfdi-credentials/FIEL_AAA010101AAA/private_key.key",
    ),
    (
        "phpcfdi-credentials/CSD01_AAA010101AAA/certificate.cer",
        "phpcfdi-credentials/CSD01_AAA010101AAA/private_key.key",
    ),
]


def code_of(info: pytest.ExceptionInfo[KioskError]) -> str:
    return info.value.message.code


@pytest.mark.shared_data
@pytest.mark.parametrize(("cer", "key"), REAL_PAIRS)
def test_every_real_key_opens_and_matches_its_certificate(sat_dir: Path, cer: str, key: str) -> None:
    cert = parse_certificate((sat_dir / cer).read_bytes())
    private = load_private_key((sat_dir / key).read_bytes(), PASSWORD)
    assert key_matches(cert.cert, private)


@pytest.mark.shared_data
def test_phpcfdi_password_file_holds_the_same_password(sat_dir: Path) -> None:
    assert (sat_dir / "phpcfdi-credentials/FIEL_AAA010101AAA/password.txt").read_text() == PASSWORD


@pytest.mark.shared_data
def test_a_key_of_another_certificate_does_not_match(sat_dir: Path) -> None:
    cert = parse_certificate((sat_dir / "fake-fiel-EKU9003173C9/EKU9003173C9.cer").read_bytes())
    other = load_private_key((sat_dir / "python-satcfdi/eku9003173c9.key").read_bytes(), PASSWORD)
    assert not key_matches(cert.cert, other)  # same RFC, a different (older) FIEL


@pytest.mark.shared_data
@pytest.mark.parametrize("password", ["12345678b", "12345678A", "wrong", "12345678a ", b"\xff"])
def test_wrong_password_is_a_clear_error(sat_dir: Path, password: str | bytes) -> None:
    with pytest.raises(KioskError) as info:
        load_private_key((sat_dir / "fake-fiel-EKU9003173C9/EKU9003173C9.key").read_bytes(), password)
    assert code_of(info) == "fiel.wrong_password"
    assert str(info.value) == "the password of the private key (.key) is wrong"


def test_missing_password() -> None:
    with pytest.raises(KioskError) as info:
        load_private_key(b"irrelevant", "")
    assert code_of(info) == "fiel.password_missing"


def test_files_that_are_not_sat_keys(sat_ca: SatCa) -> None:
    with pytest.raises(KioskError) as info:
        load_private_key(b"\x00garbage", PASSWORD)
    assert code_of(info) == "fiel.key_unreadable"
    with pytest.raises(KioskError) as info:
        load_private_key(sat_ca.root.der, PASSWORD)  # a certificate, not a key
    assert code_of(info) == "fiel.key_unreadable"
    plain_pem = rsa_key(10).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(KioskError) as info:
        load_private_key(plain_pem, PASSWORD)
    assert code_of(info) == "fiel.key_not_encrypted"


def test_encrypted_pem_and_der_both_open(sat_ca: SatCa) -> None:
    issued = sat_ca.issue(rfc="KAHO641101B39", name="OSCAR KALA HAAK", curp="KAHO641101HNTLKS06")
    pem = issued.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASSWORD.encode()),
    )
    assert key_matches(issued.cert, load_private_key(pem, PASSWORD))
    assert key_matches(issued.cert, load_private_key(issued.key_der(), PASSWORD.encode()))
