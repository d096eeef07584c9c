from kiosk.identity import check_nss, nss_parts
from kiosk.identity.result import positions


def test_valid_nss() -> None:
    result = check_nss("1234567890-3")
    assert result.valid and result.normalized == "12345678903" and result.kind == "nss"


def test_luhn_failure_names_the_expected_digit() -> None:
    result = check_nss("12345678904")
    assert [m.code for m in result.errors] == ["identity.check_digit"]
    assert result.errors[0].render("en").startswith("the 11th character should be 3")


def test_length_messages() -> None:
    assert check_nss("1234567890").errors[0].render("en") == "this NSS has 10 digits; it needs 11"
    assert check_nss("1234567890").errors[0].render("es_MX") == "este NSS tiene 10 dígitos; necesita 11"
    assert (
        check_nss("12345678901X").errors[0].render("en") == "this NSS has 12 characters; it needs 11 digits"
    )


def test_lookalike_digits_are_corrected() -> None:
    result = check_nss("I2345678903")
    assert result.valid and positions(result.warnings) == [1]


def test_other_letters_are_errors_at_their_position() -> None:
    result = check_nss("12345K78903")
    assert positions(result.errors) == [6]


def test_parts() -> None:
    parts = nss_parts("12345678903")
    assert (
        parts.subdelegation,
        parts.registration_year,
        parts.birth_year,
        parts.serial,
        parts.check_digit,
    ) == (
        "12",
        "34",
        "56",
        "7890",
        "3",
    )
