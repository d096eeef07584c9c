"""`kiosk id check`: one result per value, text in the chosen language, exit 1 when any is invalid."""

from __future__ import annotations

import json

import pytest

from kiosk.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_one_object_per_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--lang", "en", "id", "check", "HEGT761003MDFRNN09", "1234567890-3", "--json")
    data = json.loads(out)
    assert code == 1
    assert [d["kind"] for d in data] == ["curp", "nss"]
    assert [d["valid"] for d in data] == [False, True]
    assert set(data[0]) == {"input", "kind", "valid", "normalized", "errors", "warnings"}
    assert data[0]["errors"][0]["text"].startswith("the 18th character should be 7")
    assert data[0]["errors"][0]["code"] == "identity.check_digit" and data[0]["errors"][0]["position"] == 18
    assert data[1]["normalized"] == "12345678903"


def test_all_valid_exits_zero_and_warnings_do_not_fail(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "id", "check", "AAA010101AAA", "Y5412345106", "--json")
    data = json.loads(out)
    assert code == 0 and [d["kind"] for d in data] == ["rfc", "registro_patronal"]
    assert data[0]["warnings"][0]["text"].startswith(
        "según la regla del dígito verificador"
    )  # es_MX by default


def test_human_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--lang", "en", "id", "check", "1234567890", "what")
    assert code == 1
    assert "1234567890  NSS  invalid" in out
    assert "error: this NSS has 10 digits; it needs 11" in out
    assert "WHAT  unknown  invalid" in out


def test_forced_kind(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "id", "check", "--as", "curp", "12345678903", "--json")
    assert code == 1 and json.loads(out)[0]["kind"] == "curp"
