"""Logging operators in at the station: online through the backend, offline from what the station
remembered of the last online login, and every attempt in the audit log with the exact reason.

A fake backend stands in for the reference one (`tests/kiosk/enrol/test_flow_backend.py` logs in
against the real one): it checks what the station sends (the credential, the FIEL signature over its
challenge) and can drop off the network, lock an account or refuse a logout, so each branch of the
authenticator can be reached and each boundary of the policy (offline window, lockout) tried.
"""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from kiosk.api import models
from kiosk.audit import AuditLog
from kiosk.audit.log import AuditEntry
from kiosk.client.http import BackendError
from kiosk.errors import KioskError
from kiosk.operators.login import OFFLINE_CODES, Authenticator, OperatorLogin, is_offline
from kiosk.operators.override import VerifiedOperator
from kiosk.operators.verifiers import Remembered, VerifierCache, certificate_verifier, check_password
from kiosk.policy import default_policy
from kiosk.roles import AuthMethod, Role

NOW = 1_796_000_000.0  # 2026-11-29, POSIX seconds: the authenticator's clock
HOUR = 3600
WINDOW = 24 * HOUR  # the default policy's offline login window
CLERK_PASSWORD = "clave-de-ventanilla-1"
SUPERVISOR_PASSWORD = "clave-de-supervision-2"
CLERK = models.Operator(operator_id="op-clerk", name="Juana Pérez", role="clerk", auth="password")
SUPERVISOR = models.Operator(operator_id="op-sup", name="María López", role="supervisor", auth="password")
FIEL_PASSWORD = "12345678a"
CHALLENGE = b"challenge bytes the backend chose"


def unreachable() -> BackendError:
    return BackendError("backend.unreachable", retryable=True, url="https://backend.test")


@dataclass
class FakeBackend:
    """The backend's login endpoints, with the reference backend's error codes."""

    accounts: dict[str, tuple[str, models.Operator]] = field(default_factory=dict)
    fiel_operator: models.Operator | None = None
    down: BackendError | None = None
    locked: set[str] = field(default_factory=set)
    refuse_logout: bool = False
    logins: list[tuple[str, str]] = field(default_factory=list)
    logged_out: list[str] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)
    fiel_logins: list[tuple[str, bytes]] = field(default_factory=list)

    def _session(self, operator: models.Operator) -> models.Session:
        return models.Session(
            token=f"token-{len(self.logins) + len(self.fiel_logins)}",
            operator=operator,
            expires_at="2026-11-29T18:00:00.000Z",
        )

    def _account(self, username: str, password: str) -> models.Operator:
        if self.down is not None:
            raise self.down
        if username in self.locked:
            raise BackendError("backend.error.account_locked", retryable=False, api_code="account_locked")
        account = self.accounts.get(username)
        if account is None or account[0] != password:
            raise BackendError(
                "backend.error.invalid_credentials", retryable=False, api_code="invalid_credentials"
            )
        return account[1]

    def password_login(self, username: str, password: str) -> models.Session:
        self.logins.append((username, password))
        return self._session(self._account(username, password))

    def change_password(self, username: str, old: str, new: str) -> None:
        self._account(username, old)
        self.changed.append((username, old, new))

    def fiel_challenge(self) -> models.FielChallenge:
        if self.down is not None:
            raise self.down
        return models.FielChallenge(
            challenge_id="challenge-7",
            challenge=base64.b64encode(CHALLENGE).decode(),
            expires_at="2026-11-29T09:05:00.000Z",
        )

    def fiel_login(self, challenge_id: str, certificate_der: bytes, signature: bytes) -> models.Session:
        assert challenge_id == "challenge-7"
        key = x509.load_der_x509_certificate(certificate_der).public_key()
        assert isinstance(key, rsa.RSAPublicKey)
        key.verify(signature, CHALLENGE, padding.PKCS1v15(), hashes.SHA256())  # raises when wrong
        self.fiel_logins.append((challenge_id, certificate_der))
        if self.fiel_operator is None:
            raise BackendError("backend.error.fiel_untrusted", retryable=False, api_code="fiel_untrusted")
        return self._session(self.fiel_operator)

    def logout(self, token: str) -> None:
        self.logged_out.append(token)
        if self.refuse_logout:
            raise unreachable()


@dataclass
class Station:
    backend: FakeBackend
    audit: AuditLog
    data_dir: Path
    clock: list[float]
    window: int = WINDOW

    def authenticator(
        self, online: bool = True, window: int | None = None, **operators: int
    ) -> Authenticator:
        document = default_policy(1, datetime.fromtimestamp(NOW, UTC))
        document["offline"]["login_window_s"] = self.window if window is None else window
        document["operators"].update(operators)
        return Authenticator(
            station_id="st-01",
            client=self.backend if online else None,  # type: ignore[arg-type]
            audit=self.audit,
            policy=models.Policy.model_validate(document),
            data_dir=self.data_dir,
            clock=lambda: self.clock[0],
        )

    def entries(self) -> list[AuditEntry]:
        return list(self.audit.entries())

    def last(self) -> AuditEntry:
        return self.entries()[-1]

    def cached(self, key: str) -> Remembered:
        entry = VerifierCache(self.data_dir).get(key)
        assert entry is not None
        return entry


@pytest.fixture
def station(tmp_path: Path) -> Station:
    backend = FakeBackend(
        accounts={"ventanilla": (CLERK_PASSWORD, CLERK), "supervisora": (SUPERVISOR_PASSWORD, SUPERVISOR)}
    )
    audit = AuditLog(tmp_path / "audit", sign=lambda data: b"s" * 64, checkpoint_every=1000)
    return Station(backend, audit, tmp_path / "data", [NOW])


def refused(call: object, *args: object) -> KioskError:
    with pytest.raises(KioskError) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value


def seen_online(station: Station, username: str = "ventanilla", password: str = CLERK_PASSWORD) -> None:
    """An online login now, then the network drops."""
    login = station.authenticator().password(username, password)
    station.authenticator().logout(login)
    station.backend.down = unreachable()


# -- which failures mean "offline" ---------------------------------------------------------------------------


def test_only_a_backend_that_cannot_be_reached_is_offline() -> None:
    assert {"backend.unreachable", "backend.timeout"} == OFFLINE_CODES
    assert is_offline(BackendError("backend.unreachable", retryable=True, url="-"))
    assert is_offline(BackendError("backend.timeout", retryable=True, url="-"))
    # It answered (a contract code), or it is the wrong server: not offline, whatever the message says.
    assert not is_offline(BackendError("backend.unreachable", retryable=True, api_code="internal"))
    assert not is_offline(BackendError("backend.untrusted", retryable=False, url="-"))
    assert not is_offline(KioskError("backend.unreachable", url="-"))


# -- password, online ----------------------------------------------------------------------------------------


def test_an_online_password_login_opens_a_session_audits_it_and_remembers_a_verifier(
    station: Station,
) -> None:
    login = station.authenticator().password("  ventanilla ", CLERK_PASSWORD)
    assert station.backend.logins == [("ventanilla", CLERK_PASSWORD)]
    assert isinstance(login, OperatorLogin)
    assert (login.token, login.name, login.offline, login.signer) == ("token-1", "Juana Pérez", False, None)
    assert login.operator_id == "op-clerk" and login.role == "clerk"
    session = login.session
    assert (session.operator_id, session.role, session.station_id) == ("op-clerk", Role.CLERK, "st-01")
    assert session.auth_method is AuthMethod.PASSWORD and session.name == "Juana Pérez"
    assert session.certificate_number is None and session.active
    entry = station.last()
    assert (entry.event, entry.actor, entry.role) == ("login", "op-clerk", "clerk")
    assert entry.fields == {"session": session.session_id, "offline": False, "method": "password"}
    remembered = station.cached("ventanilla")
    assert remembered.key == "ventanilla" and remembered.auth == "password"
    assert (remembered.operator_id, remembered.name, remembered.role) == ("op-clerk", "Juana Pérez", "clerk")
    assert remembered.last_online_at == NOW and remembered.failures == []
    assert remembered.certificate_number is None and remembered.rfc is None
    assert check_password(CLERK_PASSWORD, remembered.verifier)
    assert CLERK_PASSWORD not in (station.data_dir / "operators.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(("username", "password"), [("", "x"), ("   ", "x"), ("ventanilla", "")])
def test_a_missing_user_name_or_password_is_refused_before_asking_the_backend(
    station: Station, username: str, password: str
) -> None:
    error = refused(station.authenticator().password, username, password)
    assert error.message.code == "operators.missing_credentials"
    assert station.backend.logins == [] and station.entries() == []


def test_a_wrong_password_online_is_audited_with_the_backend_s_code_and_not_remembered(
    station: Station,
) -> None:
    error = refused(station.authenticator().password, "ventanilla", "not-it")
    assert isinstance(error, BackendError) and error.api_code == "invalid_credentials"
    entry = station.last()
    assert (entry.event, entry.actor, entry.fields) == (
        "login_failed",
        "ventanilla",
        {"why": "invalid_credentials"},
    )
    assert VerifierCache(station.data_dir).get("ventanilla") is None


def test_a_locked_account_online_is_audited_as_locked_out(station: Station) -> None:
    station.backend.locked.add("ventanilla")
    error = refused(station.authenticator().password, "ventanilla", CLERK_PASSWORD)
    assert error.message.code == "backend.error.account_locked"
    entry = station.last()
    assert (entry.event, entry.actor, entry.fields) == ("locked_out", "ventanilla", {"why": "account_locked"})


def test_a_backend_that_answers_wrongly_is_not_taken_for_offline(station: Station) -> None:
    seen_online(station)
    station.backend.down = BackendError("backend.untrusted", retryable=False, url="https://backend.test")
    error = refused(station.authenticator().password, "ventanilla", CLERK_PASSWORD)
    assert error.message.code == "backend.untrusted"
    entry = station.last()
    assert (entry.event, entry.actor, entry.fields) == (
        "login_failed",
        "ventanilla",
        {"why": "backend.untrusted"},
    )


# -- password, offline ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(OFFLINE_CODES))
def test_an_operator_seen_online_logs_in_offline_and_it_is_audited_as_offline(
    station: Station, code: str
) -> None:
    seen_online(station)
    station.backend.down = BackendError(code, retryable=True, url="https://backend.test")
    station.clock[0] = NOW + HOUR
    login = station.authenticator().password(" ventanilla", CLERK_PASSWORD)
    assert login.offline and login.token is None and login.name == "Juana Pérez" and login.signer is None
    session = login.session
    assert (session.operator_id, session.role, session.station_id) == ("op-clerk", Role.CLERK, "st-01")
    assert session.auth_method is AuthMethod.PASSWORD and session.name == "Juana Pérez"
    assert session.certificate_number is None
    entry = station.last()
    assert (entry.event, entry.actor, entry.role) == ("login", "op-clerk", "clerk")
    assert entry.fields == {"session": session.session_id, "offline": True, "method": "password"}
    # An offline login is no online login: the window still counts from the last online one.
    assert station.cached("ventanilla").last_online_at == NOW


def test_a_station_without_a_backend_client_logs_in_offline(station: Station) -> None:
    seen_online(station)
    station.backend.down = None
    login = station.authenticator(online=False).password("ventanilla", CLERK_PASSWORD)
    assert login.offline and station.backend.logins == [("ventanilla", CLERK_PASSWORD)]


def test_the_offline_window_holds_to_the_second(station: Station) -> None:
    seen_online(station)
    station.clock[0] = NOW + WINDOW
    assert station.authenticator().password("ventanilla", CLERK_PASSWORD).offline
    station.clock[0] = NOW + WINDOW + 1
    error = refused(station.authenticator().password, "ventanilla", CLERK_PASSWORD)
    assert error.message.code == "operators.offline_too_old"
    assert error.message.params == {"hours": 24, "limit": 24}
    assert error.render("en") == (
        "offline: your last online login was 24 h ago and the policy allows 24 h; connect the station"
    )
    entry = station.last()
    assert (entry.event, entry.actor, entry.fields) == (
        "login_failed",
        "ventanilla",
        {"why": "offline_too_old"},
    )


def test_too_old_says_the_whole_hours_since_the_last_online_login_and_the_limit(station: Station) -> None:
    station.window = 2 * HOUR
    seen_online(station)
    station.clock[0] = NOW + 5 * HOUR - 1
    error = refused(station.authenticator().password, "ventanilla", CLERK_PASSWORD)
    assert error.message.code == "operators.offline_too_old"
    assert error.message.params == {"hours": 4, "limit": 2}


def test_a_one_second_window_still_lets_in_at_once(station: Station) -> None:
    station.window = 1
    seen_online(station)
    assert station.authenticator().password("ventanilla", CLERK_PASSWORD).offline


def test_a_policy_without_offline_logins_refuses_them_before_looking_at_the_cache(station: Station) -> None:
    seen_online(station)
    before = len(station.entries())
    error = refused(station.authenticator(window=0).password, "ventanilla", CLERK_PASSWORD)
    assert error.message.code == "operators.offline_not_allowed" and error.message.params == {}
    assert len(station.entries()) == before


def test_someone_never_seen_online_here_cannot_log_in_offline(station: Station) -> None:
    seen_online(station)
    error = refused(station.authenticator().password, "supervisora", SUPERVISOR_PASSWORD)
    assert error.message.code == "operators.offline_unknown"
    assert error.message.params == {"user": "supervisora"}
    entry = station.last()
    assert (entry.event, entry.actor, entry.fields) == (
        "login_failed",
        "supervisora",
        {"why": "offline_unknown"},
    )


def test_a_wrong_password_offline_counts_and_says_bad_credentials(station: Station) -> None:
    seen_online(station)
    station.clock[0] = NOW + 10
    error = refused(station.authenticator().password, "ventanilla", "not-it")
    assert error.message.code == "operators.bad_credentials"
    entry = station.last()
    assert (entry.event, entry.actor, entry.fields) == (
        "login_failed",
        "ventanilla",
        {"why": "offline_credentials"},
    )
    assert station.cached("ventanilla").failures == [NOW + 10]
    station.clock[0] = NOW + 20
    station.authenticator().password("ventanilla", CLERK_PASSWORD)
    assert station.cached("ventanilla").failures == []  # a success clears them


def test_a_wrong_password_is_refused_as_such_even_after_the_window(station: Station) -> None:
    seen_online(station)
    station.clock[0] = NOW + WINDOW + HOUR
    error = refused(station.authenticator().password, "ventanilla", "not-it")
    assert error.message.code == "operators.bad_credentials"


def test_the_fifth_wrong_password_offline_locks_for_the_policy_s_minutes(station: Station) -> None:
    seen_online(station)
    auth = station.authenticator()
    for attempt in range(4):
        station.clock[0] = NOW + attempt
        assert refused(auth.password, "ventanilla", "not-it").message.code == "operators.bad_credentials"
    station.clock[0] = NOW + 4
    locked = refused(auth.password, "ventanilla", "not-it")
    assert locked.message.code == "operators.locked" and locked.message.params == {"minutes": 15}


@pytest.mark.parametrize(("lockout_s", "minutes"), [(30, 1), (60, 1), (90, 2)])
def test_a_short_lock_is_announced_in_whole_minutes_rounded_up(
    station: Station, lockout_s: int, minutes: int
) -> None:
    seen_online(station)
    auth = station.authenticator(max_failed_logins=1, lockout_s=lockout_s)
    locked = refused(auth.password, "ventanilla", "not-it")
    assert locked.message.code == "operators.locked" and locked.message.params == {"minutes": minutes}
    station.clock[0] = NOW + lockout_s - 1
    still = refused(auth.password, "ventanilla", CLERK_PASSWORD)
    assert still.message.code == "operators.locked" and still.message.params == {"minutes": 1}
    station.clock[0] = NOW + lockout_s
    assert auth.password("ventanilla", CLERK_PASSWORD).offline


@pytest.mark.parametrize(
    ("after", "minutes"),
    [(0, 15), (60, 14), (839, 2), (840, 1), (899, 1)],
)
def test_while_locked_even_the_right_password_is_refused_with_the_minutes_left_rounded_up(
    station: Station, after: int, minutes: int
) -> None:
    seen_online(station)
    auth = station.authenticator()
    for attempt in range(5):
        station.clock[0] = NOW + attempt
        refused(auth.password, "ventanilla", "not-it")
    locked_at = NOW + 4
    station.clock[0] = locked_at + after
    error = refused(auth.password, "ventanilla", CLERK_PASSWORD)
    assert error.message.code == "operators.locked" and error.message.params == {"minutes": minutes}
    entry = station.last()
    assert (entry.event, entry.actor, entry.fields) == ("locked_out", "ventanilla", {"offline": True})
    assert len(station.cached("ventanilla").failures) == 5  # refused while locked: not counted again


def test_the_lock_ends_after_its_length(station: Station) -> None:
    seen_online(station)
    auth = station.authenticator()
    for attempt in range(5):
        station.clock[0] = NOW + attempt
        refused(auth.password, "ventanilla", "not-it")
    station.clock[0] = NOW + 4 + 15 * 60
    assert auth.password("ventanilla", CLERK_PASSWORD).offline


# -- changing a password -------------------------------------------------------------------------------------


def test_a_changed_password_is_audited_and_the_old_verifier_forgotten(station: Station) -> None:
    auth = station.authenticator()
    auth.password("ventanilla", CLERK_PASSWORD)
    auth.password("supervisora", SUPERVISOR_PASSWORD)
    auth.change_password(" ventanilla ", CLERK_PASSWORD, "nueva-clave-3")
    assert station.backend.changed == [("ventanilla", CLERK_PASSWORD, "nueva-clave-3")]
    entry = station.last()
    assert (entry.event, entry.actor, entry.fields) == (
        "password_changed",
        "ventanilla",
        {"station": "st-01"},
    )
    assert VerifierCache(station.data_dir).keys() == ["supervisora"]


def test_a_refused_password_change_is_audited_and_keeps_the_verifier(station: Station) -> None:
    auth = station.authenticator()
    auth.password("ventanilla", CLERK_PASSWORD)
    error = refused(auth.change_password, " ventanilla", "not-it", "nueva-clave-3")
    assert isinstance(error, BackendError) and error.api_code == "invalid_credentials"
    entry = station.last()
    assert (entry.event, entry.actor, entry.fields) == (
        "login_failed",
        "ventanilla",
        {"why": "invalid_credentials"},
    )
    assert VerifierCache(station.data_dir).keys() == ["ventanilla"]


def test_a_password_change_needs_the_backend(station: Station) -> None:
    error = refused(station.authenticator(online=False).change_password, "ventanilla", CLERK_PASSWORD, "n-3")
    assert error.message.code == "operators.change_needs_backend" and station.entries() == []


# -- logging out ---------------------------------------------------------------------------------------------


def test_logout_ends_the_session_here_and_at_the_backend_and_signs_the_log(station: Station) -> None:
    auth = station.authenticator()
    login = auth.password("ventanilla", CLERK_PASSWORD)
    auth.logout(login)
    assert not login.session.active and login.session.end_reason == "logout"
    assert station.backend.logged_out == ["token-1"]
    entry = station.last()
    assert (entry.event, entry.actor, entry.role) == ("logout", "op-clerk", "clerk")
    assert entry.fields == {"session": login.session.session_id, "reason": "logout"}
    assert station.audit.checkpoint() is None  # the logout signed the head already
    auth.logout(login)  # a second logout changes nothing
    assert station.backend.logged_out == ["token-1"] and station.last() == entry


def test_an_idle_logout_is_its_own_event(station: Station) -> None:
    auth = station.authenticator()
    login = auth.password("ventanilla", CLERK_PASSWORD)
    auth.logout(login, "idle")
    assert login.session.end_reason == "idle"
    entry = station.last()
    assert (entry.event, entry.fields["reason"]) == ("idle_logout", "idle")


def test_a_backend_that_fails_at_logout_does_not_stop_it(station: Station) -> None:
    auth = station.authenticator()
    login = auth.password("ventanilla", CLERK_PASSWORD)
    station.backend.refuse_logout = True
    auth.logout(login)
    assert station.backend.logged_out == ["token-1"] and not login.session.active
    assert station.last().event == "logout"


def test_only_a_session_with_a_token_and_a_client_is_logged_out_at_the_backend(station: Station) -> None:
    seen_online(station)
    offline = station.authenticator().password("ventanilla", CLERK_PASSWORD)
    station.backend.down = None  # back, but the offline session has no token there
    station.backend.logged_out.clear()
    station.authenticator().logout(offline)
    online = station.authenticator().password("ventanilla", CLERK_PASSWORD)
    station.authenticator(online=False).logout(online)  # a token but no client: nothing to call
    assert not offline.session.active and not online.session.active
    assert online.token is not None and station.backend.logged_out == []


# -- a supervisor's credential over a clerk's session -------------------------------------------------------


def test_verify_online_names_the_person_logs_the_check_out_and_remembers_them(station: Station) -> None:
    verified = station.authenticator().verify("supervisora", SUPERVISOR_PASSWORD)
    assert verified == VerifiedOperator("op-sup", Role.SUPERVISOR, "María López")
    assert station.backend.logins == [("supervisora", SUPERVISOR_PASSWORD)]
    assert station.backend.logged_out == ["token-1"]  # no session is left open at the backend
    assert station.entries() == []  # the confirmation itself is what the caller audits
    remembered = station.cached("supervisora")
    assert (remembered.operator_id, remembered.name, remembered.role) == (
        "op-sup",
        "María López",
        "supervisor",
    )
    assert remembered.auth == "password" and remembered.last_online_at == NOW
    assert check_password(SUPERVISOR_PASSWORD, remembered.verifier)


def test_verify_online_survives_a_failed_logout(station: Station) -> None:
    station.backend.refuse_logout = True
    assert station.authenticator().verify("supervisora", SUPERVISOR_PASSWORD) is not None


def test_verify_says_none_for_a_wrong_credential_and_raises_for_other_refusals(station: Station) -> None:
    auth = station.authenticator()
    assert auth.verify("supervisora", "not-it") is None
    station.backend.locked.add("supervisora")
    error = refused(auth.verify, "supervisora", SUPERVISOR_PASSWORD)
    assert error.message.code == "backend.error.account_locked"
    assert VerifierCache(station.data_dir).keys() == []


def test_verify_offline_uses_the_remembered_verifier_within_the_window(station: Station) -> None:
    station.authenticator().verify("supervisora", SUPERVISOR_PASSWORD)
    station.backend.down = unreachable()
    station.clock[0] = NOW + WINDOW
    auth = station.authenticator()
    assert auth.verify("supervisora", SUPERVISOR_PASSWORD) == VerifiedOperator(
        "op-sup", Role.SUPERVISOR, "María López"
    )
    assert auth.verify("supervisora", "not-it") is None
    station.clock[0] = NOW + WINDOW + 1
    error = refused(auth.verify, "supervisora", SUPERVISOR_PASSWORD)
    assert error.message.code == "operators.offline_unknown" and error.message.params == {
        "user": "supervisora"
    }


def test_verify_offline_refuses_someone_unknown_or_any_policy_without_offline_logins(
    station: Station,
) -> None:
    station.authenticator().verify("supervisora", SUPERVISOR_PASSWORD)
    station.backend.down = unreachable()
    unknown = refused(station.authenticator().verify, "otra", SUPERVISOR_PASSWORD)
    assert unknown.message.code == "operators.offline_unknown" and unknown.message.params == {"user": "otra"}
    closed = refused(station.authenticator(window=0).verify, "supervisora", SUPERVISOR_PASSWORD)
    assert closed.message.code == "operators.offline_unknown"


def test_verify_offline_with_a_one_second_window(station: Station) -> None:
    station.window = 1
    station.authenticator().verify("supervisora", SUPERVISOR_PASSWORD)
    station.backend.down = unreachable()
    assert station.authenticator().verify("supervisora", SUPERVISOR_PASSWORD) is not None


def test_verify_raises_when_the_backend_answers_wrongly(station: Station) -> None:
    station.authenticator().verify("supervisora", SUPERVISOR_PASSWORD)
    station.backend.down = BackendError("backend.untrusted", retryable=False, url="https://backend.test")
    error = refused(station.authenticator().verify, "supervisora", SUPERVISOR_PASSWORD)
    assert error.message.code == "backend.untrusted"


# -- e.firma -------------------------------------------------------------------------------------------------


@pytest.fixture
def fiel_files(shared_data: Path) -> tuple[bytes, bytes]:
    folder = shared_data / "sat-test-credentials" / "fake-fiel-EKU9003173C9"
    return (folder / "EKU9003173C9.cer").read_bytes(), (folder / "EKU9003173C9.key").read_bytes()


FIEL_NUMBER = "30001000000500003415"
EMPLOYER = models.Operator(
    operator_id="EKU9003173C9",
    name="ESCUELA KEMPER URGATE",
    role="employer",
    auth="fiel",
    certificate_number=FIEL_NUMBER,
    rfc="EKU9003173C9",
)


@pytest.fixture
def fiel_station(station: Station) -> Iterator[Station]:
    station.backend.fiel_operator = EMPLOYER
    yield station


def test_a_fiel_login_signs_the_backend_s_challenge_and_keeps_the_signer(
    fiel_station: Station, fiel_files: tuple[bytes, bytes]
) -> None:
    cer, key = fiel_files
    login = fiel_station.authenticator().fiel(cer, key, FIEL_PASSWORD)
    assert fiel_station.backend.fiel_logins == [("challenge-7", cer)]  # the signature was checked
    assert login.role == "employer" and login.token == "token-1" and not login.offline
    session = login.session
    assert session.auth_method is AuthMethod.FIEL and session.certificate_number == FIEL_NUMBER
    assert session.operator_id == "EKU9003173C9" and session.name == "ESCUELA KEMPER URGATE"
    assert login.signer is not None and login.signer.certificate_der == cer
    signature = login.signer.sign(b"a packet digest")
    public = x509.load_der_x509_certificate(cer).public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    public.verify(signature, b"a packet digest", padding.PKCS1v15(), hashes.SHA256())
    entry = fiel_station.last()
    assert entry.event == "login" and entry.fields == {
        "session": session.session_id,
        "offline": False,
        "method": "fiel",
    }
    remembered = fiel_station.cached(f"fiel:{FIEL_NUMBER}")
    assert remembered.key == f"fiel:{FIEL_NUMBER}" and remembered.auth == "fiel"
    assert (remembered.operator_id, remembered.name, remembered.role) == (
        "EKU9003173C9",
        "ESCUELA KEMPER URGATE",
        "employer",
    )
    assert remembered.verifier == certificate_verifier(cer) and remembered.last_online_at == NOW
    assert (remembered.certificate_number, remembered.rfc) == (FIEL_NUMBER, "EKU9003173C9")
    fiel_station.authenticator().logout(login)
    assert login.signer is None  # the key goes with the session


def test_a_fiel_the_backend_does_not_trust_is_audited_under_its_number(
    station: Station, fiel_files: tuple[bytes, bytes]
) -> None:
    cer, key = fiel_files
    error = refused(station.authenticator().fiel, cer, key, FIEL_PASSWORD)
    assert error.message.code == "backend.error.fiel_untrusted"
    entry = station.last()
    assert (entry.event, entry.actor, entry.fields) == (
        "login_failed",
        f"fiel:{FIEL_NUMBER}",
        {"why": "fiel_untrusted"},
    )


def test_a_fiel_seen_online_logs_in_offline_and_still_signs(
    fiel_station: Station, fiel_files: tuple[bytes, bytes]
) -> None:
    cer, key = fiel_files
    fiel_station.authenticator().fiel(cer, key, FIEL_PASSWORD)
    fiel_station.backend.down = unreachable()
    fiel_station.clock[0] = NOW + HOUR
    login = fiel_station.authenticator().fiel(cer, key, FIEL_PASSWORD)
    assert login.offline and login.token is None and login.role == "employer"
    assert login.session.certificate_number == FIEL_NUMBER and login.session.auth_method is AuthMethod.FIEL
    assert login.signer is not None and login.signer.certificate_der == cer
    public = x509.load_der_x509_certificate(cer).public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    public.verify(login.signer.sign(b"digest"), b"digest", padding.PKCS1v15(), hashes.SHA256())
    entry = fiel_station.last()
    assert entry.event == "login" and entry.fields["offline"] is True and entry.fields["method"] == "fiel"


def test_an_offline_fiel_must_be_the_certificate_seen_online(
    fiel_station: Station, fiel_files: tuple[bytes, bytes]
) -> None:
    cer, key = fiel_files
    fiel_station.authenticator().fiel(cer, key, FIEL_PASSWORD)
    cache = VerifierCache(fiel_station.data_dir)
    entry = fiel_station.cached(f"fiel:{FIEL_NUMBER}")
    entry.verifier = certificate_verifier(b"another certificate with the same number")
    cache.remember(entry)
    fiel_station.backend.down = unreachable()
    error = refused(fiel_station.authenticator().fiel, cer, key, FIEL_PASSWORD)
    assert error.message.code == "operators.bad_credentials"
    assert fiel_station.last().fields == {"why": "offline_credentials"}


def test_a_fiel_with_the_wrong_password_never_reaches_the_backend(
    fiel_station: Station, fiel_files: tuple[bytes, bytes]
) -> None:
    cer, key = fiel_files
    error = refused(fiel_station.authenticator().fiel, cer, key, "not-the-password")
    assert error.message.code.startswith("fiel.") and fiel_station.backend.fiel_logins == []


@pytest.fixture
def mexico_city_time() -> Iterator[None]:
    """The machine's zone six hours behind UTC (a station in Mexico City): naive local times go wrong."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "CST6"
    time.tzset()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


@pytest.mark.usefixtures("mexico_city_time")
def test_the_fiel_s_validity_is_judged_on_the_station_s_clock_in_utc(
    fiel_station: Station, fiel_files: tuple[bytes, bytes]
) -> None:
    cer, key = fiel_files
    valid_to = datetime(2027, 5, 17, 4, 37, 14, tzinfo=UTC).timestamp()  # the SAT test certificate's end
    fiel_station.clock[0] = valid_to + 1
    error = refused(fiel_station.authenticator().fiel, cer, key, FIEL_PASSWORD)
    assert error.message.code == "fiel.expired" and fiel_station.backend.fiel_logins == []
    fiel_station.clock[0] = valid_to
    assert fiel_station.authenticator().fiel(cer, key, FIEL_PASSWORD).role == "employer"
