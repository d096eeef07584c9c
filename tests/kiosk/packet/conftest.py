"""Shared material for packet tests: keys made once per session, synthetic records, a throwaway FIEL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from kiosk.packet import BackendPrivateKey, OperatorSigner, PacketSuite
from kiosk.packet.samples import sample_records
from kiosk.station.keys import StationKeys

# SAT writes the 20-digit certificate number as the ASCII bytes of the serial
FIEL_NUMBER = "30001000000500003416"


@pytest.fixture(scope="session")
def station() -> StationKeys:
    return StationKeys.generate()


@pytest.fixture(scope="session")
def xwing_key() -> BackendPrivateKey:
    return BackendPrivateKey.generate(PacketSuite.MLKEM768_X25519)


@pytest.fixture(scope="session")
def x25519_key() -> BackendPrivateKey:
    return BackendPrivateKey.generate(PacketSuite.X25519)


@pytest.fixture(scope="session")
def records() -> dict[str, bytes]:
    return sample_records()


def keyring(key: BackendPrivateKey) -> dict[str, BackendPrivateKey]:
    """The backend's keys as open_packet takes them: by key id."""
    return {key.key_id: key}


def make_fiel(number: str = FIEL_NUMBER) -> tuple[OperatorSigner, rsa.RSAPrivateKey]:
    """A throwaway RSA-2048 key and self-signed certificate shaped like a SAT FIEL."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "EMPRESA DE PRUEBA SA DE CV"),
            x509.NameAttribute(x509.ObjectIdentifier("2.5.4.45"), "EKU9003173C9"),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int.from_bytes(number.encode("ascii"), "big"))
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    der = certificate.public_bytes(Encoding.DER)
    return OperatorSigner(der, lambda data: key.sign(data, padding.PKCS1v15(), hashes.SHA256())), key


@pytest.fixture(scope="session")
def fiel() -> OperatorSigner:
    return make_fiel()[0]
