"""The reference backend's TLS certificates: a current one and the next one, both pinned by stations.

A station trusts exactly the certificates in its pin set (current and next), so the backend can
switch to the next certificate without reaching every station first. The signed configuration
announces both (`announced_pins`), so a station learns each new *next* certificate ahead of the change
that puts it in service (`rotate`). No plain-HTTP mode exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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


def fingerprint(pem: bytes) -> str:
    """The pin of a certificate: hex SHA-256 of its DER bytes (what `openssl x509 -fingerprint -sha256`
    prints, without the colons)."""
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    return hashlib.sha256(der).hexdigest()


def announced_pins(tls_dir: Path) -> list[dict[str, str]]:
    """What the signed configuration tells stations to pin: the certificate in service and the next.

    Read from the folder at each call, so a `rotate` made while the backend runs is announced at once
    by every process (the one it serves changes at its restart)."""
    pins = []
    for slot in ("current", "next"):
        path = tls_dir / f"{slot}.crt"
        if path.is_file():
            pem = path.read_bytes()
            pins.append({"role": slot, "sha256": fingerprint(pem), "certificate": pem.decode("ascii")})
    return pins


def names_of(pem: bytes) -> tuple[str, ...]:
    """The DNS names and addresses a certificate is for (a new one is made for the same)."""
    alt = x509.load_pem_x509_certificate(pem).extensions.get_extension_for_class(x509.SubjectAlternativeName)
    dns = alt.value.get_values_for_type(x509.DNSName)
    addresses = [str(a) for a in alt.value.get_values_for_type(x509.IPAddress)]
    return (*dns, *addresses)


def rotate(tls_dir: Path, now: dt.datetime, *, replace_next: bool = False) -> str:
    """Put the next certificate in service (it becomes `current`) and make a new next one; or, with
    `replace_next`, only make a new next one (the next key leaked, say). The new next's pin.

    The files change at once; a running backend serves the new current certificate from its restart.
    Until then it keeps serving the old one, and stations keep trusting the certificate they are
    served: nothing breaks in between (docs/keys.md)."""
    current, nxt = tls_dir / "current", tls_dir / "next"
    if not (current.with_suffix(".crt").is_file() and nxt.with_suffix(".crt").is_file()):
        raise FileNotFoundError(str(tls_dir / "next.crt"))
    names = names_of(nxt.with_suffix(".crt").read_bytes())
    if not replace_next:
        for suffix in (".key", ".crt"):
            write_private(current.with_suffix(suffix), nxt.with_suffix(suffix).read_bytes())
    key_pem, cert_pem = make_certificate(names, now, 1095)
    write_private(nxt.with_suffix(".key"), key_pem)
    write_private(nxt.with_suffix(".crt"), cert_pem)
    return fingerprint(cert_pem)
