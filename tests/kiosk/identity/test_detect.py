import pytest

from kiosk.identity import check, detect


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("BOXW310820HNERXN09", "curp"),
        ("boxw310820hnerxn0", "curp"),
        ("12345678903", "nss"),
        ("1234567890", "nss"),
        ("123456789012", "nss"),
        ("1234567890S", "nss"),
        ("GODE561231GR8", "rfc"),
        ("MAB9307148T4", "rfc"),
        ("COMG600703", "rfc"),
        ("Y5412345106", "registro_patronal"),
        ("hello", "unknown"),
        ("", "unknown"),
    ],
)
def test_detect(value: str, kind: str) -> None:
    assert detect(value) == kind


def test_unknown_is_invalid_with_a_message() -> None:
    result = check("hello")
    assert result.kind == "unknown" and not result.valid
    assert "it has 5 characters" in result.errors[0].render("en")


def test_forced_kind() -> None:
    result = check("12345678903", "rfc")
    assert result.kind == "rfc" and not result.valid


def test_json_shape() -> None:
    data = check("HEGT761003MDFRNN09").to_json("en")
    assert set(data) == {"input", "kind", "valid", "normalized", "errors", "warnings"}
    assert data["errors"] == [
        {
            "code": "identity.check_digit",
            "text": "the 18th character should be 7 (check digit): look for a mistyped character",
            "position": 18,
        }
    ]
