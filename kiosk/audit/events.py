"""The names of the things the audit log records, in one place.

An event name is part of the log's format: a supervisor reading `kiosk audit` output, a support tool
counting logins and the backend's analytics all match on these strings, so they never change once
shipped. `AuditLog.append` refuses a name that is not listed here, which turns a typo in a later
feature into a failing test instead of an entry nobody will ever find. A later issue that needs a new
event adds a constant here (and to `ALL`).
"""

from __future__ import annotations

# Operators
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOCKED_OUT = "locked_out"
LOGOUT = "logout"
IDLE_WARNING = "idle_warning"
IDLE_LOGOUT = "idle_logout"
SESSION_EXPIRED = "session_expired"
WRONG_STATION = "wrong_station"
PASSWORD_CHANGED = "password_changed"  # noqa: S105 (an event name)
ACCESS_DENIED = "access_denied"
SUPERVISOR_OVERRIDE_FAILED = "supervisor_override_failed"
SUPERVISOR_CONFIRMED = "supervisor_confirmed"

# The person at the window
ENROLMENT_STARTED = "enrolment_started"
ENROLMENT_REFUSED = "enrolment_refused"  # the station could not start a session (freeze, disk, devices)
LOOKUP = "lookup"
REENROLMENT = "reenrolment"
IDENTITY_PROOFED = "identity_proofed"
CONSENT = "consent"
CONSENT_REFUSED = "consent_refused"
CONSENT_WITHDRAWN = "consent_withdrawn"
PERSON_WIPED = "person_wiped"

# Capture (never with images or templates: scores, positions, attempts, reasons)
CAPTURE = "capture"
CAPTURE_ATTEMPT = "capture_attempt"
ACCEPTED_BELOW_THRESHOLD = "accepted_below_threshold"
DUPLICATE_FINGER = "duplicate_finger"
EXCEPTION = "exception"
EXCEPTION_CONFIRMED = "exception_confirmed"

# Packets and the backend
SEAL = "seal"
DELIVERY = "delivery"
DELIVERY_FAILED = "delivery_failed"
RECEIPT = "receipt"
RECEIPT_REJECTED = "receipt_rejected"
OUTBOX_EXPORT = "outbox_export"
OUTBOX_IMPORT = "outbox_import"
OUTBOX_PURGE = "outbox_purge"
OUTBOX_RETRY = "outbox_retry"  # a rejected packet put back in the queue by a supervisor or technician
OUTBOX_QUARANTINED = "outbox_quarantined"  # a damaged outbox file moved aside (kiosk outbox salvage)
OUTBOX_SALVAGED = "outbox_salvaged"  # what a salvage kept, fetched back and lost; `reconciled` closes it

# The station and its devices
STATION_REGISTERED = "station_registered"
DEVICE_ADDED = "device_added"
DEVICE_REMOVED = "device_removed"
DIAGNOSTICS = "diagnostics"
POLICY_UPDATED = "policy_updated"
CONFIG_CHANGED = "config_changed"

# The log itself
AUDIT_RECOVERED = "audit_recovered"
AUDIT_ROTATED = "audit_rotated"

ALL: frozenset[str] = frozenset(
    value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, str)
)


def is_known(name: str) -> bool:
    return name in ALL
