"""Path validation from a FIEL certificate to the backend's configured trust anchors.

`cryptography`'s verifier (`x509.verification.PolicyBuilder`) cannot be used for SAT certificates,
measured with cryptography 50: its Web PKI defaults require an Authority Key Identifier that SAT's
end-entity certificates do not carry, and on the certificates whose subject is a Latin-1 T61String
it raises while parsing the subject (tests/kiosk/fiel/test_chain.py keeps both facts checked). So
the path is validated here, following RFC 5280 §6.1 for what matters to a login:
- each certificate's issuer name equals the next one's subject (compared on the parsed names, case
  and inner spaces ignored, so the T61 subjects compare too), and its signature verifies under the
  next one's public key;
- every certificate on the path, anchor included, is valid at `now`;
- every issuer is a CA (basicConstraints cA, keyCertSign when keyUsage is present) within its path
  length; no certificate carries a critical extension the kiosk does not understand.
Revocation (SAT's OCSP service) is not checked here: it needs the network, and is the backend's call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

from kiosk.errors import KioskError
from kiosk.fiel.certificate import aware
from kiosk.fiel.der import NameAttribute, certificate_names, normalized_name, parse_name
from kiosk.messages import Message

MAX_DEPTH = 6


@dataclass(frozen=True)
class Node:
    """A certificate with its DER, so names are read once and without `cert.subject`."""

    cert: x509.Certificate
    der: bytes

    @classmethod
    def of(cls, cert: x509.Certificate, der: bytes | None = None) -> Node:
        return cls(cert, der if der is not None else cert.public_bytes(Encoding.DER))

    @cached_property
    def issuer_key(self) -> tuple[tuple[str, str], ...]:
        return normalized_name(certificate_names(self.der).issuer)

    @cached_property
    def subject_key(self) -> tuple[tuple[str, str], ...]:
        return normalized_name(certificate_names(self.der).subject)

    @cached_property
    def label(self) -> str:
        """The subject's common name, for messages."""
        return _common_name(parse_name(certificate_names(self.der).subject))

    @cached_property
    def issuer_label(self) -> str:
        return _common_name(parse_name(certificate_names(self.der).issuer))


def _common_name(attributes: list[NameAttribute]) -> str:
    return next((a.value for a in attributes if a.oid == "2.5.4.3"), "?")


def signature_verifies(child: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether `issuer`'s key made `child`'s signature (RSA PKCS#1 v1.5 or PSS, ECDSA, EdDSA)."""
    key = issuer.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            pad = child.signature_algorithm_parameters
            hash_alg = child.signature_hash_algorithm
            if not isinstance(pad, padding.PSS | padding.PKCS1v15) or hash_alg is None:
                return False
            key.verify(child.signature, child.tbs_certificate_bytes, pad, hash_alg)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            params = child.signature_algorithm_parameters
            if not isinstance(params, ec.ECDSA):
                return False
            key.verify(child.signature, child.tbs_certificate_bytes, params)
        elif isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            key.verify(child.signature, child.tbs_certificate_bytes)
        else:
            return False
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _critical_unknown(cert: x509.Certificate) -> bool:
    return any(e.critical and isinstance(e.value, x509.UnrecognizedExtension) for e in cert.extensions)


def _ca_problem(node: Node, below: int, now: datetime, anchor: bool = False) -> Message | None:
    """Why `node` cannot issue the certificate below it, or None; `below` counts CAs under it.

    A configured anchor may lack basicConstraints (old self-signed roots do): configuring it is the
    statement that it is a CA. When it has the extension, it must say so."""
    cert = node.cert
    if not cert.not_valid_before_utc <= aware(now) <= cert.not_valid_after_utc:
        dates = {
            "valid_from": cert.not_valid_before_utc.date().isoformat(),
            "valid_to": cert.not_valid_after_utc.date().isoformat(),
        }
        return Message("fiel.chain.ca_not_valid", {"name": node.label, **dates})
    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return (
            None
            if anchor and not _critical_unknown(cert)
            else Message("fiel.chain.not_ca", {"name": node.label})
        )
    if not constraints.ca:
        return Message("fiel.chain.not_ca", {"name": node.label})
    if constraints.path_length is not None and below > constraints.path_length:
        return Message("fiel.chain.path_too_long", {"name": node.label})
    try:
        if not cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign:
            return Message("fiel.chain.not_ca", {"name": node.label})
    except x509.ExtensionNotFound:
        pass
    if _critical_unknown(cert):
        return Message("fiel.chain.critical_extension", {"name": node.label})
    return None


def verify_chain(
    leaf: Node, anchors: Sequence[x509.Certificate], intermediates: Sequence[x509.Certificate], now: datetime
) -> list[Node]:
    """The path from `leaf` to one of `anchors` (leaf first), or a KioskError saying what broke."""
    if not anchors:
        raise KioskError("fiel.no_trust_anchors")
    try:
        anchor_nodes = [Node.of(a) for a in anchors]
        middle = [Node.of(c) for c in intermediates]
        if _critical_unknown(leaf.cert):
            raise KioskError(
                "fiel.untrusted", reason=Message("fiel.chain.critical_extension", {"name": leaf.label})
            )
        problems: list[Message] = []
        path = _extend([leaf], anchor_nodes, middle, now, problems)
    except ValueError as exc:  # DerError, or an extension cryptography cannot parse
        raise KioskError("fiel.cert_unreadable", reason=str(exc)) from None
    if path is None:
        reason = problems[0] if problems else Message("fiel.chain.no_issuer", {"issuer": leaf.issuer_label})
        raise KioskError("fiel.untrusted", reason=reason)
    return path


def _extend(
    path: list[Node], anchors: list[Node], middle: list[Node], now: datetime, problems: list[Message]
) -> list[Node] | None:
    """Depth-first search for an issuer chain; `problems` collects why candidates were refused."""
    current = path[-1]
    below = len(path) - 1
    for anchor in anchors:
        if anchor.subject_key != current.issuer_key:
            continue
        if not signature_verifies(current.cert, anchor.cert):
            problems.append(
                Message("fiel.chain.bad_signature", {"name": current.label, "issuer": anchor.label})
            )
            continue
        problem = _ca_problem(anchor, below, now, anchor=True)
        if problem is None:
            return [*path, anchor]
        problems.append(problem)
    if len(path) >= MAX_DEPTH:
        problems.append(Message("fiel.chain.path_too_long", {"name": current.label}))
        return None
    for candidate in middle:
        if candidate in path or candidate.subject_key != current.issuer_key:
            continue
        if not signature_verifies(current.cert, candidate.cert):
            problems.append(
                Message("fiel.chain.bad_signature", {"name": current.label, "issuer": candidate.label})
            )
            continue
        problem = _ca_problem(candidate, below, now)
        if problem is not None:
            problems.append(problem)
            continue
        found = _extend([*path, candidate], anchors, middle, now, problems)
        if found is not None:
            return found
    return None
