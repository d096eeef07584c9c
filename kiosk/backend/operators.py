"""Operators at the backend: accounts, password and e.firma logins, lockout, sessions bound to a station."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from pathlib import Path
from typing import Any

from cryptography import x509

from kiosk.api import models
from kiosk.api.envelopes import b64, unb64
from kiosk.backend import passwords
from kiosk.backend.errors import ApiError
from kiosk.backend.service import Backend, token_hash
from kiosk.clock import parse_rfc3339, rfc3339
from kiosk.operators.lockout import LockoutPolicy, LockoutStatus

CHALLENGE_TTL = dt.timedelta(minutes=2)
ROLES = ("clerk", "employer", "supervisor", "technician")


def add_user(
    backend: Backend, username: str, name: str, role: str, password: str, must_change: bool = False
) -> str:
    """A password account; `must_change` (a password given out by an administrator) forces a change
    before the first session: the login answers `password_expired` until the operator picks their own."""
    if role not in ROLES or role == "employer":
        raise ValueError(
            "password accounts are clerk, supervisor or technician; employers log in with e.firma"
        )
    if not passwords.strong_enough(password):
        raise ApiError("weak_password")
    operator_id = "op-" + uuid.uuid4().hex[:10]
    backend.store.run(
        "INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)",
        username,
        operator_id,
        name,
        role,
        passwords.hash_password(password),
        backend.now(),
    )
    if must_change:
        expire_password(backend, username)
    return operator_id


def expire_password(backend: Backend, username: str) -> None:
    backend.store.run("INSERT OR REPLACE INTO password_expired VALUES (?, ?)", username, backend.now())


def _lockout(backend: Backend, username: str) -> LockoutStatus:
    """The account's lock state from its recorded failures, by the policy's numbers (`kiosk.operators`)."""
    policy = LockoutPolicy.from_policy(backend.policy()["operators"])
    now = backend.clock()
    since = policy.keep_since(now).timestamp()
    failures = [
        r["at"]
        for r in backend.store.all(
            "SELECT at FROM login_failures WHERE username = ? AND at >= ? ORDER BY at", username, since
        )
    ]
    return policy.status_at(failures, now.timestamp())


def _open_session(backend: Backend, station_id: str, operator: models.Operator) -> models.Session:
    token = secrets.token_urlsafe(32)
    now = backend.clock()
    expires = now + dt.timedelta(seconds=backend.policy()["operators"]["max_session_s"])
    backend.store.run(
        "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
        token_hash(token),
        operator.operator_id,
        operator.name,
        operator.role,
        operator.auth,
        operator.certificate_number,
        operator.rfc,
        station_id,
        rfc3339(now),
        rfc3339(expires),
    )
    return models.Session(token=token, operator=operator, expires_at=rfc3339(expires))


def _check_password(backend: Backend, username: str, password: str) -> Any:
    """The account's row when the password is right; failures count towards the lockout."""
    locked = _lockout(backend, username)
    if locked.locked:
        raise ApiError("account_locked", f"retry in {locked.seconds_left(backend.clock())} s")
    row = backend.store.one("SELECT * FROM users WHERE username = ?", username)
    if row is None:
        passwords.dummy_verify()
    if row is None or not passwords.verify_password(password, row["password_hash"]):
        backend.store.run("INSERT INTO login_failures VALUES (?, ?)", username, backend.clock().timestamp())
        if _lockout(backend, username).locked:
            raise ApiError("account_locked")
        raise ApiError("invalid_credentials")
    backend.store.run("DELETE FROM login_failures WHERE username = ?", username)
    return row


def password_login(backend: Backend, station_id: str, body: models.PasswordLogin) -> models.Session:
    row = _check_password(backend, body.username, body.password)
    if backend.store.one("SELECT 1 FROM password_expired WHERE username = ?", body.username) is not None:
        raise ApiError("password_expired")
    operator = models.Operator(
        operator_id=row["operator_id"], name=row["name"], role=row["role"], auth="password"
    )
    return _open_session(backend, station_id, operator)


def change_password(backend: Backend, station_id: str, body: models.PasswordChange) -> None:
    """The old password is required (and a wrong one counts towards the lockout); opens no session."""
    _check_password(backend, body.username, body.old_password)
    if not passwords.strong_enough(body.new_password) or body.new_password == body.old_password:
        raise ApiError("weak_password")
    backend.store.run(
        "UPDATE users SET password_hash = ? WHERE username = ?",
        passwords.hash_password(body.new_password),
        body.username,
    )
    backend.store.run("DELETE FROM password_expired WHERE username = ?", body.username)


def fiel_challenge(backend: Backend, station_id: str) -> models.FielChallenge:
    challenge = b"kiosk-fiel-login-v1:" + secrets.token_bytes(32)
    challenge_id = uuid.uuid4().hex
    expires = backend.clock() + CHALLENGE_TTL
    backend.store.run(
        "INSERT INTO challenges VALUES (?, ?, ?, ?, NULL)",
        challenge_id,
        station_id,
        challenge,
        rfc3339(expires),
    )
    return models.FielChallenge(
        challenge_id=challenge_id, challenge=b64(challenge), expires_at=rfc3339(expires)
    )


def trust_anchors(directory: Path) -> list[x509.Certificate]:
    anchors = []
    for path in sorted(directory.glob("*")):
        data = path.read_bytes()
        anchors.append(
            x509.load_pem_x509_certificate(data)
            if b"-----BEGIN" in data
            else x509.load_der_x509_certificate(data)
        )
    return anchors


PINNED_DIR = "fiel-pinned"


def pin_fiel_certificate(backend: Backend, certificate_der: bytes) -> Path:
    """Trust one exact e.firma certificate without its issuer (test deployments: SAT's test FIELs)."""
    import hashlib

    directory = backend.dir / PINNED_DIR
    directory.mkdir(mode=0o700, exist_ok=True)
    path = directory / (hashlib.sha256(certificate_der).hexdigest() + ".cer")
    path.write_bytes(certificate_der)
    return path


def pinned_fiel_certificates(backend: Backend) -> frozenset[str]:
    import hashlib

    directory = backend.dir / PINNED_DIR
    if not directory.is_dir():
        return frozenset()
    return frozenset(hashlib.sha256(p.read_bytes()).hexdigest() for p in directory.glob("*.cer"))


FIEL_CODES = {
    "fiel.expired": "fiel_expired",
    "fiel.not_yet_valid": "fiel_expired",
    "fiel.untrusted": "fiel_untrusted",
    "fiel.no_trust_anchors": "fiel_untrusted",  # a backend that trusts no SAT authority trusts no FIEL
    "fiel.is_csd": "fiel_not_fiel",
}


def fiel_login(backend: Backend, station_id: str, body: models.FielLogin) -> models.Session:
    from kiosk.errors import KioskError
    from kiosk.fiel.verify import verify_challenge

    with backend.store.transaction() as db:
        row = db.execute("SELECT * FROM challenges WHERE challenge_id = ?", (body.challenge_id,)).fetchone()
        if row is None or row["used_at"] or row["station_id"] != station_id:
            raise ApiError("challenge_expired")
        db.execute(
            "UPDATE challenges SET used_at = ? WHERE challenge_id = ?", (backend.now(), body.challenge_id)
        )
    if parse_rfc3339(row["expires_at"]) < backend.clock():
        raise ApiError("challenge_expired")
    try:
        identity = verify_challenge(
            unb64(body.certificate),
            bytes(row["challenge"]),
            unb64(body.signature),
            trust_anchors(backend.fiel_trust_dir),
            backend.clock(),
            pinned=pinned_fiel_certificates(backend),
        )
    except KioskError as exc:
        raise ApiError(FIEL_CODES.get(exc.message.code, "fiel_invalid"), exc.message.code) from None
    except ValueError:
        raise ApiError("fiel_invalid") from None
    operator = models.Operator(
        operator_id=f"fiel-{identity.certificate_number or identity.rfc}",
        name=identity.name,
        role="employer",
        auth="fiel",
        certificate_number=identity.certificate_number,
        rfc=identity.rfc,
    )
    return _open_session(backend, station_id, operator)


def session(backend: Backend, station_id: str, authorization: str | None) -> Any:
    if not authorization or not authorization.startswith("Bearer "):
        raise ApiError("session_expired", "no operator session")
    row = backend.store.one(
        "SELECT * FROM sessions WHERE token_hash = ?", token_hash(authorization[7:].strip())
    )
    if row is None or row["ended_at"] or parse_rfc3339(row["expires_at"]) < backend.clock():
        raise ApiError("session_expired")
    if row["station_id"] != station_id:  # a session is bound to the station it was opened at
        raise ApiError("session_expired", "the session belongs to another station")
    return row


def logout(backend: Backend, station_id: str, authorization: str | None) -> None:
    row = session(backend, station_id, authorization)
    backend.store.run(
        "UPDATE sessions SET ended_at = ? WHERE token_hash = ?", backend.now(), row["token_hash"]
    )


def operator_of(row: Any) -> models.Operator:
    return models.Operator(
        operator_id=row["operator_id"],
        name=row["name"],
        role=row["role"],
        auth=row["auth"],
        certificate_number=row["certificate_number"],
        rfc=row["rfc"],
    )


def authorize(role: str, action: str) -> None:
    """The backend enforces the same permission table as the station (`kiosk.roles`)."""
    from kiosk.roles import Permission, Role, allowed

    if not allowed(Role(role), Permission(action)):
        raise ApiError("forbidden", f"a {role} may not {action.replace('_', ' ')}")
