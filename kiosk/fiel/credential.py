"""An employer's e.firma (FIEL) opened at the station: certificate, key and password, checked.

`load_fiel` refuses, each with its own message, what a person can get wrong: a CSD (the invoicing
seal) instead of the FIEL, a certificate that has expired or is not valid yet, a wrong password,
and a key that belongs to another certificate. The clock is a parameter, never read here, so tests
can stand at any date. The unlocked key only signs the backend's login challenge (and, later, the
packets the employer seals); it is never written anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from kiosk.errors import KioskError
from kiosk.fiel.certificate import CertKind, SatCertificate, aware, parse_certificate
from kiosk.fiel.key import key_matches, load_private_key


def sign_pkcs1_sha256(key: rsa.RSAPrivateKey, data: bytes) -> bytes:
    """RSA PKCS#1 v1.5 with SHA-256: what SAT's own tooling (and every CFDI library) signs with."""
    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def check_validity(certificate: SatCertificate, now: datetime) -> None:
    """A KioskError when `now` falls outside the certificate's validity."""
    if certificate.not_yet_valid(now):
        raise KioskError(
            "fiel.not_yet_valid",
            valid_from=certificate.valid_from.date().isoformat(),
            now=aware(now).date().isoformat(),
        )
    if certificate.expired(now):
        raise KioskError(
            "fiel.expired",
            valid_to=certificate.valid_to.date().isoformat(),
            now=aware(now).date().isoformat(),
        )


def require_fiel(certificate: SatCertificate) -> None:
    if certificate.kind is not CertKind.FIEL:
        raise KioskError("fiel.is_csd", rfc=certificate.rfc)


@dataclass(frozen=True)
class Fiel:
    """An opened FIEL: who it names, and a key that can sign for them."""

    certificate: SatCertificate
    _key: rsa.RSAPrivateKey = field(repr=False)

    @property
    def cert_der(self) -> bytes:
        return self.certificate.der

    def sign(self, challenge: bytes) -> bytes:
        """Sign the backend's login challenge (RSA PKCS#1 v1.5, SHA-256)."""
        return sign_pkcs1_sha256(self._key, challenge)


def load_fiel(cer_bytes: bytes, key_bytes: bytes, password: str | bytes, now: datetime) -> Fiel:
    """Open a FIEL for login; every refusal is a KioskError a person can act on."""
    certificate = parse_certificate(cer_bytes)
    require_fiel(certificate)
    check_validity(certificate, now)
    key = load_private_key(key_bytes, password)
    if not key_matches(certificate.cert, key):
        raise KioskError("fiel.key_mismatch", rfc=certificate.rfc)
    return Fiel(certificate, key)
