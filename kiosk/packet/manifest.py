"""The manifest (version 1): who, where, with what and under which rules one enrolment was made.

Dataclasses for the code, canonical JSON for the packet, `resources/schemas/manifest-v1.json` for
anyone else. Canonical JSON (sorted keys, no spaces, UTF-8) keeps one manifest one byte string.
`validate_document` applies the schema and then the rules a schema cannot say (an exception has a
code, a FIEL login names its certificate, positions are unique, ...).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from devices.positions import Finger
from kiosk.packet import schema
from kiosk.packet.errors import PacketError

MANIFEST_VERSION = 1
SCHEMA_NAME = "manifest-v1.json"


def normalise_time(moment: datetime) -> datetime:
    """UTC at millisecond precision: what the JSON keeps, so a manifest survives a round trip equal."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)


def format_time(moment: datetime) -> str:
    return normalise_time(moment).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@dataclass(frozen=True)
class Station:
    id: str
    name: str = ""


@dataclass(frozen=True)
class Operator:
    role: str  # clerk | employer | supervisor (technician: test packets only)
    id: str
    login: str = "password"  # password | fiel
    certificate_number: str | None = None  # the FIEL's 20-digit SAT number when login == "fiel"


@dataclass(frozen=True)
class Person:
    curp: str
    nss: str | None = None


@dataclass(frozen=True)
class IdentityDocument:
    type: str  # ine | passport | birth_certificate | military_id | professional_id | ... | other
    last_four: str
    attested: bool


@dataclass(frozen=True)
class Consent:
    notice_id: str
    notice_version: str
    given_at: datetime
    method: str  # touch_screen | signature_pad | paper_form | verbal_witnessed
    given: bool = True
    guardian_curp: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "given_at", normalise_time(self.given_at))


@dataclass(frozen=True)
class FingerEntry:
    position: Finger
    status: str  # captured | exception
    nfiq2: int | None
    attempts: int
    accepted_below_threshold: bool = False
    exception_code: str | None = None  # XX | UP
    exception_reason: str | None = None  # amputated | missing | bandaged | injured | scarred | worn | other
    exception_note: str | None = None
    supervisor_id: str | None = None

    @classmethod
    def captured(
        cls, position: Finger, nfiq2: int | None, attempts: int, accepted_below_threshold: bool = False
    ) -> FingerEntry:
        return cls(Finger(position), "captured", nfiq2, attempts, accepted_below_threshold)

    @classmethod
    def exception(
        cls,
        position: Finger,
        code: str,
        reason: str,
        note: str | None = None,
        supervisor_id: str | None = None,
        attempts: int = 0,
    ) -> FingerEntry:
        return cls(Finger(position), "exception", None, attempts, False, code, reason, note, supervisor_id)


@dataclass(frozen=True)
class FaceEntry:
    score: float | None
    passed: bool
    attempts: int
    width: int
    height: int
    measures: Mapping[str, float | bool | None] = field(default_factory=dict)
    accepted_below_threshold: bool = False
    confirmed_by: str | None = None


@dataclass(frozen=True)
class Reenrolment:
    """The backend already knew the person as enrolled: why they are enrolled again, and who agreed."""

    reason: str  # poor_quality | injury_healed | data_correction | institute_request | other
    previous_status: str  # enrolled | pending | exception
    confirmed_by: str
    note: str | None = None


@dataclass(frozen=True)
class Device:
    kind: str  # fingerprint | camera
    driver: str
    vendor: str
    model: str
    serial: str
    firmware: str | None = None


@dataclass(frozen=True)
class RecordRef:
    name: str
    format: str
    length: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    packet_id: str
    created_at: datetime
    station: Station
    operator: Operator
    person: Person
    identity_document: IdentityDocument
    consent: Consent
    policy_version: int
    software_version: str
    fingers: tuple[FingerEntry, ...]
    face: FaceEntry | None
    devices: tuple[Device, ...]
    audit_chain_head: str
    test: bool = False
    records: tuple[RecordRef, ...] = ()  # filled in by `seal` from the records it seals
    manifest_version: int = MANIFEST_VERSION
    lookup: str = "online"  # online | offline (the identifier was only checked locally)
    reenrolment: Reenrolment | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "created_at", normalise_time(self.created_at))
        object.__setattr__(self, "fingers", tuple(self.fingers))
        object.__setattr__(self, "devices", tuple(self.devices))
        object.__setattr__(self, "records", tuple(self.records))

    def to_document(self) -> dict[str, Any]:
        document: dict[str, Any] = _plain(asdict(self))
        document["created_at"] = format_time(self.created_at)
        document["consent"]["given_at"] = format_time(self.consent.given_at)
        document["fingers"] = [{**f, "position": Finger(f["position"]).slug} for f in document["fingers"]]
        if self.face is not None:
            document["face"]["measures"] = dict(self.face.measures)
            if not self.face.accepted_below_threshold:  # absent means false: older readers see v1 as it was
                del document["face"]["accepted_below_threshold"], document["face"]["confirmed_by"]
        if self.lookup == "online":
            del document["lookup"]
        if self.reenrolment is None:
            del document["reenrolment"]
        return document

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_document())

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Manifest:
        validate_document(document)
        d = dict(document)
        face = d["face"]
        return cls(
            packet_id=d["packet_id"],
            created_at=parse_time(d["created_at"]),
            station=Station(**d["station"]),
            operator=Operator(**d["operator"]),
            person=Person(**d["person"]),
            identity_document=IdentityDocument(**d["identity_document"]),
            consent=Consent(**{**d["consent"], "given_at": parse_time(d["consent"]["given_at"])}),
            policy_version=d["policy_version"],
            software_version=d["software_version"],
            fingers=tuple(
                FingerEntry(**{**f, "position": Finger.parse(f["position"])}) for f in d["fingers"]
            ),
            face=None if face is None else FaceEntry(**{**face, "measures": dict(face["measures"])}),
            devices=tuple(Device(**x) for x in d["devices"]),
            audit_chain_head=d["audit_chain_head"],
            test=d["test"],
            records=tuple(RecordRef(**r) for r in d["records"]),
            manifest_version=d["manifest_version"],
            lookup=d.get("lookup", "online"),
            reenrolment=Reenrolment(**d["reenrolment"]) if d.get("reenrolment") else None,
        )

    @classmethod
    def from_bytes(cls, raw: bytes) -> Manifest:
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise PacketError("malformed_manifest", reason=f"not JSON: {exc}") from None
        if not isinstance(document, dict):
            raise PacketError("malformed_manifest", reason="not a JSON object")
        return cls.from_document(document)

    def with_records(self, refs: tuple[RecordRef, ...]) -> Manifest:
        return replace(self, records=refs)


def _plain(value: Any) -> Any:
    """Tuples to lists, all the way down, so the document is exactly what JSON gives back."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def canonical_json(document: Any) -> bytes:
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def record_ref(name: str, record_format: str, data: bytes) -> RecordRef:
    return RecordRef(name, record_format, len(data), hashlib.sha256(data).hexdigest())


def validate_document(document: Mapping[str, Any]) -> None:
    """Schema first, then the cross-field rules; PacketError('malformed_manifest') lists what is wrong."""
    problems = schema.errors(dict(document), schema.load_schema(SCHEMA_NAME))
    if not problems:
        problems = _rules(document)
    if problems:
        raise PacketError("malformed_manifest", reason="; ".join(problems[:5]), count=len(problems))


def _rules(d: Mapping[str, Any]) -> list[str]:
    problems = []
    operator = d["operator"]
    if (operator["login"] == "fiel") != (operator["certificate_number"] is not None):
        problems.append("operator: certificate_number is required exactly when login is fiel")
    if operator["role"] == "technician" and not d["test"]:
        problems.append("operator: a technician seals test packets only")
    positions = [f["position"] for f in d["fingers"]]
    if len(set(positions)) != len(positions):
        problems.append("fingers: a position appears twice")
    for f in d["fingers"]:
        where = f"fingers[{f['position']}]"
        if f["status"] == "captured":
            if f["exception_code"] or f["exception_reason"] or f["attempts"] < 1:
                problems.append(f"{where}: a captured finger has attempts and no exception")
        elif not (f["exception_code"] and f["exception_reason"]) or f["nfiq2"] is not None:
            problems.append(f"{where}: an exception has a code and a reason and no score")
        elif f["exception_reason"] == "other" and not f["exception_note"]:
            problems.append(f"{where}: reason 'other' needs a note")
    names = [r["name"] for r in d["records"]]
    if len(set(names)) != len(names):
        problems.append("records: a name appears twice")
    return problems
