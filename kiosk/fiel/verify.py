"""The backend's side of a FIEL login: who signed the challenge, and can they be trusted.

The kiosk sends the FIEL certificate and its signature over the backend's one-time challenge. The
backend accepts the login only when all of this holds, and each failure says which:
- the certificate is a SAT FIEL (a CSD is a company's invoicing seal, not a person's e.firma);
- it is valid at the backend's clock `now` (passed in, so tests can stand at any date);
- the signature (RSA PKCS#1 v1.5 SHA-256, as SAT tooling signs) verifies under its key;
- its key usage allows digital signatures;
- it chains to one of the backend's configured trust anchors (`kiosk.fiel.chain`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from kiosk.errors import KioskError
from kiosk.fiel.certificate import SatCertificate, parse_certificate
from kiosk.fiel.chain import Node, verify_chain
from kiosk.fiel.credential import check_validity, require_fiel


@dataclass(frozen=True)
class FielIdentity:
    """Who a verified FIEL names: what the backend records as the operator of an employer station."""

    rfc: str
    representative_rfc: str | None
    curp: str | None
    name: str
    certificate_number: str | None
    is_company: bool
    issuer: str
    valid_from: datetime
    valid_to: datetime

    @classmethod
    def of(cls, certificate: SatCertificate) -> FielIdentity:
        return cls(
            rfc=certificate.rfc,
            representative_rfc=certificate.representative_rfc,
            curp=certificate.curp,
            name=certificate.name,
            certificate_number=certificate.certificate_number,
            is_company=certificate.is_company,
            issuer=certificate.issuer_name,
            valid_from=certificate.valid_from,
            valid_to=certificate.valid_to,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "rfc": self.rfc,
            "representative_rfc": self.representative_rfc,
            "curp": self.curp,
            "name": self.name,
            "certificate_number": self.certificate_number,
            "is_company": self.is_company,
            "issuer": self.issuer,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat(),
        }


def verify_signature(certificate: SatCertificate, data: bytes, signature: bytes) -> None:
    """A KioskError unless `signature` is the certificate key's PKCS#1 v1.5 SHA-256 signature of `data`."""
    key = certificate.cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise KioskError("fiel.key_unsupported", reason=type(key).__name__)
    try:
        key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise KioskError("fiel.bad_signature", rfc=certificate.rfc) from None


def _require_signing_usage(certificate: SatCertificate) -> None:
    try:
        usage = certificate.cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not usage.digital_signature:
        raise KioskError("fiel.not_for_signing", rfc=certificate.rfc)


def verify_challenge(
    cert_der: bytes,
    challenge: bytes,
    signature: bytes,
    trust_anchors: Sequence[x509.Certificate],
    now: datetime,
    intermediates: Sequence[x509.Certificate] = (),
    pinned: Collection[str] = (),
) -> FielIdentity:
    """Verify a FIEL login: certificate kind, validity at `now`, signature, key usage and chain.

    `pinned` holds SHA-256 hex digests of exact certificates a test deployment trusts without their
    issuer (SAT's public test e.firmas come without their test CA): every other check still applies.
    """
    certificate = parse_certificate(cert_der)
    require_fiel(certificate)
    check_validity(certificate, now)
    verify_signature(certificate, challenge, signature)
    try:
        _require_signing_usage(certificate)
    except ValueError as exc:  # an extension cryptography cannot parse
        raise KioskError("fiel.cert_unreadable", reason=str(exc)) from None
    if hashlib.sha256(certificate.der).hexdigest() not in pinned:
        verify_chain(Node.of(certificate.cert, certificate.der), trust_anchors, intermediates, now)
    return FielIdentity.of(certificate)
