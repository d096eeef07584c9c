"""Signing operators in and out at the station: password or e.firma, online or (within the policy) offline.

The backend decides online logins (it holds the accounts, the lockout and the SAT trust anchors); the
station remembers a verifier of each successful online login (`verifiers`) so that, when the backend
cannot be reached, an operator seen online recently can still work. Every attempt, good or bad, online
or offline, goes into the audit log. The same object checks a supervisor's credential when one
confirms something over a clerk's session (`verify`), so the screens and `kiosk enrol` share one path.
Each method may block on the network: the window runs them as background jobs.
"""

from __future__ import annotations

import base64
import contextlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kiosk.api import models
from kiosk.audit import events
from kiosk.audit.log import AuditLog
from kiosk.client.backend import BackendClient
from kiosk.client.http import BackendError
from kiosk.errors import KioskError
from kiosk.operators.lockout import LockoutPolicy
from kiosk.operators.override import VerifiedOperator
from kiosk.operators.session import OperatorSession
from kiosk.operators.verifiers import (
    Remembered,
    VerifierCache,
    certificate_verifier,
    check_password,
    password_verifier,
)
from kiosk.packet.signing import OperatorSigner
from kiosk.roles import AuthMethod, parse_role

OFFLINE_CODES = frozenset({"backend.unreachable", "backend.timeout"})


def is_offline(exc: BaseException) -> bool:
    """The backend could not be reached at all (not: it answered no, or its certificate is wrong)."""
    return isinstance(exc, BackendError) and exc.api_code is None and exc.message.code in OFFLINE_CODES


def _minutes(seconds: float) -> int:
    """What a locked operator is told to wait: whole minutes, rounded up, never 0."""
    return max(1, math.ceil(seconds / 60))


@dataclass
class OperatorLogin:
    """An operator at work: the station-side session, the backend's token (None offline), the FIEL."""

    session: OperatorSession
    token: str | None
    name: str
    signer: OperatorSigner | None = None
    offline: bool = False

    @property
    def operator_id(self) -> str:
        return self.session.operator_id

    @property
    def role(self) -> str:
        return self.session.role.value


class Authenticator:
    def __init__(
        self,
        *,
        station_id: str,
        client: BackendClient | None,
        audit: AuditLog,
        policy: models.Policy,
        data_dir: Path,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.station_id = station_id
        self.client = client
        self.audit = audit
        self.policy = policy
        self.cache = VerifierCache(data_dir)
        self.clock = clock
        self.lockout = LockoutPolicy.from_policy(policy.operators.model_dump())

    # -- password -------------------------------------------------------------------------------------------
    def password(self, username: str, password: str) -> OperatorLogin:
        username = username.strip()
        if not username or not password:
            raise KioskError("operators.missing_credentials")
        try:
            session = self._online(lambda c: c.password_login(username, password))
        except BackendError as exc:
            if not is_offline(exc):
                self._failed(username, exc)
                raise
            return self._offline(username, lambda e: check_password(password, e.verifier), "password")
        login = self._opened(session, "password")
        self.cache.remember(
            Remembered(
                username,
                session.operator.operator_id,
                session.operator.name,
                session.operator.role,
                "password",
                password_verifier(password),
                self.clock(),
            )
        )
        return login

    def change_password(self, username: str, old: str, new: str) -> None:
        username = username.strip()  # the audit log names the account as the login does
        if self.client is None:
            raise KioskError("operators.change_needs_backend")
        try:
            self.client.change_password(username, old, new)
        except BackendError as exc:
            self._failed(username, exc)
            raise
        self.audit.append(events.PASSWORD_CHANGED, actor=username, fields={"station": self.station_id})
        self.cache.forget(username)

    # -- e.firma --------------------------------------------------------------------------------------------
    def fiel(self, certificate: bytes, key: bytes, password: str) -> OperatorLogin:
        from kiosk.fiel.credential import load_fiel

        # Wrong password, expired certificate: said here, on the station's clock.
        fiel = load_fiel(certificate, key, password, datetime.fromtimestamp(self.clock(), UTC))
        number = fiel.certificate.certificate_number
        cache_key = f"fiel:{number}"
        try:

            def login(client: BackendClient) -> models.Session:
                challenge = client.fiel_challenge()
                signature = fiel.sign(base64.b64decode(challenge.challenge))
                return client.fiel_login(challenge.challenge_id, fiel.cert_der, signature)

            session = self._online(login)
        except BackendError as exc:
            if not is_offline(exc):
                self._failed(cache_key, exc)
                raise
            signed = self._offline(
                cache_key, lambda e: e.verifier == certificate_verifier(fiel.cert_der), "fiel"
            )
            signed.signer = OperatorSigner(fiel.cert_der, fiel.sign)
            return signed
        signed = self._opened(session, "fiel")
        signed.signer = OperatorSigner(fiel.cert_der, fiel.sign)
        operator = session.operator
        self.cache.remember(
            Remembered(
                cache_key,
                operator.operator_id,
                operator.name,
                operator.role,
                "fiel",
                certificate_verifier(fiel.cert_der),
                self.clock(),
                operator.certificate_number,
                operator.rfc,
            )
        )
        return signed

    # -- out ------------------------------------------------------------------------------------------------
    def logout(self, login: OperatorLogin, reason: str = "logout") -> None:
        """End the session here and at the backend (best effort: a backend that is down forgets it later)."""
        if not login.session.active:
            return
        event = events.IDLE_LOGOUT if reason == "idle" else events.LOGOUT
        login.session.record(self.audit, event, {"reason": reason})
        login.session.end(reason)
        login.signer = None  # the e.firma's key goes with the session
        if login.token is not None and self.client is not None:
            with contextlib.suppress(KioskError):  # the backend's session expires on its own
                self.client.logout(login.token)
        self.audit.checkpoint()

    # -- a second person's credential (supervisor confirmations) --------------------------------------------
    def verify(self, username: str, password: str) -> VerifiedOperator | None:
        """Who this credential belongs to, without opening a session for them (None: wrong credential)."""
        try:
            session = self._online(lambda c: c.password_login(username, password))
        except BackendError as exc:
            if exc.api_code == "invalid_credentials":
                return None
            if not is_offline(exc):
                raise
            entry = self.cache.get(username)
            if entry is None or not self._fresh(entry):
                raise KioskError("operators.offline_unknown", user=username) from None
            if not check_password(password, entry.verifier):
                return None
            return VerifiedOperator(entry.operator_id, parse_role(entry.role), entry.name)
        if self.client is not None:
            with contextlib.suppress(KioskError):
                self.client.logout(session.token)
        operator = session.operator
        # An online check is as good as a login: remembered, so this person can confirm offline later.
        self.cache.remember(
            Remembered(
                username,
                operator.operator_id,
                operator.name,
                operator.role,
                "password",
                password_verifier(password),
                self.clock(),
            )
        )
        return VerifiedOperator(operator.operator_id, parse_role(operator.role), operator.name)

    # -- internals ------------------------------------------------------------------------------------------
    def _online(self, call: Callable[[BackendClient], models.Session]) -> models.Session:
        if self.client is None:
            raise BackendError("backend.unreachable", retryable=True, url="-")
        return call(self.client)

    def _opened(self, session: models.Session, method: str) -> OperatorLogin:
        operator = session.operator
        station_session = OperatorSession.start(
            operator_id=operator.operator_id,
            role=operator.role,
            station_id=self.station_id,
            auth_method=AuthMethod(method),
            certificate_number=operator.certificate_number,
            name=operator.name,
        )
        station_session.record(self.audit, events.LOGIN, {"offline": False, "method": method})
        return OperatorLogin(station_session, session.token, operator.name)

    def _failed(self, who: str, exc: BackendError) -> None:
        event = events.LOCKED_OUT if exc.api_code == "account_locked" else events.LOGIN_FAILED
        self.audit.append(event, actor=who, fields={"why": exc.api_code or exc.message.code})

    def _fresh(self, entry: Remembered) -> bool:
        window = self.policy.offline.login_window_s
        return window > 0 and self.clock() - entry.last_online_at <= window

    def _offline(self, key: str, matches: Callable[[Remembered], bool], method: str) -> OperatorLogin:
        if self.policy.offline.login_window_s <= 0:
            raise KioskError("operators.offline_not_allowed")
        entry = self.cache.get(key)
        if entry is None:
            self.audit.append(events.LOGIN_FAILED, actor=key, fields={"why": "offline_unknown"})
            raise KioskError("operators.offline_unknown", user=key)
        now = self.clock()
        status = self.lockout.status_at(entry.failures, now)
        if status.locked:
            self.audit.append(events.LOCKED_OUT, actor=key, fields={"offline": True})
            raise KioskError(
                "operators.locked", minutes=_minutes(status.seconds_left(datetime.fromtimestamp(now, UTC)))
            )
        if not matches(entry):
            failures = self.cache.record_failure(key, now)
            self.audit.append(events.LOGIN_FAILED, actor=key, fields={"why": "offline_credentials"})
            if self.lockout.status_at(failures, now).locked:
                raise KioskError("operators.locked", minutes=_minutes(self.lockout.lock_for.total_seconds()))
            raise KioskError("operators.bad_credentials")
        if not self._fresh(entry):
            hours = int(now - entry.last_online_at) // 3600
            self.audit.append(events.LOGIN_FAILED, actor=key, fields={"why": "offline_too_old"})
            raise KioskError(
                "operators.offline_too_old", hours=hours, limit=self.policy.offline.login_window_s // 3600
            )
        self.cache.clear_failures(key)
        session = OperatorSession.start(
            operator_id=entry.operator_id,
            role=entry.role,
            station_id=self.station_id,
            auth_method=AuthMethod(method),
            certificate_number=entry.certificate_number,
            name=entry.name,
        )
        session.record(self.audit, events.LOGIN, {"offline": True, "method": method})
        return OperatorLogin(session, None, entry.name, offline=True)
