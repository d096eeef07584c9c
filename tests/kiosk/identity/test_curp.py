from datetime import date

import pytest

from kiosk.errors import KioskError
from kiosk.identity import check_curp, curp_birth_date, is_minor
from kiosk.identity.curp import check_digit
from kiosk.identity.result import positions

TODAY = date(2025, 6, 1)


def codes(result) -> list[str]:
    return [m.code for m in result.errors]


def test_stdnum_example_is_valid() -> None:
    result = check_curp("BOXW310820HNERXN09", TODAY)
    assert result.valid and result.kind == "curp" and not result.warnings


def test_wrong_check_digit_names_position_and_expected_digit() -> None:
    # A real value: SAT's test certificate AAA010101AAA carries this CURP, whose check digit is wrong.
    result = check_curp("HEGT761003MDFRNN09", TODAY)
    assert not result.valid
    assert codes(result) == ["identity.check_digit"]
    assert result.errors[0].render("en").startswith("the 18th character should be 7")
    assert result.errors[0].render("es_MX").startswith("el carácter 18 debería ser 7")


def test_length_is_reported_with_the_count() -> None:
    result = check_curp("BOXW310820HNERXN0", TODAY)
    assert result.errors[0].render("en") == "this CURP has 17 characters; it needs 18"


def test_bad_state_code() -> None:
    curp = "BOXW310820HZZRXN0"
    result = check_curp(curp + check_digit(curp), TODAY)
    assert codes(result) == ["identity.curp.state"] and positions(result.errors) == [12]


def test_born_abroad_state_ne_is_valid() -> None:
    curp = "BOXW310820HNERXN0"
    assert check_curp(curp + check_digit(curp), TODAY).valid


def test_impossible_date() -> None:
    curp = "BOXW310230HNERXN0"  # 30 February
    result = check_curp(curp + check_digit(curp), TODAY)
    assert codes(result) == ["identity.bad_date"]
    assert "'310230'" in result.errors[0].render("en")


def test_letter_homonym_means_born_after_2000_and_cannot_be_in_the_future() -> None:
    curp = "BOXW310820HNERXNA"  # letter at 17: born 2031
    result = check_curp(curp + check_digit(curp), TODAY)
    assert codes(result) == ["identity.curp.future"] and positions(result.errors) == [17]
    assert check_curp("BOXW310820HNERXN09", TODAY).valid


def test_sex_x_is_accepted_and_other_letters_are_not() -> None:
    curp = "BOXW310820XNERXN0"
    assert check_curp(curp + check_digit(curp), TODAY).valid
    curp = "BOXW310820FNERXN0"
    result = check_curp(curp + check_digit(curp), TODAY)
    assert codes(result) == ["identity.bad_char"] and positions(result.errors) == [11]
    assert "H, M or X" in result.errors[0].render("en")


def test_inner_vowel_and_consonants() -> None:
    curp = "BTXW310820HNERAN0"  # T is no vowel (2nd), A is no consonant (15th)
    result = check_curp(curp + check_digit(curp), TODAY)
    assert positions(result.errors) == [2, 15]


def test_inconvenient_word_is_refused() -> None:
    curp = "PEDO800101HDFRRN0"
    result = check_curp(curp + check_digit(curp), TODAY)
    assert codes(result) == ["identity.curp.inconvenient"]
    assert "PEDO" in result.errors[0].render("en")
    assert check_curp("PXDO800101HDFRRN0" + check_digit("PXDO800101HDFRRN0"), TODAY).valid


def test_enye_is_explained() -> None:
    result = check_curp("ÑAXW310820HNERXN09", TODAY)
    assert "a CURP writes Ñ as X" in result.errors[0].render("en")


def test_lookalikes_are_corrected_and_reported() -> None:
    result = check_curp("b0xw-3108z0-hnerxn09", TODAY)
    assert result.valid and result.normalized == "BOXW310820HNERXN09"
    assert positions(result.warnings) == [2, 9]
    assert result.warnings[1].render("en") == "the 9th character was typed 'Z' and taken as '2'"


def test_several_problems_are_all_reported() -> None:
    result = check_curp("B1XW31AB20HNERXN0Q", TODAY)
    assert positions(result.errors) == [7, 18]  # A is no digit; Q is no check digit
    assert positions(result.warnings) == [2, 8]  # 1 taken as I, B taken as 8
    assert result.errors[0].render("en") == "the 7th character is 'A' but must be a digit (0-9)"


def test_empty() -> None:
    assert [m.code for m in check_curp("  -  ", TODAY).errors] == ["identity.empty"]


def test_birth_date_and_minors() -> None:
    assert curp_birth_date("BOXW310820HNERXN09") == date(1931, 8, 20)
    minor = "XIQB100101MGRMZRA"
    minor += check_digit(minor)
    assert curp_birth_date(minor) == date(2010, 1, 1)
    assert is_minor(minor, date(2027, 12, 31))
    assert not is_minor(minor, date(2028, 1, 1))  # 18th birthday
    assert not is_minor("BOXW310820HNERXN09", TODAY)


def test_birth_date_of_garbage_is_a_kiosk_error() -> None:
    with pytest.raises(KioskError) as info:
        curp_birth_date("BOXW319920HNERXN09")
    assert info.value.message.code == "identity.curp.no_birth_date"
