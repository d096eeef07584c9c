"""`kiosk fiel inspect`: every SAT test certificate, keys and passwords, the hidden clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli.main import main
from tests.kiosk.fiel.sat_ca import SatCa

FIELDS = {
    "kind",
    "rfc",
    "representative_rfc",
    "curp",
    "name",
    "certificate_number",
    "valid_from",
    "valid_to",
    "expired",
    "key_matches",
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password.txt"
    path.write_text("12345678a\n")
    return path


@pytest.mark.shared_data
def test_every_certificate_inspects_without_error(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = sorted((shared_data / "sat-test-credentials").rglob("*.cer"))
    for path in paths:
        code, out, err = run(capsys, "fiel", "inspect", str(path), "--json", "--at", "2021-01-01")
        assert code == 0, (path, err)
        data = json.loads(out)
        assert set(data) >= FIELDS and data["kind"] in ("FIEL", "CSD") and data["key_matches"] is None
        assert len(data["certificate_number"]) == 20
    print(f"\nkiosk fiel inspect: {len(paths)} certificates")
    assert len(paths) == 53


@pytest.mark.shared_data
def test_valid_fiel_with_its_key(
    shared_data: Path, password_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stem = shared_data / "sat-test-credentials" / "fake-fiel-EKU9003173C9" / "EKU9003173C9"
    argv = ["fiel", "inspect", str(stem.with_suffix(".cer")), "--key", str(stem.with_suffix(".key"))]
    code, out, _ = run(capsys, *argv, "--password-file", str(password_file), "--json", "--at", "2027-05-17")
    data = json.loads(out)
    assert code == 0 and data["key_matches"] is True and data["expired"] is False
    assert (data["kind"], data["rfc"], data["representative_rfc"], data["curp"]) == (
        "FIEL",
        "EKU9003173C9",
        "VADA800927DJ3",
        "VADA800927HSRSRL05",
    )
    assert data["certificate_number"] == "30001000000500003415" and data["valid_to"].startswith("2027-05-17")
    code, out, _ = run(capsys, *argv, "--password-file", str(password_file), "--json", "--at", "2027-05-18")
    assert json.loads(out)["expired"] is True


@pytest.mark.shared_data
def test_wrong_password_is_an_error_not_a_mismatch(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stem = shared_data / "sat-test-credentials" / "fake-fiel-EKU9003173C9" / "EKU9003173C9"
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("12345678b")
    argv = ["fiel", "inspect", str(stem.with_suffix(".cer")), "--key", str(stem.with_suffix(".key"))]
    code, out, err = run(capsys, *argv, "--password-file", str(wrong), "--json")
    assert code == 1 and out == ""
    assert err.strip() == "kiosk: the password of the private key (.key) is wrong"


@pytest.mark.shared_data
def test_key_of_another_certificate(
    shared_data: Path, password_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sat = shared_data / "sat-test-credentials" / "python-satcfdi"
    argv = ["fiel", "inspect", str(sat / "cacx7605101p8.cer"), "--key", str(sat / "cacx7605101p8_csd.key")]
    code, out, _ = run(capsys, *argv, "--password-file", str(password_file), "--json", "--at", "2021-01-01")
    assert code == 0 and json.loads(out)["key_matches"] is False


@pytest.mark.shared_data
def test_human_output_of_a_t61_certificate(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = shared_data / "sat-test-credentials" / "python-satcfdi" / "all-test-certs" / "ure180429tm6.cer"
    code, out, _ = run(capsys, "fiel", "inspect", str(path), "--at", "2024-01-01")
    assert code == 0
    assert "UNIVERSIDAD ROBOTICA ESPAÑOLA SA DE CV" in out and "expired             True" in out


def test_generated_csd_and_usage_errors(
    tmp_path: Path, password_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csd = SatCa().issue(
        rfc="KAHO641101B39", name="OSCAR KALA HAAK", curp="KAHO641101HNTLKS06", unit="SUCURSAL 1"
    )
    cer, key = tmp_path / "csd.cer", tmp_path / "csd.key"
    cer.write_bytes(csd.der)
    key.write_bytes(csd.key_der())
    code, out, _ = run(
        capsys,
        "fiel",
        "inspect",
        str(cer),
        "--key",
        str(key),
        "--password-file",
        str(password_file),
        "--json",
        "--at",
        "2025-01-01",
    )
    data = json.loads(out)
    assert (
        code == 0
        and data["kind"] == "CSD"
        and data["key_matches"] is True
        and data["curp"] == "KAHO641101HNTLKS06"
    )
    code, _, err = run(capsys, "fiel", "inspect", str(cer), "--key", str(key))
    assert code == 2 and "--key needs --password-file" in err
    code, _, err = run(capsys, "fiel", "inspect", str(cer), "--at", "yesterday")
    assert code == 2 and "'yesterday' is not an ISO date" in err
    code, _, err = run(capsys, "fiel", "inspect", str(tmp_path / "missing.cer"))
    assert code == 1 and "cannot read" in err
