"""An operator's session at one station: who, in which role, how they proved it, and where.

The backend issues a session token bound to the station that asked for it; this object is the kiosk's
side of the same rule. Every use names the station it happens on and is refused anywhere else, so a
session copied to another machine (or a token replayed from one) is worthless there. The session also
checks the role's permission on each use and carries what the packet manifest and the audit log say
about the operator.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kiosk.clock import Clock, rfc3339, utcnow
from kiosk.errors import KioskError
from kiosk.roles import AuthMethod, Permission, Role, allowed, check_auth_method, parse_role, require

if TYPE_CHECKING:
    from kiosk.audit.log import AuditEntry, AuditLog

_CERTIFICATE_NUMBER = re.compile(r"^\d{20}$")


@dataclass
class OperatorSession:
    operator_id: str
    role: Role
    station_id: str
    auth_method: AuthMethod
    started_at: datetime
    certificate_number: str | None = None  # the e.firma's 20-digit SAT number, for FIEL logins only
    name: str | None = None
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ended_at: datetime | None = None
    end_reason: str | None = None

    def __post_init__(self) -> None:
        self.role = parse_role(self.role)
        try:
            self.auth_method = AuthMethod(self.auth_method)
        except ValueError:
            raise KioskError(
                "roles.wrong_auth_method", role=self.role.value, method=str(self.auth_method)
            ) from None
        check_auth_method(self.role, self.auth_method)
        if not self.operator_id.strip() or not self.station_id.strip():
            raise KioskError("operators.incomplete_session")
        if self.auth_method is AuthMethod.FIEL:
            if not self.certificate_number or not _CERTIFICATE_NUMBER.match(self.certificate_number):
                raise KioskError("operators.bad_certificate_number", value=str(self.certificate_number))
        elif self.certificate_number is not None:
            raise KioskError("operators.bad_certificate_number", value=self.certificate_number)

    @classmethod
    def start(
        cls,
        *,
        operator_id: str,
        role: Role | str,
        station_id: str,
        auth_method: AuthMethod | str,
        certificate_number: str | None = None,
        name: str | None = None,
        clock: Clock = utcnow,
    ) -> OperatorSession:
        parsed = parse_role(role)
        try:
            method = AuthMethod(auth_method)
        except ValueError:
            raise KioskError("roles.wrong_auth_method", role=parsed.value, method=str(auth_method)) from None
        return cls(operator_id, parsed, station_id, method, clock(), certificate_number, name)

    @property
    def active(self) -> bool:
        return self.ended_at is None

    def use(self, station_id: str) -> None:
        """Refuse a session that has ended or that belongs to another station."""
        if not self.active:
            raise KioskError("operators.session_ended")
        if station_id != self.station_id:
            raise KioskError("operators.wrong_station", station=station_id, bound=self.station_id)

    def can(self, permission: Permission | str) -> bool:
        return self.active and allowed(self.role, permission)

    def require(self, permission: Permission | str, station_id: str) -> None:
        """The check before every screen and command: this station, still open, and the role allows it."""
        self.use(station_id)
        require(self.role, permission)

    def end(self, reason: str, clock: Clock = utcnow) -> None:
        """Close the session (logout, idle, session_limit, ...); later uses are refused. Idempotent."""
        if self.ended_at is None:
            self.ended_at = clock()
            self.end_reason = reason

    def to_manifest(self) -> dict[str, Any]:
        """What a packet says about who enrolled the person (the manifest is sealed: nothing masked)."""
        return {
            "operator_id": self.operator_id,
            "role": self.role.value,
            "auth_method": self.auth_method.value,
            "certificate_number": self.certificate_number,
            "station_id": self.station_id,
            "session_id": self.session_id,
            "started_at": rfc3339(self.started_at),
        }

    def record(self, audit: AuditLog, event: str, fields: Mapping[str, Any] | None = None) -> AuditEntry:
        """Log `event` as this operator, with the session id added to the fields."""
        return audit.append(
            event,
            actor=self.operator_id,
            role=self.role.value,
            fields={"session": self.session_id, **(fields or {})},
        )
