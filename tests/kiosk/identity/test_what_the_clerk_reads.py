"""What a check tells the clerk, word for word, and what it keeps of the typed value: registro
patronal, NSS and ages, where a wrong position, character or class would send the clerk astray."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.identity import check_nss, check_registro_patronal
from kiosk.identity.curp import age_on
from kiosk.identity.nss import nss_parts


def said(check: object) -> list[str]:
    return [m.render("en") for m in check.errors]  # type: ignore[attr-defined]


def test_an_empty_registro_patronal() -> None:
    check = check_registro_patronal("  ")
    assert (check.input, check.kind, check.normalized) == ("  ", "registro_patronal", "")
    assert said(check) == ["nothing was entered"]


def test_a_registro_patronal_of_the_wrong_length_keeps_what_was_typed() -> None:
    check = check_registro_patronal("y54-1234")
    assert (check.input, check.kind, check.normalized) == ("y54-1234", "registro_patronal", "Y541234")
    assert said(check) == ["this registro patronal has 7 characters; it needs 11 (a letter and 10 digits)"]


def test_each_wrong_character_of_a_registro_patronal_is_named_with_its_class() -> None:
    check = check_registro_patronal("&5412345K06")
    assert check.kind == "registro_patronal" and not check.valid
    assert said(check) == [
        "the 1st character is '&' but must be a letter (A-Z)",
        "the 9th character is 'K' but must be a digit (0-9)",
    ]


def test_an_nss_of_the_wrong_length_or_with_letters() -> None:
    assert said(check_nss("1234")) == ["this NSS has 4 digits; it needs 11"]
    assert said(check_nss("12A4")) == ["this NSS has 4 characters; it needs 11 digits"]
    assert said(check_nss("")) == ["nothing was entered"]


def test_the_parts_of_an_nss_and_a_short_one_refused() -> None:
    parts = nss_parts("0190-85-1234-5")
    assert (
        parts.subdelegation,
        parts.registration_year,
        parts.birth_year,
        parts.serial,
        parts.check_digit,
    ) == (
        "01",
        "90",
        "85",
        "1234",
        "5",
    )
    with pytest.raises(ValueError, match=r"^an NSS has 11 digits$"):
        nss_parts("0190851234")


@pytest.mark.parametrize(
    ("born", "today", "age"),
    [
        (date(2007, 3, 1), date(2025, 3, 1), 18),  # the birthday itself
        (date(2007, 3, 2), date(2025, 3, 1), 17),  # the day before
        (date(2007, 2, 28), date(2025, 3, 1), 18),
        (date(1985, 12, 31), date(2025, 1, 1), 39),
    ],
)
def test_age_on_a_day(born: date, today: date, age: int) -> None:
    assert age_on(born, today) == age


def test_an_empty_nss_keeps_what_was_typed() -> None:
    check = check_nss(" ")
    assert (check.input, check.kind, check.normalized) == (" ", "nss", "")


def test_a_registro_patronal_read_with_look_alikes_keeps_the_typed_value() -> None:
    check = check_registro_patronal("y54-1234510O")
    assert check.input == "y54-1234510O" and check.normalized == "Y5412345100" and check.valid
    assert [w.render("en") for w in check.warnings] == ["the 11th character was typed 'O' and taken as '0'"]


def test_a_date_that_does_not_exist_is_named_with_its_characters() -> None:
    from kiosk.identity import check_curp

    check = check_curp(curp_with_date("081312"))
    problems = [m for m in check.errors if m.code == "identity.bad_date"]
    assert [m.render("en") for m in problems] == [
        "characters 5 to 10, '081312', are not a real date (year, month, day)"
    ]
    assert check.to_json("en")["errors"][0]["position"] == 5


def curp_with_date(digits: str) -> str:
    from kiosk.identity.curp import check_digit

    first17 = "GOMA" + digits + "HDFRRNA"
    return first17 + check_digit(first17)


@pytest.mark.parametrize("typed", ["GOMA080512", "GOMA", "GOMAXX0512HDFRRNA5"])
def test_a_curp_without_a_birth_date_says_so(typed: str) -> None:
    from kiosk.errors import KioskError
    from kiosk.identity.curp import curp_birth_date

    with pytest.raises(KioskError) as caught:
        curp_birth_date(typed.lower())
    assert caught.value.render("en") == f"the CURP '{typed}' holds no valid birth date"


def test_warnings_reach_the_json_in_the_language_asked() -> None:
    check = check_registro_patronal("y54-1234510O")
    warning = check.to_json("en")["warnings"]
    assert warning == [
        {
            "code": "identity.corrected",
            "text": "the 11th character was typed 'O' and taken as '0'",
            "position": 11,
        }
    ]
    assert check.to_json("es_MX")["warnings"][0]["text"] != warning[0]["text"]


def test_an_rfc_of_thirteen_characters_is_a_person_s_and_of_twelve_a_company_s() -> None:
    from kiosk.identity.rfc import rfc_kind

    assert rfc_kind("GODE-561231-GR8") == "person"
    assert rfc_kind("abc 680524 p76") == "company"
