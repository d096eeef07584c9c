"""Seal an enrolment: records and manifest in, one encrypted, signed byte string out.

Order of operations (docs/packet-format.md): check the records' structure, list them in the
manifest with their digests, validate the manifest, lay out the container body, sign it (station
hybrid, FIEL when the operator logged in with it), then HPKE-encrypt everything to the backend's
key with the clear header as `info`. All in memory: the caller writes only `SealedPacket.blob`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography import x509

from kiosk.errors import KioskError
from kiosk.packet import container, signing
from kiosk.packet.errors import PacketError
from kiosk.packet.header import PacketHeader
from kiosk.packet.keys import BackendPublicKey, PacketSuite
from kiosk.packet.manifest import Manifest, canonical_json, record_ref, validate_document
from kiosk.packet.signing import OperatorSigner
from kiosk.records import RecordError, iso19794_5, parse_any, record_format
from kiosk.station.keys import StationKeys

SEALABLE_FORMATS = ("iso19794-4:2011", "iso19794-5:2011")


@dataclass(frozen=True)
class SealedPacket:
    packet_id: str
    header: PacketHeader
    blob: bytes

    @property
    def digest(self) -> str:
        """Hex SHA-256 of the whole sealed packet: what receipts and the outbox quote."""
        return hashlib.sha256(self.blob).hexdigest()


def face_record_size(manifest: Manifest, records: Mapping[str, bytes]) -> tuple[int, int] | None:
    """(width, height) of the face record's image (its first representation), None without a face
    record; the manifest's `face.width` and `face.height` must be these (packet-format.md, section 5)."""
    ref = next((r for r in manifest.records if r.format == "iso19794-5:2011"), None)
    if ref is None or ref.name not in records:
        return None
    try:
        first = iso19794_5.parse(records[ref.name]).faces[0]
    except (RecordError, IndexError):
        return None  # check_records names what is wrong with it
    return first.width, first.height


def check_records(
    records: Mapping[str, bytes], formats: tuple[str, ...] = SEALABLE_FORMATS
) -> dict[str, str]:
    """Each record's format, after reading its structure (images are not decoded)."""
    found = {}
    for name, data in records.items():
        if not container.RECORD_NAME_RE.match(name):
            raise PacketError(
                "sealing_failed", reason=f"record name {name!r} must match {container.RECORD_NAME_RE.pattern}"
            )
        try:
            kind = record_format(data)
            parse_any(data)
        except RecordError as exc:
            raise PacketError("malformed_record", name=name, reason=exc.code) from None
        if kind not in formats:
            raise PacketError("malformed_record", name=name, reason=f"format {kind} not accepted")
        found[name] = kind
    return found


def seal(
    manifest: Manifest,
    records: Mapping[str, bytes],
    station_keys: StationKeys,
    recipient: BackendPublicKey,
    operator: OperatorSigner | None = None,
    suite: PacketSuite | str | None = None,
) -> SealedPacket:
    """The sealed packet; `suite` defaults to the recipient key's suite and must agree with it."""
    chosen = recipient.suite if suite is None else PacketSuite.parse(suite)
    if chosen is not recipient.suite:
        raise PacketError("suite_mismatch", suite=chosen.value, key_id=recipient.key_id)
    formats = check_records(records)
    full = manifest.with_records(tuple(record_ref(n, formats[n], d) for n, d in records.items()))
    document = full.to_document()
    validate_document(document)
    _check_operator(full, operator)
    size = face_record_size(full, records)
    if size is not None and full.face is not None and size != (full.face.width, full.face.height):
        raise PacketError("sealing_failed", reason=f"face record {size}, manifest face size differs")
    body = container.encode_body(canonical_json(document), records)
    try:
        plaintext = container.with_signatures(body, signing.sign_body(body, station_keys, operator))
    except KioskError:
        raise
    except Exception as exc:  # a FIEL signer failing (wrong password, card removed) must not crash
        raise PacketError("sealing_failed", reason=f"{type(exc).__name__}: {exc}") from None
    header = PacketHeader(full.packet_id, chosen, recipient.key_id)
    info = header.encode()
    ciphertext = chosen.hpke().encrypt(plaintext, recipient.hpke_key(), info=info)
    return SealedPacket(full.packet_id, header, info + ciphertext)


def _check_operator(manifest: Manifest, operator: OperatorSigner | None) -> None:
    if manifest.operator.login != "fiel":
        return
    if operator is None:
        raise PacketError("operator_signature_missing")
    try:
        number = signing.certificate_number(x509.load_der_x509_certificate(operator.certificate_der))
    except ValueError as exc:
        raise PacketError("bad_operator_signature", reason=str(exc)) from None
    if number != manifest.operator.certificate_number:
        raise PacketError(
            "operator_certificate_mismatch", expected=manifest.operator.certificate_number, found=number
        )
