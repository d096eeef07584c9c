"""The FIEL private key: SAT's encrypted PKCS#8 DER `.key`, opened with the holder's password.

`cryptography` says "Incorrect password" for a wrong password and for a damaged file alike. The
person must be told which, so the file's outer shape (EncryptedPrivateKeyInfo: SEQUENCE of an
algorithm and an OCTET STRING) is checked first: a well-formed file that does not decrypt means the
password is wrong. A wrong password is always an error, never a key that "does not match".
"""

from __future__ import annotations

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.x509 import Certificate

from kiosk.errors import KioskError
from kiosk.fiel.der import SEQUENCE, DerError, read

_OCTET_STRING = 0x04
_PEM_ENCRYPTED = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"


def _is_encrypted_pkcs8(data: bytes) -> bool:
    try:
        outer = read(data)
        parts = outer.children()
    except DerError:
        return False
    return (
        outer.tag == SEQUENCE
        and len(parts) == 2
        and parts[0].tag == SEQUENCE
        and parts[1].tag == _OCTET_STRING
    )


def load_private_key(key_bytes: bytes, password: str | bytes) -> rsa.RSAPrivateKey:
    """Decrypt a SAT `.key` (DER, or PEM "ENCRYPTED PRIVATE KEY"); SAT keys are RSA."""
    secret = password.encode("utf-8") if isinstance(password, str) else password
    if not secret:
        raise KioskError("fiel.password_missing")
    is_pem = key_bytes.lstrip().startswith(b"-----BEGIN")
    if is_pem and not key_bytes.lstrip().startswith(_PEM_ENCRYPTED):
        raise KioskError("fiel.key_not_encrypted")
    if not is_pem and not _is_encrypted_pkcs8(key_bytes):
        raise KioskError("fiel.key_unreadable")
    try:
        key: PrivateKeyTypes = (
            serialization.load_pem_private_key(key_bytes, secret)
            if is_pem
            else serialization.load_der_private_key(key_bytes, secret)
        )
    except UnsupportedAlgorithm as exc:
        raise KioskError("fiel.key_unsupported", reason=str(exc)) from None
    except ValueError:
        # The container is well formed (checked above), so what failed is the decryption.
        raise KioskError("fiel.wrong_password") from None
    except TypeError:
        raise KioskError("fiel.key_not_encrypted") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KioskError("fiel.key_unsupported", reason=type(key).__name__)
    return key


def key_matches(cert: Certificate, key: rsa.RSAPrivateKey) -> bool:
    """Whether the private key is the one the certificate certifies (same public numbers)."""
    public = cert.public_key()
    return (
        isinstance(public, rsa.RSAPublicKey) and public.public_numbers() == key.public_key().public_numbers()
    )
