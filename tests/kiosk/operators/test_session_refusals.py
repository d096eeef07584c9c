"""What a refused session says: the role, the method or the certificate number that was wrong, and
the station it is bound to, so the technician reading the message knows what to fix."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.errors import KioskError
from kiosk.operators.session import OperatorSession
from kiosk.roles import AuthMethod, Role

AT = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
CERT = "30001000000500003416"


def refusal(make: object) -> KioskError:
    with pytest.raises(KioskError) as caught:
        make()  # type: ignore[operator]
    return caught.value


def test_an_unknown_method_names_the_role_and_the_method_when_built_directly() -> None:
    error = refusal(lambda: OperatorSession("jperez", Role.CLERK, "st-01", "sms", AT))  # type: ignore[arg-type]
    assert error.message.code == "roles.wrong_auth_method"
    assert error.message.params == {"role": "clerk", "method": "sms"}


def test_an_unknown_method_names_the_role_and_the_method_when_started() -> None:
    error = refusal(
        lambda: OperatorSession.start(
            operator_id="jperez", role="clerk", station_id="st-01", auth_method="sms"
        )
    )
    assert error.message.code == "roles.wrong_auth_method"
    assert error.message.params == {"role": "clerk", "method": "sms"}


@pytest.mark.parametrize("number", [None, "123", "3000100000050000341X"])
def test_a_fiel_session_needs_the_twenty_digit_number_and_says_what_it_got(number: str | None) -> None:
    error = refusal(
        lambda: OperatorSession.start(
            operator_id="EKU9003173C9",
            role="employer",
            station_id="st-01",
            auth_method="fiel",
            certificate_number=number,
        )
    )
    assert error.message.code == "operators.bad_certificate_number"
    assert error.message.params == {"value": str(number)}


def test_a_password_session_with_a_certificate_number_says_which() -> None:
    error = refusal(
        lambda: OperatorSession.start(
            operator_id="jperez",
            role="clerk",
            station_id="st-01",
            auth_method="password",
            certificate_number=CERT,
        )
    )
    assert error.message.code == "operators.bad_certificate_number" and error.message.params == {
        "value": CERT
    }


def test_started_sessions_keep_the_name_and_the_method() -> None:
    session = OperatorSession.start(
        operator_id="jperez",
        role=Role.CLERK,
        station_id="st-01",
        auth_method=AuthMethod.PASSWORD,
        name="Juana Pérez",
        clock=lambda: AT,
    )
    assert session.name == "Juana Pérez" and session.started_at == AT
    assert session.auth_method is AuthMethod.PASSWORD


def test_another_station_is_named_with_the_one_the_session_is_bound_to() -> None:
    session = OperatorSession.start(
        operator_id="jperez", role="clerk", station_id="st-01", auth_method="password"
    )
    error = refusal(lambda: session.use("st-02"))
    assert error.message.code == "operators.wrong_station"
    assert error.message.params == {"station": "st-02", "bound": "st-01"}
