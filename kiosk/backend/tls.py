"""The reference backend's TLS certificates: a current one and the next one, both pinned by stations.

A station trusts exactly the certificates in its pin set (current and next), so the backend can
switch to the next certificate without reaching every station first. No plain-HTTP mode exists.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kiosk.private import private_dir, write_private

DEFAULT_NAMES = ("localhost", "127.0.0.1", "::1")


def make_certificate(names: tuple[str, ...], not_before: dt.datetime, days: int) -> tuple[bytes, bytes]:
    """A self-signed server certificate (P-256) for `names`; returns (key PEM, certificate PEM).

    Each certificate gets its own subject name and key identifiers: OpenSSL looks a pinned
    self-signed certificate up by its subject, and with two pins of the same name (current and
    next) it checked the next certificate against the current one's key and refused it."""
    key = ec.generate_private_key(ec.SECP256R1())
    label = f"kiosk reference backend {secrets.token_hex(4)}"
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, label)])
    alt: list[x509.GeneralName] = []
    for name in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt.append(x509.DNSName(name))
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before - dt.timedelta(minutes=5))
        .not_valid_after(not_before + dt.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def ensure_certificates(
    tls_dir: Path, names: tuple[str, ...], now: dt.datetime
) -> tuple[Path, Path, list[bytes]]:
    """Create `current` and `next` certificates once; return (current key, current cert, pinned PEMs).

    The next certificate is valid from today, like the current one, and lasts a year longer: the
    backend may have to switch to it at any moment (a leaked key), and a pinned certificate whose
    validity starts next year would be refused by every station until then."""
    private_dir(tls_dir)
    pins = []
    for slot, start, days in (("current", now, 730), ("next", now, 1095)):
        key_path, cert_path = tls_dir / f"{slot}.key", tls_dir / f"{slot}.crt"
        if not cert_path.exists():
            key_pem, cert_pem = make_certificate(names, start, days)
            write_private(key_path, key_pem)
            write_private(cert_path, cert_pem)
        pins.append(cert_path.read_bytes())
    return tls_dir / "current.key", tls_dir / "current.crt", pins
