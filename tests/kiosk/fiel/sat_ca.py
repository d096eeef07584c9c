"""A certificate hierarchy with SAT's profile, for tests (the FIEL tests and the backend's login tests).

SAT's test CA is not public, so the chain checks run against this one, built to look like SAT's:
root -> intermediate "AC UAT" (with SAT's long issuer name) -> end-entity certificates whose subject
carries the RFC in 2.5.4.45 ("COMPANY / REPRESENTATIVE" for a company), the CURP in serialNumber
(" / REPRESENTATIVE-CURP" for a company), no OU for a FIEL and an OU for a CSD, the serial number
the ASCII of a 20-digit certificate number, and SAT's extensions (no SAN, no key identifiers). An
option writes the name as Latin-1 bytes in a T61String, the trap real SAT certificates hold.

    ca = SatCa()
    fiel = ca.issue(rfc="EKU9003173C9", representative_rfc="VADA800927DJ3",
                    representative_curp="VADA800927HSRSRL05", name="ESCUELA KEMPER URGATE SA DE CV")
    fiel.der, fiel.key_der("12345678a"), ca.anchors, ca.intermediates

Keys are RSA-2048 made once per process and reused, so a test run stays fast.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

OID_RFC = ObjectIdentifier("2.5.4.45")
OID_UNSTRUCTURED_NAME = ObjectIdentifier("1.2.840.113549.1.9.2")
OID_NETSCAPE_CERT_TYPE = ObjectIdentifier("2.16.840.1.113730.1.1")
CA_FROM = datetime(2020, 1, 1, tzinfo=UTC)
CA_TO = datetime(2040, 1, 1, tzinfo=UTC)
LEAF_FROM = datetime(2024, 1, 1, tzinfo=UTC)
LEAF_TO = datetime(2028, 1, 1, tzinfo=UTC)
_PLACEHOLDER = "\x7f"  # stands for a non-ASCII character until the T61String is patched in
_numbers = itertools.count(1)


@cache
def rsa_key(slot: int) -> rsa.RSAPrivateKey:
    """RSA-2048 keys shared by the whole test run (slot 0.. for distinct holders)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass(frozen=True)
class Issued:
    cert: x509.Certificate
    der: bytes
    key: rsa.RSAPrivateKey

    def key_der(self, password: str = "12345678a") -> bytes:
        """The private key as SAT hands it out: PKCS#8 DER, encrypted with the password."""
        encryption = serialization.BestAvailableEncryption(password.encode("utf-8"))
        return self.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, encryption
        )


def _ca_extensions(builder: x509.CertificateBuilder, path_length: int | None) -> x509.CertificateBuilder:
    usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
    return builder.add_extension(
        x509.BasicConstraints(ca=True, path_length=path_length), critical=True
    ).add_extension(usage, critical=True)


def sat_issuer_name(common_name: str) -> x509.Name:
    """The long issuer name SAT's "AC UAT" uses (including 2.5.4.45 and unstructuredName)."""
    a = x509.NameAttribute
    return x509.Name(
        [
            a(NameOID.COMMON_NAME, common_name),
            a(NameOID.ORGANIZATION_NAME, "SERVICIO DE ADMINISTRACION TRIBUTARIA"),
            a(NameOID.ORGANIZATIONAL_UNIT_NAME, "SAT-IES Authority"),
            a(NameOID.EMAIL_ADDRESS, "pruebas@sat.gob.mx"),
            a(NameOID.STREET_ADDRESS, "3ra cerrada de cadiz"),
            a(NameOID.POSTAL_CODE, "06370"),
            a(NameOID.COUNTRY_NAME, "MX"),
            a(NameOID.STATE_OR_PROVINCE_NAME, "CIUDAD DE MEXICO"),
            a(NameOID.LOCALITY_NAME, "COYOACAN"),
            a(OID_RFC, "2.5.4.45"),
            a(OID_UNSTRUCTURED_NAME, "responsable: ACDMA-SAT"),
        ]
    )


class SatCa:
    """Root and intermediate ("AC UAT"), issuing FIEL and CSD certificates with SAT's profile."""

    def __init__(
        self,
        key_slot: int = 0,
        root_name: str = "AC RAIZ PRUEBAS",
        intermediate_name: str = "AC UAT",
        root_path_length: int | None = None,
    ):
        root_key, inter_key = rsa_key(key_slot), rsa_key(key_slot + 1)
        root_subject = sat_issuer_name(root_name)
        root = _ca_extensions(
            self._base(root_subject, root_subject, root_key, CA_FROM, CA_TO, 1), root_path_length
        )
        root_cert = root.add_extension(
            x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False
        ).sign(root_key, hashes.SHA256())
        self.root = Issued(root_cert, root_cert.public_bytes(serialization.Encoding.DER), root_key)
        self.intermediate = self.issue_ca(intermediate_name, inter_key)

    @staticmethod
    def _base(
        subject: x509.Name,
        issuer: x509.Name,
        key: rsa.RSAPrivateKey,
        start: datetime,
        end: datetime,
        serial: int,
    ) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(serial)
            .not_valid_before(start)
            .not_valid_after(end)
        )

    def issue_ca(
        self,
        common_name: str,
        key: rsa.RSAPrivateKey,
        start: datetime = CA_FROM,
        end: datetime = CA_TO,
        is_ca: bool = True,
    ) -> Issued:
        """An intermediate CA under the root (`is_ca=False`: the same name, but basicConstraints cA false)."""
        base = self._base(
            sat_issuer_name(common_name), self.root.cert.subject, key, start, end, next(_numbers) + 1000
        )
        if is_ca:
            builder = _ca_extensions(base, 0)
        else:
            builder = base.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        builder = builder.add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
        cert = builder.sign(self.root.key, hashes.SHA256())
        return Issued(cert, cert.public_bytes(serialization.Encoding.DER), key)

    @property
    def anchors(self) -> list[x509.Certificate]:
        return [self.root.cert]

    @property
    def intermediates(self) -> tuple[x509.Certificate, ...]:
        return (self.intermediate.cert,)

    def issue(
        self,
        rfc: str,
        name: str,
        curp: str | None = None,
        representative_rfc: str | None = None,
        representative_curp: str | None = None,
        unit: str | None = None,
        start: datetime = LEAF_FROM,
        end: datetime = LEAF_TO,
        number: str | None = None,
        key_slot: int = 10,
        latin1_t61: bool = False,
        issuer: Issued | None = None,
        key_usage: x509.KeyUsage | None = None,
        extra_extensions: Sequence[tuple[x509.ExtensionType, bool]] = (),
    ) -> Issued:
        """An end-entity certificate: a FIEL, or a CSD when `unit` (the OU) is given."""
        issuer = issuer or self.intermediate
        key = rsa_key(key_slot)
        number = number or f"300010000009{next(_numbers):08d}"
        shown = "".join(_PLACEHOLDER if not c.isascii() else c for c in name) if latin1_t61 else name
        a = x509.NameAttribute
        attributes = [
            a(NameOID.COMMON_NAME, shown),
            a(ObjectIdentifier("2.5.4.41"), shown),
            a(NameOID.ORGANIZATION_NAME, shown),
            a(NameOID.COUNTRY_NAME, "MX"),
            a(NameOID.EMAIL_ADDRESS, "pruebas@pruebas.gob.mx"),
            a(OID_RFC, f"{rfc} / {representative_rfc}" if representative_rfc else rfc),
            a(
                NameOID.SERIAL_NUMBER,
                f"{curp or ''} / {representative_curp}" if representative_curp else (curp or ""),
            ),
        ]
        if unit is not None:
            attributes.append(a(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
        serial = int.from_bytes(number.encode("ascii"), "big")
        builder = self._base(x509.Name(attributes), issuer.cert.subject, key, start, end, serial)
        builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        fiel = unit is None
        usage = key_usage or x509.KeyUsage(True, True, False, fiel, fiel, False, False, False, False)
        builder = builder.add_extension(usage, False)
        if fiel:
            builder = builder.add_extension(
                x509.UnrecognizedExtension(OID_NETSCAPE_CERT_TYPE, b"\x03\x02\x05\xa0"), False
            )
            eku = x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CLIENT_AUTH]
            )
            builder = builder.add_extension(eku, False)
        for extension, critical in extra_extensions:
            builder = builder.add_extension(extension, critical)
        cert = builder.sign(issuer.key, hashes.SHA256())
        der = cert.public_bytes(serialization.Encoding.DER)
        if latin1_t61:
            der = _to_latin1_t61(der, shown, name, issuer.key)
            cert = x509.load_der_x509_certificate(der)
        return Issued(cert, der, key)


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _der_length(len(content)) + content


def _to_latin1_t61(der: bytes, shown: str, name: str, issuer_key: rsa.RSAPrivateKey) -> bytes:
    """Rewrite every UTF8String `shown` as a T61String of `name` in Latin-1 and re-sign, as SAT does."""
    from kiosk.fiel.der import read

    outer = read(der)
    tbs, algorithm, _ = outer.children()
    utf8 = shown.encode("utf-8")
    latin1 = name.encode("latin-1")
    assert len(utf8) == len(latin1) < 0x80
    body = tbs.raw.replace(b"\x0c" + bytes([len(utf8)]) + utf8, b"\x14" + bytes([len(latin1)]) + latin1)
    signature = issuer_key.sign(body, padding.PKCS1v15(), hashes.SHA256())
    return _tlv(0x30, body + algorithm.raw + _tlv(0x03, b"\x00" + signature))
