"""Bodies of the v1 contract. The backend serves them; the client validates what it receives with them,
so a backend that lies about a field's type is caught at the station, not deep in the flow.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from kiosk.api.errors import CODES

Role = Literal["clerk", "employer", "supervisor", "technician"]
BiometricStatus = Literal["none", "enrolled", "pending", "exception"]


class ErrorDetail(BaseModel):
    # Documented as the table's codes; read as any string, so a newer backend's code is not a crash.
    code: str = Field(json_schema_extra={"enum": [c.code for c in CODES]})
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    api: Literal["v1"]
    time: str = Field(description="The backend's clock, RFC 3339 UTC; stations compare theirs to it")


class StationPublicKeys(BaseModel):
    ed25519: str = Field(
        pattern=r"^[A-Za-z0-9+/]{43}=$", description="Raw Ed25519 public key (32 bytes), base64"
    )
    mldsa65: str = Field(
        pattern=r"^[A-Za-z0-9+/]{2603}=$", description="Raw ML-DSA-65 public key (1952 bytes), base64"
    )


class StationRegistration(BaseModel):
    token: str = Field(min_length=8, max_length=128)
    name: str = Field(min_length=1, max_length=120)
    public_keys: StationPublicKeys
    software_version: str = Field(max_length=64)


class StationRegistered(BaseModel):
    station_id: str
    registered_at: str


class BackendKey(BaseModel):
    key_id: str
    suite: Literal["mlkem768x25519", "x25519"]
    public_key: str = Field(description="base64 of the HPKE public key")
    current: bool


class SigningKey(BaseModel):
    key_id: str
    public_key: str = Field(description="Raw Ed25519 public key, base64")


Confirmer = Literal["operator", "supervisor"]


class FingerPolicy(BaseModel):
    # At least one finger: an empty order would open a visit with nothing to capture and no way past it.
    order: list[str] = Field(min_length=1, description="Fingers in capture order (slugs), at least one")

    @field_validator("order")
    @classmethod
    def _each_finger_once(cls, order: list[str]) -> list[str]:
        # A finger named twice would leave its second slot uncapturable (slots are found by finger).
        if len(set(order)) != len(order):
            raise ValueError("each finger may appear once in the order")
        return order

    min_nfiq2: int = Field(ge=0, le=100)
    attempts: int = Field(ge=1, le=10)
    duplicate_threshold: int = Field(ge=1)
    exceptions_need_supervisor: bool
    below_threshold_confirmation: Confirmer = Field(
        default="operator", description="Who confirms a finger accepted below min_nfiq2 once attempts ran out"
    )


class FacePolicyModel(BaseModel):
    yaw_max: float
    pitch_max: float
    roll_max: float
    min_inter_eye_px: float
    stable_frames: int
    attempts: int = Field(
        default=3, ge=1, le=10, description="Stills judged before acceptance below the checks"
    )
    below_threshold_confirmation: Confirmer = Field(
        default="operator", description="Who confirms a face that failed its checks once attempts ran out"
    )


class OperatorPolicy(BaseModel):
    max_failed_logins: int
    failed_login_window_s: int
    lockout_s: int
    idle_warning_s: int
    idle_logout_s: int
    max_session_s: int


class FreezePolicy(BaseModel):
    max_undelivered: int
    max_oldest_undelivered_s: int


class OutboxPolicy(BaseModel):
    rejected_retention_s: int = Field(
        default=30 * 24 * 3600,
        ge=0,
        description="A packet the backend rejected keeps its sealed bytes this long after sealing "
        "(for a retry once the cause is fixed), then they are purged, audited",
    )


class ReenrolmentPolicy(BaseModel):
    confirmation: Confirmer = Field(
        default="supervisor",
        description="Who confirms enrolling again a person the backend knows as enrolled",
    )
    reasons: list[str] = Field(
        default_factory=lambda: [
            "poor_quality",
            "injury_healed",
            "data_correction",
            "institute_request",
            "other",
        ]
    )


class OfflinePolicy(BaseModel):
    login_window_s: int = Field(
        default=24 * 3600,
        ge=0,
        description="An operator whose last online login is this recent may log in offline (0: never)",
    )
    enrol_without_lookup: bool = Field(
        default=True, description="Enrol a person whose identifier was only checked locally when offline"
    )


class Policy(BaseModel):
    version: int = Field(ge=1)
    issued_at: str
    expires_at: str
    fingers: FingerPolicy
    face: FacePolicyModel
    operators: OperatorPolicy
    freeze: FreezePolicy
    allowed_drivers: list[str]
    allow_simulators: bool
    minor_age: int
    reenrolment: ReenrolmentPolicy = Field(default_factory=ReenrolmentPolicy)
    offline: OfflinePolicy = Field(default_factory=OfflinePolicy)
    min_free_disk_mb: int = Field(default=200, ge=0, description="No new session below this free space")
    outbox: OutboxPolicy = Field(default_factory=OutboxPolicy)


class TlsPin(BaseModel):
    role: Literal["current", "next"] = Field(
        description="`current`: the certificate the backend serves; `next`: the one it will serve after "
        "its next certificate change"
    )
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="Hex SHA-256 of the certificate's DER bytes")
    certificate: str = Field(description="The certificate, PEM")


class StationConfig(BaseModel):
    station_id: str
    policy: Policy
    backend_keys: list[BackendKey]
    receipt_keys: list[SigningKey]
    revoked: bool = False
    tls_pins: list[TlsPin] = Field(
        default_factory=list,
        description="The TLS certificates a station pins from now on (docs/keys.md): the station keeps "
        "these and the one it was served; empty: keep the pins it has",
    )


class Cosignature(BaseModel):
    key_id: str
    signature: str = Field(description="Ed25519 signature over the same payload bytes, base64")


class SignedConfig(BaseModel):
    payload: str = Field(description="base64 of the canonical JSON of a StationConfig")
    key_id: str = Field(description="The current signing key")
    signature: str = Field(description="Ed25519 signature over the payload bytes, base64")
    cosignatures: list[Cosignature] = Field(
        default_factory=list, description="The same payload signed by the backend's other signing keys"
    )


class PasswordLogin(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class PasswordChange(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    old_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class FielChallenge(BaseModel):
    challenge_id: str
    challenge: str = Field(description="base64 of the bytes to sign")
    expires_at: str


class FielLogin(BaseModel):
    challenge_id: str = Field(min_length=1, max_length=64)
    certificate: str = Field(
        min_length=1, max_length=16384, description="base64 DER of the e.firma certificate"
    )
    signature: str = Field(min_length=1, max_length=2048, description="base64 RSA PKCS#1 v1.5 SHA-256")


class Operator(BaseModel):
    operator_id: str
    name: str
    role: Role
    auth: Literal["password", "fiel"]
    certificate_number: str | None = None
    rfc: str | None = None


class Session(BaseModel):
    token: str
    operator: Operator
    expires_at: str


class Person(BaseModel):
    curp: str
    nss: str | None
    name: str
    birth_date: str | None
    biometric_status: BiometricStatus


class DeviceRegistration(BaseModel):
    kind: Literal["fingerprint", "camera"]
    driver: str = Field(min_length=1, max_length=64)
    vendor: str = Field(max_length=64)
    model: str = Field(max_length=64)
    serial: str = Field(min_length=1, max_length=64)


class Device(DeviceRegistration):
    registered_at: str


class Receipt(BaseModel):
    """The Acuse: what the person takes home. Signed; `payload` is the canonical JSON that was signed."""

    payload: str = Field(description="base64 of the canonical JSON of a ReceiptBody")
    key_id: str
    signature: str
    cosignatures: list[Cosignature] = Field(
        default_factory=list, description="The same payload signed by the backend's other signing keys"
    )


class ReceiptBody(BaseModel):
    folio: str
    packet_id: str
    station_id: str
    curp_masked: str
    received_at: str
    digest: str = Field(description="SHA-256 of the sealed packet, hex")
    test: bool


class PacketStatus(BaseModel):
    packet_id: str
    status: Literal["accepted"]
    receipt: Receipt


class DiagnosticsUpload(BaseModel):
    report: dict[str, object]


class DiagnosticsStored(BaseModel):
    report_id: str
    received_at: str


class AuditCheckpoint(BaseModel):
    """A station's signed statement "entry `seq` of my audit log has hash `hash`" (docs/audit.md)."""

    seq: int = Field(ge=1)
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    ts: str = Field(min_length=1, max_length=40)
    file: str = Field(pattern=r"^audit-[0-9]{6}\.jsonl$")
    sig: str = Field(
        min_length=1,
        max_length=8192,
        description="base64 of the station's hybrid signature (Ed25519, then ML-DSA-65) of the checkpoint",
    )


class AcknowledgedEntry(BaseModel):
    """What the station's log holds today at the seq of the last checkpoint the backend acknowledged."""

    seq: int = Field(ge=1)
    hash: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{64}$", description="null: the log has no entry with that seq"
    )


class AuditCheckpointDelivery(BaseModel):
    """A new checkpoint, and the station's word on the last one acknowledged (null before the first).

    The backend keeps the newest checkpoint of each station; a log cut together with its newest local
    checkpoints, or deleted whole, no longer passes through it, and the backend counts the conflict."""

    checkpoint: AuditCheckpoint
    acknowledged: AcknowledgedEntry | None = None


class AuditCheckpointAck(BaseModel):
    station_id: str
    seq: int
    hash: str
    ts: str = Field(description="When the station signed the checkpoint")
    received_at: str = Field(description="When the backend acknowledged it")
