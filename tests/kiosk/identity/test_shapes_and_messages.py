"""Which identifier a value is taken for at each length and first character, what an NSS and a
registro patronal say when wrong, how typed text is cleaned, and the message helpers the screens read
(ordinals, positions, the JSON a program gets)."""

from __future__ import annotations

import pytest

from kiosk.identity import check, check_nss, check_registro_patronal, detect
from kiosk.identity.normalize import Correction, clean, fix_lookalikes, looks_like_digit, words
from kiosk.identity.nss import check_digit as nss_check_digit
from kiosk.identity.result import IdCheck, bad_date, char_class, ordinal, positions, problem_json
from kiosk.messages import Message

# -- detection -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("A", "unknown"),
        ("Y5412345106", "registro_patronal"),
        ("YO412345106", "registro_patronal"),  # O looks like a digit
        ("YA412345106", "unknown"),  # A does not, and two letters are no RFC start
        ("123456789", "nss"),  # 9: the shortest taken for an NSS
        ("12345678", "unknown"),
        ("1234567890123", "nss"),  # 13: the longest
        ("12345678901234", "unknown"),
        ("12345678O0", "nss"),  # one look-alike letter among 10 is still digits
        ("1234567A90", "nss"),  # one other letter too: n - 1 digit-like characters
        ("1234567AB0", "nss"),  # B looks like 8
        ("123456AXY0", "unknown"),
        ("12345AX890", "unknown"),  # two characters that are no digit: too many
        ("A234567890", "unknown"),  # an NSS starts with a digit
        ("GODEX61231GR", "rfc"),  # 12 starting with a letter, even without an RFC's start
        ("BOXW310820HNERXN", "curp"),  # 16: the shortest taken for a CURP
        ("BOXW310820HNERXN0", "curp"),
        ("BOXW310820HNERXN0912", "curp"),  # 20: the longest
        ("BOXW310820HNERXN09123", "unknown"),
        ("GODE561231GR", "rfc"),  # 12 starting with a letter
        ("GODE561231GR8", "rfc"),
        ("GOD561231G", "rfc"),  # 10 with an RFC's start
        ("GODE5612312", "rfc"),
        ("GODE561231GR81", "rfc"),  # 14 with an RFC's start
        ("GODE56123", "unknown"),  # 9: too short for any
        ("GODEX61231GR81", "unknown"),
        ("GODE561231GR812", "unknown"),
    ],
)
def test_the_kind_each_shape_is_taken_for(value: str, kind: str) -> None:
    assert detect(value) == kind


def test_check_uses_the_detected_kind_and_the_day_given() -> None:
    from datetime import date

    from kiosk.identity.curp import check_digit

    first17 = "GOMA250601HDFRRNA"
    curp = first17 + check_digit(first17)
    assert check(curp, today=date(2025, 6, 1)).valid
    assert [m.code for m in check(curp, today=date(2025, 5, 31)).errors] == ["identity.curp.future"]
    assert check("12345678903").kind == "nss" and check("GODE561231GR8").kind == "rfc"
    assert check("Y5412345106").kind == "registro_patronal"


def test_a_kind_given_wins_over_the_shape() -> None:
    assert check("Y5412345106", "nss").kind == "nss"
    assert check("12345678903", "registro_patronal").kind == "registro_patronal"


def test_an_unknown_value_keeps_what_was_typed() -> None:
    result = check("hola!", "unknown")
    assert (result.input, result.kind, result.normalized) == ("hola!", "unknown", "HOLA!")
    assert result.errors == [Message("identity.unknown_shape", {"length": 5})] and not result.valid
    assert check("  ").errors == [Message("identity.empty")]


# -- NSS and registro patronal ---------------------------------------------------------------------------


def test_the_nss_check_digit_is_luhn_over_the_first_ten() -> None:
    assert nss_check_digit("1234567890") == "3"
    assert nss_check_digit("12345678903") == "3"  # the 11th, if given, is not used
    assert nss_check_digit("0000000000") == "0"


def test_a_wrong_nss_check_digit_names_the_right_one() -> None:
    assert check_nss("12345678904").errors == [
        Message(
            "identity.check_digit",
            {"position": 11, "ordinal": Message("identity.ordinal.11"), "expected": "3"},
        )
    ]


def test_an_nss_with_letters_names_each_and_skips_the_check_digit() -> None:
    result = check_nss("12A45K78904")
    assert [(m.code, m.params["position"], m.params["char"]) for m in result.errors] == [
        ("identity.bad_char", 3, "A"),
        ("identity.bad_char", 6, "K"),
    ]
    assert result.errors[0].params["expected"] == Message("identity.class.digit")


def test_nss_lengths() -> None:
    assert check_nss("123").errors == [Message("identity.nss.length", {"length": 3})]
    assert check_nss("12A").errors == [Message("identity.nss.length_chars", {"length": 3})]
    result = check_nss("123-45")
    assert (result.input, result.kind, result.normalized) == ("123-45", "nss", "12345")


def test_an_nss_read_with_look_alikes() -> None:
    result = check_nss("I2345678903")
    assert result.valid and (result.input, result.normalized) == ("I2345678903", "12345678903")
    assert result.warnings == [
        Message(
            "identity.corrected",
            {"position": 1, "ordinal": Message("identity.ordinal.1"), "given": "I", "taken": "1"},
        )
    ]


def test_a_registro_patronal_s_positions() -> None:
    result = check_registro_patronal("&54123451A6")
    assert result.errors == [
        Message(
            "identity.bad_char",
            {
                "position": 1,
                "ordinal": Message("identity.ordinal.1"),
                "char": "&",
                "expected": Message("identity.class.letter"),
            },
        ),
        Message(
            "identity.bad_char",
            {
                "position": 10,
                "ordinal": Message("identity.ordinal.10"),
                "char": "A",
                "expected": Message("identity.class.digit"),
            },
        ),
    ]
    assert check_registro_patronal("Y541").errors == [
        Message("identity.registro_patronal.length", {"length": 4})
    ]


# -- cleaning ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("a.b,c_d/e'f·g", "ABCDEFG"),
        ("a\tb\nc", "ABC"),  # control characters
        ("a\u200bb", "AB"),  # a zero-width space (format)
        ("a\u2014b-c", "ABC"),  # dashes
        ("áéíóúü", "AEIOUU"),
        ("ñÑ", "ÑÑ"),
        ("a&b#", "A&B#"),  # other punctuation is kept: the checks name it
        ("Ø", "Ø"),  # a letter with no ASCII base is kept as typed
        ("Й", "Й"),  # and so is one whose base is no ASCII letter
    ],
)
def test_what_cleaning_drops_and_keeps(typed: str, cleaned: str) -> None:
    assert clean(typed) == cleaned


def test_every_look_alike_in_both_directions() -> None:
    assert fix_lookalikes("01582", "LLLLL") == (
        "OISBZ",
        [
            Correction(1, "0", "O"),
            Correction(2, "1", "I"),
            Correction(3, "5", "S"),
            Correction(4, "8", "B"),
            Correction(5, "2", "Z"),
        ],
    )
    assert fix_lookalikes("OISBZ", "DDDDD")[0] == "01582"
    assert fix_lookalikes("OISBZ", "LLLLL") == ("OISBZ", [])
    assert fix_lookalikes("01582", "DDDDD") == ("01582", [])


def test_look_alike_digits() -> None:
    assert all(looks_like_digit(c) for c in "0123456789OISBZ")
    assert not any(looks_like_digit(c) for c in "ACXÑ&")


def test_words_are_split_on_any_blank() -> None:
    assert words(" AB\n CD\tEF ") == frozenset({"AB", "CD", "EF"})


# -- messages ---------------------------------------------------------------------------------------------


def test_ordinals_have_their_own_entries_up_to_eighteen() -> None:
    assert ordinal(1) == Message("identity.ordinal.1")
    assert ordinal(18) == Message("identity.ordinal.18")
    assert ordinal(19) == Message("identity.ordinal.other", {"n": 19})
    assert ordinal(0) == Message("identity.ordinal.other", {"n": 0})
    assert ordinal(1).render("en") == "1st" and ordinal(19).render("en") != ordinal(18).render("en")


def test_class_and_date_messages() -> None:
    assert char_class("vowel") == Message("identity.class.vowel")
    assert bad_date(4, "930230") == Message(
        "identity.bad_date", {"position": 4, "first": 4, "last": 9, "digits": "930230"}
    )


def test_positions_skip_messages_without_one() -> None:
    messages = [Message("identity.empty"), Message("identity.curp.state", {"position": "12", "code": "ZZ"})]
    assert positions(messages) == [12]


def test_problem_json_has_a_position_only_when_the_message_has_one() -> None:
    assert problem_json(Message("identity.empty"), "en") == {
        "code": "identity.empty",
        "text": "nothing was entered",
    }
    state = problem_json(Message("identity.curp.state", {"position": 12, "code": "ZZ"}), "es_MX")
    assert state["code"] == "identity.curp.state" and state["position"] == 12 and "ZZ" in state["text"]


def test_the_json_of_a_check() -> None:
    result = IdCheck("x", "nss", "X", [Message("identity.nss.length_chars", {"length": 1})])
    assert result.to_json("en") == {
        "input": "x",
        "kind": "nss",
        "valid": False,
        "normalized": "X",
        "errors": [
            {"code": "identity.nss.length_chars", "text": "this NSS has 1 characters; it needs 11 digits"}
        ],
        "warnings": [],
    }
    assert result.to_json()["errors"][0]["text"] == Message(
        "identity.nss.length_chars", {"length": 1}
    ).render("es_MX")


def test_only_a_known_kind_without_errors_is_valid() -> None:
    assert IdCheck("", "nss", "").valid
    assert not IdCheck("", "unknown", "").valid
    assert not IdCheck("", "nss", "", [Message("identity.empty")]).valid
