"""Each of a CURP's 18 positions, when wrong, is named with its position, its ordinal, the character
typed and the class it must hold, and no other message follows from that one mistake: the clerk
fixes exactly the character the screen points at."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.identity import check_curp
from kiosk.identity.curp import check_digit
from kiosk.messages import Message

TODAY = date(2025, 6, 1)
VALID = "BOXW310820HNERXN09"
# What each position must hold, and a character that breaks it without being a look-alike the
# layout would correct (0/1/2/5/8 in a letter position, O/I/Z/S/B in a digit position).
POSITIONS = [
    (1, "&", "letter"),
    (2, "B", "vowel"),
    (3, "&", "letter"),
    (4, "&", "letter"),
    (5, "A", "digit"),
    (6, "A", "digit"),
    (7, "A", "digit"),
    (8, "A", "digit"),
    (9, "A", "digit"),
    (10, "A", "digit"),
    (11, "F", "sex"),
    (12, "&", "letter"),
    (13, "&", "letter"),
    (14, "A", "consonant"),
    (15, "E", "consonant"),
    (16, "U", "consonant"),
    (17, "&", "letter_or_digit"),
]


def with_char(position: int, char: str) -> str:
    """The valid CURP with one character replaced, and the check digit recomputed for the rest."""
    first17 = VALID[: position - 1] + char + VALID[position:17]
    return first17 + check_digit(first17)


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


@pytest.mark.parametrize(("position", "char", "expected"), POSITIONS)
def test_one_wrong_character_is_one_message_naming_it(position: int, char: str, expected: str) -> None:
    result = check_curp(with_char(position, char), TODAY)
    assert result.errors == [bad_char(position, char, expected)] and result.warnings == []


def test_a_letter_where_the_check_digit_goes() -> None:
    result = check_curp(VALID[:17] + "A", TODAY)
    assert result.errors == [bad_char(18, "A", "digit")]


@pytest.mark.parametrize("position", [1, 2, 3, 4, 12, 13, 14, 15, 16, 17])
def test_an_enye_is_explained_where_it_stands(position: int) -> None:
    curp = VALID[: position - 1] + "Ñ" + VALID[position:]
    result = check_curp(curp, TODAY)
    assert result.errors == [
        Message(
            "identity.curp.enye", {"position": position, "ordinal": Message(f"identity.ordinal.{position}")}
        )
    ]


def test_the_sex_may_be_h_m_or_x() -> None:
    for sex in "HMX":
        assert check_curp(with_char(11, sex), TODAY).valid


def test_the_inner_vowel_may_be_an_x_and_the_consonants_too() -> None:
    assert check_curp(with_char(2, "X"), TODAY).valid
    assert check_curp(with_char(14, "X"), TODAY).valid


def test_a_wrong_sex_does_not_hide_an_impossible_date() -> None:
    first17 = "BOXW310230FNERXN0"  # 30 February and sex F
    result = check_curp(first17 + check_digit(first17), TODAY)
    assert [m.code for m in result.errors] == ["identity.bad_char", "identity.bad_date"]
    assert result.errors[1] == Message(
        "identity.bad_date", {"position": 5, "first": 5, "last": 10, "digits": "310230"}
    )


def test_a_wrong_state_letter_does_not_also_call_the_state_unknown() -> None:
    result = check_curp(with_char(13, "&"), TODAY)
    assert [m.code for m in result.errors] == ["identity.bad_char"]


def test_an_unknown_state_is_named_with_its_code() -> None:
    first17 = "BOXW310820HZZRXN0"
    result = check_curp(first17 + check_digit(first17), TODAY)
    assert result.errors == [Message("identity.curp.state", {"position": 12, "code": "ZZ"})]


def test_an_inconvenient_word_is_named() -> None:
    first17 = "PEDO800101HDFRRN0"
    result = check_curp(first17 + check_digit(first17), TODAY)
    assert result.errors == [Message("identity.curp.inconvenient", {"position": 2, "word": "PEDO"})]


def test_a_wrong_check_digit_names_the_right_one() -> None:
    result = check_curp(VALID[:17] + "3", TODAY)
    assert result.errors == [
        Message(
            "identity.check_digit",
            {"position": 18, "ordinal": Message("identity.ordinal.18"), "expected": "9"},
        )
    ]


def test_an_enye_skips_the_check_digit_it_cannot_weigh() -> None:
    result = check_curp("ÑOXW310820HNERXN03", TODAY)
    assert [m.code for m in result.errors] == ["identity.curp.enye"]


@pytest.mark.parametrize(
    ("first17", "digit"),
    [
        ("BOXW310820HNERXN0", "9"),
        ("HEGT761003MDFRNN0", "7"),
        ("BOXW310820HMCRXN4", "0"),
        ("GOMA080512HDFRRNB", "8"),
    ],
)
def test_renapo_s_check_digit(first17: str, digit: str) -> None:
    assert check_digit(first17) == digit
    assert check_digit(first17 + "5") == digit  # the 18th character, if given, is not weighed
    assert check_curp(first17 + digit, TODAY).valid


def test_the_birth_date_is_never_in_the_future_but_may_be_today() -> None:
    first17 = "GOMA250601HDFRRNA"  # born 1 June 2025
    curp = first17 + check_digit(first17)
    assert check_curp(curp, date(2025, 6, 1)).valid
    result = check_curp(curp, date(2025, 5, 31))
    assert result.errors == [Message("identity.curp.future", {"position": 17, "date": "2025-06-01"})]


def test_a_digit_at_17_is_a_birth_in_the_twentieth_century() -> None:
    first17 = "GOMA250601HDFRRN0"  # born 1 June 1925
    assert check_curp(first17 + check_digit(first17), date(2025, 5, 31)).valid


def test_a_wrong_homonym_character_does_not_also_make_the_date_wrong() -> None:
    result = check_curp(with_char(17, "&"), TODAY)
    assert [m.code for m in result.errors] == ["identity.bad_char"]


def test_a_wrong_date_character_is_not_also_an_impossible_date() -> None:
    result = check_curp(with_char(5, "A"), TODAY)
    assert [m.code for m in result.errors] == ["identity.bad_char"]


def test_empty_and_wrong_lengths() -> None:
    empty = check_curp(" - ", TODAY)
    assert (empty.input, empty.kind, empty.normalized, empty.errors) == (
        " - ",
        "curp",
        "",
        [Message("identity.empty")],
    )
    short = check_curp("boxw-310820", TODAY)
    assert (short.input, short.kind, short.normalized) == ("boxw-310820", "curp", "BOXW310820")
    assert short.errors == [Message("identity.curp.length", {"length": 10})]
    assert check_curp(VALID + "1", TODAY).errors == [Message("identity.curp.length", {"length": 19})]


def test_the_result_keeps_what_was_typed_and_the_corrected_value() -> None:
    result = check_curp("b0xw 310820 hnerxn09", TODAY)
    assert (result.input, result.kind, result.normalized) == ("b0xw 310820 hnerxn09", "curp", VALID)
    assert result.warnings == [
        Message(
            "identity.corrected",
            {"position": 2, "ordinal": Message("identity.ordinal.2"), "given": "0", "taken": "O"},
        )
    ]


def test_a_wrong_name_letter_does_not_hide_an_impossible_date() -> None:
    first17 = "&OXW310230HNERXN0"  # & for a letter and 30 February
    result = check_curp(first17 + check_digit(first17), TODAY)
    assert [m.code for m in result.errors] == ["identity.bad_char", "identity.bad_date"]


def test_python_stdnum_s_refusal_is_named_by_its_reason() -> None:
    # Never reached through check_curp today (every CURP it accepts, stdnum accepts too): the second
    # opinion still has to say why it refused, should the two ever disagree.
    from kiosk.identity.curp import _stdnum_opinion

    assert _stdnum_opinion(VALID) == [] and _stdnum_opinion(with_char(11, "X")) == []
    assert _stdnum_opinion("BOXW310820HZZRXN09") == [
        Message("identity.rejected_by_stdnum", {"reason": "InvalidComponent"})
    ]
