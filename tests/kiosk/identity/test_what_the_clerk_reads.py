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
