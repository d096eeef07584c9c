"""A SAT certificate (.cer) read the way SAT writes it: FIEL or CSD, RFC, CURP, name, number.

SAT's profile (checked on its public test certificates):
- the RFC is in OID 2.5.4.45 (x500UniqueIdentifier, as a PrintableString); a company's reads
  "COMPANY-RFC / REPRESENTATIVE-RFC";
- the CURP is in serialNumber (2.5.4.5); a company has none, so it reads " / REPRESENTATIVE-CURP";
- the name is in CN (also in name 2.5.4.41 and O), sometimes Latin-1 in a T61String;
- a CSD (the seal for e-invoices) carries an organizationalUnit naming the branch; a FIEL (e.firma,
  the one that identifies a person or company) has none;
- the certificate's serial number is the ASCII of SAT's 20-digit "número de certificado".
The subject is read with `kiosk.fiel.der`, never `cert.subject`, which raises on the T61 names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from kiosk.errors import KioskError
from kiosk.fiel.der import DerError, NameAttribute, certificate_names, parse_name

OID_RFC = "2.5.4.45"
OID_SERIAL_NUMBER = "2.5.4.5"
OID_COMMON_NAME = "2.5.4.3"
OID_NAME = "2.5.4.41"
OID_ORGANIZATION = "2.5.4.10"
OID_ORGANIZATIONAL_UNIT = "2.5.4.11"
CERTIFICATE_NUMBER_LENGTH = 20
RFC_SHAPE = re.compile(r"^[A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{3}$")


class CertKind(StrEnum):
    FIEL = "FIEL"
    CSD = "CSD"


@dataclass(frozen=True)
class SatCertificate:
    """What a SAT certificate says about its holder, plus the parsed certificate for the crypto."""

    der: bytes = field(repr=False)
    cert: x509.Certificate = field(repr=False)
    kind: CertKind
    rfc: str
    representative_rfc: str | None
    holder_curp: str | None
    representative_curp: str | None
    name: str
    certificate_number: str | None
    issuer_name: str
    valid_from: datetime
    valid_to: datetime

    @property
    def is_company(self) -> bool:
        return len(self.rfc) == 12

    @property
    def curp(self) -> str | None:
        """The person's CURP; for a company (which has none), its legal representative's."""
        return self.holder_curp or self.representative_curp

    def expired(self, now: datetime) -> bool:
        return aware(now) > self.valid_to

    def not_yet_valid(self, now: datetime) -> bool:
        return aware(now) < self.valid_from


def aware(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC (certificates speak UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def load_x509(data: bytes) -> tuple[x509.Certificate, bytes]:
    """DER (what SAT hands out) or PEM; returns the certificate and its DER bytes."""
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            cert = x509.load_pem_x509_certificate(data)
            return cert, cert.public_bytes(Encoding.DER)
        return x509.load_der_x509_certificate(data), data
    except ValueError as exc:
        raise KioskError("fiel.cert_unreadable", reason=str(exc)) from None


def _split(value: str | None) -> tuple[str | None, str | None]:
    """SAT's "holder / representative" pairs; either side may be blank."""
    if value is None:
        return None, None
    holder, _, representative = value.partition("/")
    return holder.strip() or None, representative.strip() or None


def _first(attributes: list[NameAttribute], oid: str) -> str | None:
    return next((a.value for a in attributes if a.oid == oid), None)


def certificate_number(cert: x509.Certificate) -> str | None:
    """SAT's number: the serial's bytes are ASCII digits. None for a certificate not made that way."""
    serial = cert.serial_number
    if serial <= 0:
        return None
    raw = serial.to_bytes((serial.bit_length() + 7) // 8 or 1, "big")
    text = raw.decode("ascii", errors="replace")
    return text if text.isdigit() and len(text) == CERTIFICATE_NUMBER_LENGTH else None


def parse_certificate(data: bytes) -> SatCertificate:
    """Read a SAT .cer; a KioskError when it is unreadable or carries no RFC (not a SAT certificate)."""
    cert, der = load_x509(data)
    try:
        names = certificate_names(der)
        subject = parse_name(names.subject)
        issuer = parse_name(names.issuer)
    except DerError as exc:
        raise KioskError("fiel.cert_unreadable", reason=str(exc)) from None
    rfc, representative_rfc = _split(_first(subject, OID_RFC))
    if rfc is None or not RFC_SHAPE.match(rfc.upper()):
        # SAT's CA certificates carry the literal "2.5.4.45" there: only a holder's has an RFC.
        raise KioskError("fiel.not_sat_certificate")
    holder_curp, representative_curp = _split(_first(subject, OID_SERIAL_NUMBER))
    unit = _first(subject, OID_ORGANIZATIONAL_UNIT)
    name = (
        _first(subject, OID_COMMON_NAME)
        or _first(subject, OID_NAME)
        or _first(subject, OID_ORGANIZATION)
        or ""
    )
    return SatCertificate(
        der=der,
        cert=cert,
        kind=CertKind.CSD if unit and unit.strip() else CertKind.FIEL,
        rfc=rfc.upper(),
        representative_rfc=representative_rfc.upper() if representative_rfc else None,
        holder_curp=holder_curp.upper() if holder_curp else None,
        representative_curp=representative_curp.upper() if representative_curp else None,
        name=" ".join(name.split()),
        certificate_number=certificate_number(cert),
        issuer_name=_first(issuer, OID_COMMON_NAME) or "",
        valid_from=cert.not_valid_before_utc,
        valid_to=cert.not_valid_after_utc,
    )
