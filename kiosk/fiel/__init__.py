"""SAT e.firma (FIEL): reading certificates, opening the encrypted key, signing and verifying logins.

The kiosk side opens the employer's FIEL (`load_fiel`) and signs the backend's challenge
(`Fiel.sign`); the backend side checks the signature, validity and chain (`verify_challenge`).
"""

from kiosk.fiel.certificate import CertKind, SatCertificate, parse_certificate
from kiosk.fiel.credential import Fiel, load_fiel
from kiosk.fiel.key import key_matches, load_private_key
from kiosk.fiel.verify import FielIdentity, verify_challenge

__all__ = [
    "CertKind",
    "Fiel",
    "FielIdentity",
    "SatCertificate",
    "key_matches",
    "load_fiel",
    "load_private_key",
    "parse_certificate",
    "verify_challenge",
]
