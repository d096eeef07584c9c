"""The station's pinned TLS certificates (`backend-pins.pem`), and how they follow the backend's.

The station trusts exactly these certificates. It starts with the enrolment file's two (the one in
service and the next), and from then on each configuration it *verified* (signed by a trusted key)
announces the backend's current pair: the station keeps those and the certificate it was served on
that very connection, and drops the rest. So a new next certificate is learned ahead of the change
that puts it in service, and the old one is dropped once the server presents the new one. A
configuration that does not verify, or announces no pins (an older backend), changes nothing.
"""

from __future__ import annotations

import hashlib
import ssl
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509

from kiosk.api import models
from kiosk.client.http import BackendError
from kiosk.private import write_private

PINS_FILE = "backend-pins.pem"
_BEGIN = "-----BEGIN CERTIFICATE-----"
_END = "-----END CERTIFICATE-----"


def fingerprint(pem: str) -> str:
    """Hex SHA-256 of the certificate's DER bytes."""
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest()


def pinned(data_dir: Path) -> dict[str, str]:
    """The pinned certificates by fingerprint, in the file's order."""
    path = data_dir / PINS_FILE
    text = path.read_text(encoding="ascii") if path.is_file() else ""
    out = {}
    for chunk in text.split(_END)[:-1]:
        pem = chunk[chunk.index(_BEGIN) :].strip() + "\n" + _END + "\n"
        out[fingerprint(pem)] = pem
    return out


def write(data_dir: Path, pems: Sequence[str]) -> None:
    text = "".join(p if p.endswith("\n") else p + "\n" for p in pems)
    write_private(data_dir / PINS_FILE, text.encode("ascii"))


def learn(data_dir: Path, announced: Sequence[models.TlsPin], presented: str | None) -> list[str]:
    """Follow the pins a verified configuration announced; the fingerprints pinned afterwards.

    `presented` is the fingerprint of the certificate that served the configuration. An announced
    certificate that does not match its fingerprint, or is no certificate, is a bad answer: nothing
    changes."""
    held = pinned(data_dir)
    if not announced or presented not in held:
        return list(held)
    kept = {presented: held[presented]}
    for pin in announced:
        try:
            x509.load_pem_x509_certificate(pin.certificate.encode("ascii"))
            matches = fingerprint(pin.certificate) == pin.sha256
        except ValueError:
            matches = False
        if not matches:
            raise BackendError(
                "backend.bad_answer", retryable=True, reason="an announced certificate does not match its pin"
            )
        kept.setdefault(pin.sha256, pin.certificate.strip() + "\n")
    if set(kept) != set(held):
        write(data_dir, list(kept.values()))
    return list(kept)
