"""Operators at the reference backend over HTTPS: password login, lockout, password change, sessions
bound to a station and to time, roles; and what sessions are for: lookups, devices, diagnostics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.api import models
from kiosk.backend import operators, passwords
from kiosk.backend.errors import ApiError
from kiosk.backend.operators import add_user
from kiosk.backend.server import Running, start_in_thread
from kiosk.backend.service import Backend
from kiosk.client.http import BackendError
from kiosk.clock import parse_rfc3339
from tests.kiosk.backend.support import (
    PASSWORDS,
    PERSON_CURP,
    PERSON_NSS,
    Joined,
    MovableClock,
    add_users,
    join,
)

CLOCK = MovableClock()


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    server = start_in_thread(tmp_path_factory.mktemp("backend"), clock=CLOCK)
    add_users(server)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def window(running: Running, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Joined]:
    station = join(running, tmp_path_factory.mktemp("window"), clock=CLOCK)
    yield station
    station.client.http.close()


@pytest.fixture(scope="module")
def other_window(running: Running, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Joined]:
    station = join(running, tmp_path_factory.mktemp("other-window"), clock=CLOCK, devices=False)
    yield station
    station.client.http.close()


@pytest.fixture(autouse=True)
def _real_time() -> Iterator[None]:
    CLOCK.reset()
    yield
    CLOCK.reset()


def api_code(call: object, *args: object) -> str | None:
    with pytest.raises(BackendError) as caught:
        call(*args)  # type: ignore[operator]
    assert caught.value.message.code == f"backend.error.{caught.value.api_code}"
    return caught.value.api_code


def login(station: Joined, username: str) -> models.Session:
    return station.client.password_login(username, PASSWORDS[username])


def test_a_password_login_opens_a_session_for_the_account(window: Joined) -> None:
    session = login(window, "ventanilla")
    assert session.operator.role == "clerk" and session.operator.auth == "password"
    assert session.operator.certificate_number is None and len(session.token) >= 32
    hours = (parse_rfc3339(session.expires_at) - CLOCK()).total_seconds() / 3600
    assert 9.9 < hours <= 10  # the policy's longest session
    window.client.logout(session.token)


def test_wrong_passwords_and_unknown_users_get_the_same_answer(window: Joined) -> None:
    assert api_code(window.client.password_login, "ventanilla", "not-the-password-1") == "invalid_credentials"
    assert api_code(window.client.password_login, "nadie", "not-the-password-1") == "invalid_credentials"
    login(window, "ventanilla")  # a success clears the failure count


def test_five_failures_in_fifteen_minutes_lock_the_account_for_fifteen_minutes(
    running: Running, window: Joined
) -> None:
    add_user(running.backend, "bloqueo", "Bloqueo", "clerk", "bloqueo-2026")
    for _ in range(4):
        assert api_code(window.client.password_login, "bloqueo", "wrong-guess-1") == "invalid_credentials"
        CLOCK.advance(dt.timedelta(minutes=2))
    assert api_code(window.client.password_login, "bloqueo", "wrong-guess-1") == "account_locked"
    # While locked even the right password is refused, and the refusal does not extend the lock.
    CLOCK.advance(dt.timedelta(minutes=14))
    assert api_code(window.client.password_login, "bloqueo", "bloqueo-2026") == "account_locked"
    CLOCK.advance(dt.timedelta(minutes=1, seconds=1))
    assert window.client.password_login("bloqueo", "bloqueo-2026").operator.name == "Bloqueo"


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(running: Running, window: Joined) -> None:
    add_user(running.backend, "despacio", "Despacio", "clerk", "despacio-2026")
    for _ in range(6):
        assert api_code(window.client.password_login, "despacio", "wrong-guess-1") == "invalid_credentials"
        CLOCK.advance(dt.timedelta(minutes=4))  # never five inside one fifteen-minute window
    assert window.client.password_login("despacio", "despacio-2026").operator.role == "clerk"


def test_a_password_change_needs_the_old_password_and_a_strong_new_one(
    running: Running, window: Joined
) -> None:
    add_user(running.backend, "cambio", "Cambio", "supervisor", "cambio-2026a")
    change = window.client.change_password
    sessions_before = len(running.backend.store.all("SELECT token_hash FROM sessions"))
    assert api_code(change, "cambio", "wrong-old-2026", "nueva-clave-2027") == "invalid_credentials"
    for weak in (
        "corta1",
        "sinnumerosaqui",
        "1234567890123",
        "cambio-2026a",
    ):  # short, no digit, no letter, same
        assert api_code(change, "cambio", "cambio-2026a", weak) == "weak_password", weak
    change("cambio", "cambio-2026a", "nueva-clave-2027")
    assert api_code(window.client.password_login, "cambio", "cambio-2026a") == "invalid_credentials"
    assert window.client.password_login("cambio", "nueva-clave-2027").operator.role == "supervisor"
    # Changing the password opened no session of its own (only the login just above did).
    assert len(running.backend.store.all("SELECT token_hash FROM sessions")) == sessions_before + 1


def test_logout_ends_the_session(window: Joined) -> None:
    session = login(window, "ventanilla")
    assert window.client.lookup(session.token, PERSON_CURP).curp == PERSON_CURP
    window.client.logout(session.token)
    assert api_code(window.client.lookup, session.token, PERSON_CURP) == "session_expired"
    assert api_code(window.client.logout, session.token) == "session_expired"


def test_a_session_is_bound_to_its_station(window: Joined, other_window: Joined) -> None:
    session = login(window, "ventanilla")
    assert api_code(other_window.client.lookup, session.token, PERSON_CURP) == "session_expired"
    assert api_code(other_window.client.logout, session.token) == "session_expired"
    assert window.client.lookup(session.token, PERSON_CURP).curp == PERSON_CURP  # still alive at home


def test_a_session_expires_after_the_policys_longest_session(window: Joined) -> None:
    session = login(window, "ventanilla")
    CLOCK.advance(dt.timedelta(hours=9, minutes=59))
    assert window.client.lookup(session.token, PERSON_CURP).curp == PERSON_CURP
    CLOCK.advance(dt.timedelta(minutes=2))
    assert api_code(window.client.lookup, session.token, PERSON_CURP) == "session_expired"


def test_calls_without_a_session_are_refused(window: Joined) -> None:
    assert api_code(window.client.lookup, "", PERSON_CURP) == "session_expired"
    assert api_code(window.client.lookup, "made-up-token", PERSON_CURP) == "session_expired"
    with pytest.raises(BackendError) as caught:
        window.client.http.call("GET", f"/persons/{PERSON_CURP}", headers={"Authorization": "Basic eDp5"})
    assert caught.value.api_code == "session_expired"


def test_a_technician_never_looks_a_person_up(window: Joined) -> None:
    session = login(window, "tecnico")
    assert api_code(window.client.lookup, session.token, PERSON_CURP) == "forbidden"
    assert api_code(window.client.lookup, session.token, PERSON_NSS) == "forbidden"


def test_a_clerk_cannot_register_devices_or_upload_diagnostics(window: Joined) -> None:
    session = login(window, "ventanilla")
    device = models.DeviceRegistration(
        kind="fingerprint", driver="futronic", vendor="Futronic", model="FS88H", serial="FS88-0001"
    )
    assert api_code(window.client.register_device, session.token, device) == "forbidden"
    assert api_code(window.client.upload_diagnostics, session.token, {"ok": True}) == "forbidden"
    assert "FS88-0001" not in {d.serial for d in window.client.devices()}


def test_a_person_is_found_by_curp_or_nss(window: Joined) -> None:
    for role in ("ventanilla", "supervisora"):
        session = login(window, role)
        by_curp = window.client.lookup(session.token, PERSON_CURP)
        by_nss = window.client.lookup(session.token, PERSON_NSS)
        assert by_curp == by_nss and by_curp.nss == PERSON_NSS
        assert by_curp.biometric_status in ("none", "pending")
        assert window.client.lookup(session.token, PERSON_CURP.lower()).curp == PERSON_CURP


@pytest.mark.parametrize(
    "identifier, code",
    [
        ("GODE561231HDFRRN09", "person_not_found"),
        ("98765432109", "person_not_found"),
        ("12345", "invalid_identifier"),
        ("GODE561231HDFRRN0", "invalid_identifier"),
        ("1234567890A", "invalid_identifier"),
        ("GODE-561231-HDFRRN", "invalid_identifier"),
        # Characters that mean something in a URL stay inside the identifier (and inside the signature).
        ("XEXX%41", "invalid_identifier"),
        ("XEXX010101?nss=1", "invalid_identifier"),
        ("#", "invalid_identifier"),
    ],
)
def test_lookups_that_find_nobody_say_why(window: Joined, identifier: str, code: str) -> None:
    session = login(window, "ventanilla")
    assert api_code(window.client.lookup, session.token, identifier) == code


def test_the_device_registry_belongs_to_the_station(
    running: Running, window: Joined, other_window: Joined
) -> None:
    session = login(window, "tecnico")
    device = models.DeviceRegistration(
        kind="camera", driver="opencv", vendor="Logitech", model="C920", serial="CAM-C920-1"
    )
    stored = window.client.register_device(session.token, device)
    assert stored.serial == "CAM-C920-1" and parse_rfc3339(stored.registered_at)
    moved = device.model_copy(update={"model": "C922"})
    window.client.register_device(session.token, moved)  # the same serial again updates it
    listed = {d.serial: d for d in window.client.devices()}
    assert listed["CAM-C920-1"].model == "C922" and {"SIM-FP-0001", "SIM-CAM-0001"} <= set(listed)
    assert "CAM-C920-1" not in {d.serial for d in other_window.client.devices()}


def test_a_technician_uploads_a_diagnostics_report(running: Running, window: Joined) -> None:
    session = login(window, "tecnico")
    report = {"device": "SIM-FP-0001", "checks": [{"name": "frame_rate", "value": 14.9, "passed": True}]}
    stored = window.client.upload_diagnostics(session.token, report)
    row = running.backend.store.one("SELECT * FROM diagnostics WHERE report_id = ?", stored.report_id)
    assert row is not None and row["station_id"] == window.station_id
    assert '"frame_rate"' in row["report"]


def test_user_names_are_probed_no_faster_than_passwords(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unknown user still costs a password hash (no timing here: the dummy hash is really computed)."""
    calls: list[str] = []
    real = passwords.verify_password

    def counting(password: str, stored: str) -> bool:
        calls.append(stored.split("$")[0])
        return real(password, stored)

    monkeypatch.setattr(passwords, "verify_password", counting)
    backend = Backend(tmp_path / "backend")
    try:
        with pytest.raises(ApiError) as caught:
            operators.password_login(backend, "st-x", models.PasswordLogin(username="ghost", password="x"))
    finally:
        backend.close()
    assert caught.value.code == "invalid_credentials" and calls == ["scrypt"]
