"""Open a sealed packet with the backend's private keys and verify everything in it.

The checks run cheapest-first and stop at the first failure, each with its own PacketError code:
header (magic, version, suite, key id), HPKE decryption (which also authenticates the header),
container layout, signatures, manifest (schema and rules), header/manifest agreement, records
against the manifest's list (names, lengths, SHA-256) and their ISO structure, and finally, when
the caller gives a resolver, the station's registered keys. Images are not decoded here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from kiosk.packet import container, header, signing
from kiosk.packet.errors import PacketError
from kiosk.packet.header import PacketHeader
from kiosk.packet.keys import BackendPrivateKey
from kiosk.packet.manifest import Manifest
from kiosk.packet.seal import check_records, face_record_size
from kiosk.packet.signing import Verification
from kiosk.station.keys import StationPublicKeys

StationResolver = Callable[[str], StationPublicKeys | None]


@dataclass(frozen=True)
class OpenedPacket:
    header: PacketHeader
    manifest: Manifest
    records: dict[str, bytes]
    station_public_keys: StationPublicKeys
    verification: Verification
    digest: str  # hex SHA-256 of the sealed blob, as SealedPacket.digest


def open_packet(
    blob: bytes,
    private_keys: Mapping[str, BackendPrivateKey],
    *,
    station_resolver: StationResolver | None = None,
) -> OpenedPacket:
    head = header.decode(blob)
    key = private_keys.get(head.key_id)
    if key is None:
        raise PacketError("unknown_key_id", key_id=head.key_id)
    if key.suite is not head.suite:
        raise PacketError("suite_mismatch", suite=head.suite.value, key_id=head.key_id)
    info = bytes(blob[: head.length])
    if len(blob) < head.length + head.suite.enc_length + 16:
        raise PacketError("truncated", size=len(blob))
    try:
        plaintext = head.suite.hpke().decrypt(bytes(blob[head.length :]), key.hpke_key(), info=info)
    except Exception:  # InvalidTag, or a malformed encapsulation: the same answer either way
        raise PacketError("decryption_failed", key_id=head.key_id) from None
    inner = container.decode(plaintext)
    verification = signing.verify_block(inner.body, inner.signatures)
    manifest = Manifest.from_bytes(inner.manifest)
    _check_operator(manifest, verification)
    if manifest.packet_id != head.packet_id:
        raise PacketError("packet_id_mismatch", header=head.packet_id, manifest=manifest.packet_id)
    _check_records(manifest, inner.records)
    if station_resolver is not None:
        registered = station_resolver(manifest.station.id)
        if registered is None:
            raise PacketError("unknown_station", station=manifest.station.id)
        if registered != verification.station:
            raise PacketError("station_key_mismatch", station=manifest.station.id)
    return OpenedPacket(
        head, manifest, inner.records, verification.station, verification, hashlib.sha256(blob).hexdigest()
    )


def _check_operator(manifest: Manifest, verification: Verification) -> None:
    if manifest.operator.login != "fiel":
        return
    if not verification.operator_signed:
        raise PacketError("operator_signature_missing")
    if verification.operator_certificate_number != manifest.operator.certificate_number:
        raise PacketError(
            "operator_certificate_mismatch",
            expected=manifest.operator.certificate_number,
            found=verification.operator_certificate_number,
        )


def _check_records(manifest: Manifest, records: dict[str, bytes]) -> None:
    listed = [r.name for r in manifest.records]
    if listed != list(records):
        raise PacketError("record_mismatch", reason=f"manifest lists {listed}, packet holds {list(records)}")
    for ref in manifest.records:
        data = records[ref.name]
        if len(data) != ref.length or hashlib.sha256(data).hexdigest() != ref.sha256:
            raise PacketError("record_mismatch", reason=f"{ref.name}: length or digest differs")
    formats = check_records(records)
    for ref in manifest.records:
        if formats[ref.name] != ref.format:
            raise PacketError(
                "record_mismatch", reason=f"{ref.name}: is {formats[ref.name]}, listed {ref.format}"
            )
    face_size = face_record_size(manifest, records)
    face = manifest.face
    if face_size is not None and face is not None and face_size != (face.width, face.height):
        raise PacketError(
            "record_mismatch",
            reason=f"face record {face_size[0]}x{face_size[1]}, manifest {face.width}x{face.height}",
        )
