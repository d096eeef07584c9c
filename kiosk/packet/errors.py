"""The one exception of packet sealing and opening, with a precise, stable code.

The backend turns the code into its rejection reason and the kiosk into a message, so codes are
part of the contract (docs/packet-format.md lists them); never reuse one for another meaning.
"""

from __future__ import annotations

from kiosk.errors import KioskError

CODES = (
    "truncated",  # shorter than its own header says
    "bad_magic",  # not a sealed packet at all
    "unknown_version",  # a packet format version this code does not know
    "unknown_suite",  # an HPKE suite this format does not allow
    "bad_packet_id",  # the header's packet id is not a UUIDv7 (RFC 9562)
    "unknown_key_id",  # no backend private key with the header's key id
    "suite_mismatch",  # the key id names a key of another suite
    "decryption_failed",  # HPKE open failed: wrong key, tampered header or ciphertext
    "malformed_container",  # the decrypted layout is broken
    "unsigned",  # the station's hybrid signature is missing
    "bad_signature",  # the station's Ed25519 or ML-DSA-65 signature does not verify
    "operator_signature_missing",  # the operator logged in with FIEL but did not sign
    "bad_operator_signature",  # the FIEL signature does not verify or its certificate is unreadable
    "operator_certificate_mismatch",  # the manifest names another FIEL certificate than the signer's
    "malformed_manifest",  # not JSON, or not valid against manifest-v1.json, or inconsistent
    "packet_id_mismatch",  # the header's packet id differs from the manifest's
    "record_mismatch",  # records differ from the manifest's list (name, length or digest)
    "malformed_record",  # a record is not a readable ISO/IEC 19794-4/-5 record
    "unknown_station",  # the resolver does not know the manifest's station
    "station_key_mismatch",  # the packet was signed by another key than the station's registered one
    "bad_key",  # a backend key file or object cannot be used
    "sealing_failed",  # the packet could not be built (reason in params)
)


class PacketError(KioskError):
    """`code` is one of CODES; the message code is `packet.<code>`."""

    def __init__(self, code: str, /, **params: object) -> None:
        if code not in CODES:
            raise ValueError(f"unknown packet error code {code!r}")
        super().__init__(f"packet.{code}", **params)
        self.code = code
