from kiosk.identity import check_registro_patronal
from kiosk.identity.result import positions


def test_valid_and_normalised() -> None:
    result = check_registro_patronal("y54-12345-10-6")
    assert result.valid and result.normalized == "Y5412345106"


def test_positions() -> None:
    assert positions(check_registro_patronal("15412345106").warnings) == [1]  # 1 read as I
    assert positions(check_registro_patronal("Y54123451K6").errors) == [10]
    assert positions(check_registro_patronal("&5412345106").errors) == [1]


def test_length() -> None:
    assert "has 10 characters; it needs 11" in check_registro_patronal("Y541234510").errors[0].render("en")
