"""`kiosk bench` rows for FIEL login: opening the key, signing, and the backend's verification.

The verification runs against a throw-away two-level hierarchy built here (SAT's test CA is not
public); opening a real SAT key (PBES2, PBKDF2 + 3DES) and reading a T61-named certificate use the
shared test data when it is present next to the project.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from kiosk.bench import Row, row_ms, time_ms
from kiosk.fiel.certificate import parse_certificate
from kiosk.fiel.credential import load_fiel
from kiosk.fiel.verify import verify_challenge

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "sat-test-credentials"
NOW = datetime(2025, 6, 1, tzinfo=UTC)


def _pair() -> tuple[x509.Certificate, bytes, rsa.RSAPrivateKey]:
    """A root and a FIEL-shaped leaf (RFC in 2.5.4.45, CURP in serialNumber, 20-digit number)."""
    root_key, leaf_key = (rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2))
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "BENCH ROOT")])
    start, end = NOW - timedelta(days=365), NOW + timedelta(days=365)
    root = (
        x509.CertificateBuilder(root_name, root_name, root_key.public_key(), 1, start, end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "OSCAR KALA HAAK"),
            x509.NameAttribute(x509.ObjectIdentifier("2.5.4.45"), "KAHO641101B39"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, "KAHO641101HNTLKS06"),
        ]
    )
    serial = int.from_bytes(b"30001000000400002305", "big")
    leaf = (
        x509.CertificateBuilder(root_name, subject, leaf_key.public_key(), serial, start, end)  # issuer first
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    return root, leaf.public_bytes(serialization.Encoding.DER), leaf_key


def rows(quick: bool) -> Iterator[Row]:
    runs = 20 if quick else 200
    root, leaf_der, leaf_key = _pair()
    password = b"12345678a"
    key_der = leaf_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password),
    )
    fiel = load_fiel(leaf_der, key_der, password, NOW)
    challenge = b"kiosk-fiel-login-v1:" + bytes(32)
    signature = fiel.sign(challenge)
    yield row_ms("fiel.sign (RSA-2048 PKCS#1 v1.5 SHA-256)", time_ms(lambda: fiel.sign(challenge), runs))
    yield row_ms(
        "fiel.verify_challenge (signature + chain of 2)",
        time_ms(lambda: verify_challenge(leaf_der, challenge, signature, [root], NOW), runs),
    )
    yield row_ms("fiel.parse_certificate", time_ms(lambda: parse_certificate(leaf_der), runs * 5))
    real = SHARED / "fake-fiel-EKU9003173C9" / "EKU9003173C9"
    if real.with_suffix(".cer").is_file():
        cer, key = real.with_suffix(".cer").read_bytes(), real.with_suffix(".key").read_bytes()
        yield row_ms(
            "fiel.load_fiel (real SAT key: PBKDF2 + 3DES)",
            time_ms(lambda: load_fiel(cer, key, password, NOW), runs),
        )
        t61 = (SHARED / "python-satcfdi" / "all-test-certs" / "ure180429tm6.cer").read_bytes()
        yield row_ms(
            "fiel.parse_certificate (T61 Latin-1 subject)", time_ms(lambda: parse_certificate(t61), runs * 5)
        )
