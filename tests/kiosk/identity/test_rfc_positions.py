"""An RFC's problems, each with its exact message: which character of a person's (13) or a company's
(12) RFC is wrong and what it must be, the date, the inconvenient words, the check digit's warning."""

from __future__ import annotations

import pytest

from kiosk.identity import check_rfc
from kiosk.identity.rfc import _stdnum_opinion, check_digit, rfc_kind
from kiosk.messages import Message


def bad_char(position: int, char: str, expected: str) -> Message:
    return Message(
        "identity.bad_char",
        {
            "position": position,
            "ordinal": Message(f"identity.ordinal.{position}"),
            "char": char,
            "expected": Message(f"identity.class.{expected}"),
        },
    )


@pytest.mark.parametrize(
    ("rfc", "problem"),
    [
        ("G3DE561231GR8", bad_char(2, "3", "rfc_letter")),  # 3 is no look-alike of a letter
        ("GOD#561231GR8", bad_char(4, "#", "rfc_letter")),
        ("GODE5612A1GR8", bad_char(9, "A", "digit")),
        ("GODE561231G#8", bad_char(12, "#", "letter_or_digit")),
        ("GODE561231GR#", bad_char(13, "#", "letter_or_digit")),
        ("M4B9307148T4", bad_char(2, "4", "rfc_letter")),
        ("MAB93071A8T4", bad_char(9, "A", "digit")),
        ("MAB930714#T4", bad_char(10, "#", "letter_or_digit")),
    ],
)
def test_a_wrong_character_is_named_with_what_the_position_holds(rfc: str, problem: Message) -> None:
    assert check_rfc(rfc).errors == [problem]


def test_a_person_s_impossible_date_names_characters_5_to_10() -> None:
    result = check_rfc("GODE561331GR8")
    assert result.errors == [
        Message("identity.bad_date", {"position": 5, "first": 5, "last": 10, "digits": "561331"})
    ]


def test_a_company_s_impossible_date_names_characters_4_to_9() -> None:
    result = check_rfc("MAB930230T41")
    assert result.errors == [
        Message("identity.bad_date", {"position": 4, "first": 4, "last": 9, "digits": "930230"})
    ]


def test_29_february_exists_only_in_leap_years_of_either_century() -> None:
    assert check_rfc("GODE000229GR8").errors == []  # 2000
    assert check_rfc("GODE960229GR8").errors == []  # 1996
    assert [m.code for m in check_rfc("GODE030229GR8").errors] == ["identity.bad_date"]  # 1903, 2003
    assert [m.code for m in check_rfc("GODE020229GR8").errors] == ["identity.bad_date"]  # 1902, 2002


def test_an_inconvenient_word_is_named_at_the_fourth_letter() -> None:
    assert check_rfc("PUTO800101AB1").errors == [
        Message("identity.rfc.inconvenient", {"position": 4, "word": "PUTO"})
    ]


def test_a_company_s_first_four_characters_are_never_a_word() -> None:
    # Three letters and a digit: the list of words is only for people.
    assert all(m.code != "identity.rfc.inconvenient" for m in check_rfc("PUT0800101AB").errors)


def test_a_wrong_check_digit_warns_with_the_expected_one() -> None:
    result = check_rfc("vace-460910-sx6")
    assert (result.input, result.normalized) == ("vace-460910-sx6", "VACE460910SX6")
    assert result.errors == []
    assert result.warnings == [
        Message(
            "identity.rfc.check_digit",
            {"position": 13, "ordinal": Message("identity.ordinal.13"), "expected": "5"},
        )
    ]
    company = check_rfc("MAB9307148T5")
    assert company.warnings == [
        Message(
            "identity.rfc.check_digit",
            {"position": 12, "ordinal": Message("identity.ordinal.12"), "expected": "4"},
        )
    ]


def test_no_check_digit_warning_on_top_of_an_error() -> None:
    result = check_rfc("GODE561331GR9")
    assert [m.code for m in result.errors] == ["identity.bad_date"] and result.warnings == []


@pytest.mark.parametrize(
    ("first", "digit"), [("VACE460910SX", "5"), ("GODE561231GR", "8"), ("MAB9307148T", "4")]
)
def test_sat_s_check_digit(first: str, digit: str) -> None:
    assert check_digit(first) == digit


def test_generic_rfcs_are_valid_with_a_warning_that_they_identify_nobody() -> None:
    national = check_rfc("xaxx-010101-000")
    assert (national.input, national.kind, national.normalized) == ("xaxx-010101-000", "rfc", "XAXX010101000")
    assert national.errors == [] and national.warnings == [Message("identity.rfc.generic_national")]
    assert check_rfc("XEXX010101000").warnings == [Message("identity.rfc.generic_foreign")]


def test_empty_and_wrong_lengths() -> None:
    empty = check_rfc("  ")
    assert (empty.input, empty.kind, empty.normalized, empty.errors) == (
        "  ",
        "rfc",
        "",
        [Message("identity.empty")],
    )
    for typed, length in (("GODE56123", 9), ("GODE561231GR8X", 14)):
        result = check_rfc(typed.lower())
        assert (result.input, result.kind, result.normalized) == (typed.lower(), "rfc", typed)
        assert result.errors == [Message("identity.rfc.length", {"length": length})]


def test_look_alikes_in_a_company_rfc_follow_its_layout() -> None:
    result = check_rfc("MA89307I48T4")  # 8 in the letters, I in the date
    assert result.valid and result.normalized == "MAB9307148T4"
    assert [(m.params["position"], m.params["given"], m.params["taken"]) for m in result.warnings] == [
        (3, "8", "B"),
        (8, "I", "1"),
    ]


def test_the_kind_of_rfc_by_its_length() -> None:
    assert rfc_kind("GODE561231GR8") == "person" and rfc_kind("MAB9307148T4") == "company"
    assert rfc_kind(" gode-561231-gr8 ") == "person"


def test_python_stdnum_s_refusal_is_named_by_its_reason() -> None:
    # Never reached through check_rfc today (every RFC it accepts, stdnum accepts too): the second
    # opinion still has to say why it refused, should the two ever disagree.
    assert _stdnum_opinion("GODE561231GR8") == []
    assert _stdnum_opinion("GODE561331GR8") == [
        Message("identity.rejected_by_stdnum", {"reason": "InvalidComponent"})
    ]
