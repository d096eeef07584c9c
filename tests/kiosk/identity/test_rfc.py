from kiosk.identity import check_rfc
from kiosk.identity.result import positions


def test_person_and_company() -> None:
    assert check_rfc("GODE 561231 GR8").valid
    company = check_rfc("mab-930714-8t4")
    assert company.valid and company.normalized == "MAB9307148T4" and not company.warnings


def test_wrong_check_digit_is_only_a_warning() -> None:
    result = check_rfc("VACE460910SX6")
    assert result.valid
    assert [m.code for m in result.warnings] == ["identity.rfc.check_digit"]
    assert positions(result.warnings) == [13]


def test_generic_rfcs() -> None:
    national, foreign = check_rfc("XAXX010101000"), check_rfc("XEXX010101000")
    assert national.valid and foreign.valid
    assert [m.code for m in national.warnings] == ["identity.rfc.generic_national"]
    assert [m.code for m in foreign.warnings] == ["identity.rfc.generic_foreign"]


def test_enye_and_ampersand_are_letters() -> None:
    assert check_rfc("H&E951128469").valid
    assert check_rfc("ÑAÑE800101AB1").errors == []


def test_length_message() -> None:
    assert "it needs 12 (company) or 13 (person)" in check_rfc("COMG600703").errors[0].render("en")


def test_structure_errors_have_positions() -> None:
    assert positions(check_rfc("GO3E561231GR8").errors) == [3]
    assert positions(check_rfc("GODE56K231GR8").errors) == [7]
    assert [m.code for m in check_rfc("GODE561331GR8").errors] == ["identity.bad_date"]


def test_29_february_of_a_leap_year() -> None:
    assert check_rfc("GODE000229GR8").errors == []
    assert [m.code for m in check_rfc("GODE010229GR8").errors] == ["identity.bad_date"]


def test_inconvenient_word() -> None:
    assert [m.code for m in check_rfc("PUTO800101AB1").errors] == ["identity.rfc.inconvenient"]
