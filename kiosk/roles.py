"""Who may do what: the four roles, the permissions, and the one table that joins them.

The kiosk checks it before every screen and command, and the reference backend checks the same table
on every request, so a role cannot do at the backend what the kiosk would not let it do (the backend
imports this module rather than keeping its own copy). The table is data, not `if` statements spread
through the code: `docs/roles.md` shows it and a test keeps the two the same.

A technician installs stations and looks after devices; they never see a person's data, not even
masked (`PERSON_DATA` lists the permissions that show any, and none of them is a technician's).
Exceptions need a supervisor: a clerk or an employer records one, only a supervisor confirms it.
"""

from __future__ import annotations

from enum import StrEnum

from kiosk.errors import KioskError


class Role(StrEnum):
    CLERK = "clerk"  # IMSS window, password login
    EMPLOYER = "employer"  # employer's own station, e.firma (FIEL) login
    SUPERVISOR = "supervisor"  # IMSS, password login; confirms exceptions
    TECHNICIAN = "technician"  # installs stations and devices; never sees a person's data


class Permission(StrEnum):
    # Working with a person
    LOOKUP_PERSON = "lookup_person"
    VIEW_PERSON = "view_person"
    RECORD_IDENTITY_PROOFING = "record_identity_proofing"
    RECORD_CONSENT = "record_consent"
    CAPTURE_BIOMETRICS = "capture_biometrics"
    ACCEPT_BELOW_THRESHOLD = "accept_below_threshold"
    RECORD_EXCEPTION = "record_exception"
    CONFIRM_EXCEPTION = "confirm_exception"
    SEAL_AND_SUBMIT = "seal_and_submit"
    VIEW_RECEIPT = "view_receipt"
    VIEW_AUDIT_ENTRIES = "view_audit_entries"
    # Running the station
    OUTBOX_STATUS = "outbox_status"
    OUTBOX_EXPORT = "outbox_export"
    VERIFY_AUDIT = "verify_audit"
    REGISTER_STATION = "register_station"
    MANAGE_DEVICES = "manage_devices"
    RUN_DIAGNOSTICS = "run_diagnostics"
    VIEW_CONFIG = "view_config"
    CHANGE_CONFIG = "change_config"
    # The console beside the clerk's flow (kiosk.station.consoles)
    VIEW_STATION_DAY = "view_station_day"  # today at this station: counts, reasons, codes (no identifiers)
    MANAGE_OUTBOX = "manage_outbox"  # the outbox page: packets by state, retry, export and import
    # Accounts
    CHANGE_OWN_PASSWORD = "change_own_password"  # noqa: S105 (a permission name)
    UNLOCK_OPERATOR = "unlock_operator"
    EXIT_KIOSK = "exit_kiosk"  # close a station window running in kiosk mode (full screen, no frame)


class AuthMethod(StrEnum):
    PASSWORD = "password"  # noqa: S105 (a login method)
    FIEL = "fiel"


# Permissions that show anything about a person (identifiers, images, scores, consent, receipts,
# audit entries that name them). No technician permission may be in this set.
PERSON_DATA: frozenset[Permission] = frozenset(
    {
        Permission.LOOKUP_PERSON,
        Permission.VIEW_PERSON,
        Permission.RECORD_IDENTITY_PROOFING,
        Permission.RECORD_CONSENT,
        Permission.CAPTURE_BIOMETRICS,
        Permission.ACCEPT_BELOW_THRESHOLD,
        Permission.RECORD_EXCEPTION,
        Permission.CONFIRM_EXCEPTION,
        Permission.SEAL_AND_SUBMIT,
        Permission.VIEW_RECEIPT,
        Permission.VIEW_AUDIT_ENTRIES,
    }
)

_ENROL = {
    Permission.LOOKUP_PERSON,
    Permission.VIEW_PERSON,
    Permission.RECORD_IDENTITY_PROOFING,
    Permission.RECORD_CONSENT,
    Permission.CAPTURE_BIOMETRICS,
    Permission.ACCEPT_BELOW_THRESHOLD,
    Permission.RECORD_EXCEPTION,
    Permission.SEAL_AND_SUBMIT,
    Permission.VIEW_RECEIPT,
    Permission.OUTBOX_STATUS,
}

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CLERK: frozenset(_ENROL | {Permission.CHANGE_OWN_PASSWORD}),
    # An employer enrols its own workers; it has no IMSS password and no say over IMSS accounts.
    Role.EMPLOYER: frozenset(_ENROL | {Permission.OUTBOX_EXPORT}),
    Role.SUPERVISOR: frozenset(
        _ENROL
        | {
            Permission.CONFIRM_EXCEPTION,
            Permission.VIEW_AUDIT_ENTRIES,
            Permission.VERIFY_AUDIT,
            Permission.OUTBOX_EXPORT,
            Permission.VIEW_CONFIG,
            Permission.VIEW_STATION_DAY,
            Permission.MANAGE_OUTBOX,
            Permission.CHANGE_OWN_PASSWORD,
            Permission.UNLOCK_OPERATOR,
            Permission.EXIT_KIOSK,
        }
    ),
    Role.TECHNICIAN: frozenset(
        {
            Permission.OUTBOX_STATUS,
            Permission.OUTBOX_EXPORT,
            Permission.VERIFY_AUDIT,
            Permission.REGISTER_STATION,
            Permission.MANAGE_DEVICES,
            Permission.RUN_DIAGNOSTICS,
            Permission.VIEW_CONFIG,
            Permission.CHANGE_CONFIG,
            Permission.MANAGE_OUTBOX,
            Permission.CHANGE_OWN_PASSWORD,
            Permission.EXIT_KIOSK,
        }
    ),
}

# How each role proves who it is: employers with their e.firma, IMSS staff with a password.
AUTH_METHODS: dict[Role, frozenset[AuthMethod]] = {
    Role.CLERK: frozenset({AuthMethod.PASSWORD}),
    Role.EMPLOYER: frozenset({AuthMethod.FIEL}),
    Role.SUPERVISOR: frozenset({AuthMethod.PASSWORD}),
    Role.TECHNICIAN: frozenset({AuthMethod.PASSWORD}),
}


def parse_role(value: str | Role) -> Role:
    try:
        return Role(str(value).strip().lower())
    except ValueError:
        raise KioskError("roles.unknown_role", role=str(value)) from None


def allowed(role: str | Role, permission: str | Permission) -> bool:
    """Whether `role` holds `permission` (unknown roles and permissions hold nothing)."""
    try:
        return Permission(permission) in PERMISSIONS[Role(role)]
    except ValueError:
        return False


def require(role: str | Role, permission: str | Permission) -> None:
    """Raise `KioskError("roles.forbidden")` unless `role` holds `permission`."""
    if not allowed(role, permission):
        raise KioskError("roles.forbidden", role=str(role), permission=str(permission))


def permissions_of(role: str | Role) -> frozenset[Permission]:
    return PERMISSIONS[parse_role(role)]


def roles_with(permission: str | Permission) -> frozenset[Role]:
    return frozenset(role for role, granted in PERMISSIONS.items() if Permission(permission) in granted)


def check_auth_method(role: str | Role, method: str | AuthMethod) -> None:
    """An employer logs in with e.firma and IMSS staff with a password; anything else is refused."""
    parsed = parse_role(role)
    try:
        ok = AuthMethod(method) in AUTH_METHODS[parsed]
    except ValueError:
        ok = False
    if not ok:
        raise KioskError("roles.wrong_auth_method", role=parsed.value, method=str(method))


def table() -> dict[str, dict[str, bool]]:
    """The whole table as plain data ({permission: {role: allowed}}), for the backend, docs and tests."""
    return {p.value: {r.value: p in PERMISSIONS[r] for r in Role} for p in Permission}
