"""`kiosk devices list|capture`, `kiosk diagnose`, and the session lock that keeps them off enrolments."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from kiosk.cli.main import main
from kiosk.errors import KioskError
from kiosk.session_lock import enrolment_open, hold, lock_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_has_the_inventory_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "devices", "list", "--json")
    data = json.loads(out)
    assert code == 0
    ids = {d["id"]: d for d in data["devices"]}
    reader = ids["sim-fingerprint:0"]
    for key in (
        "id",
        "kind",
        "driver",
        "vendor",
        "model",
        "serial",
        "firmware",
        "resolution",
        "capabilities",
        "status",
    ):
        assert key in reader
    assert (
        reader["resolution"] == "400x500"
        and reader["status"] == "ready"
        and reader["serial"].startswith("SIM-")
    )
    assert "sim-camera:0" in ids
    # Real drivers whose vendor library is not installed are listed as such; nothing else may fail.
    assert all(f["code"] == "devices.error.library_missing" for f in data["failures"]), data["failures"]


def test_list_in_production_names_the_refused_simulators(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_MODE", "production")
    code, out, _ = run(capsys, "--lang", "en", "devices", "list")
    assert code == 0
    assert "no devices found" in out
    assert "sim-fingerprint (policy): device sim-fingerprint is not permitted" in out


def test_capture_a_fingerprint_to_png(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "print.png"
    code, out, _ = run(
        capsys, "devices", "capture", "sim-fingerprint:0", "--out", str(out_file), "--finger", "2", "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["finger"] == "right-index" and (data["width"], data["height"]) == (400, 500)
    with Image.open(out_file) as image:
        assert image.mode == "L" and image.size == (400, 500)
        assert round(image.info["dpi"][0]) == 500 and image.info["finger"] == "right-index"


def test_capture_a_camera_still(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "face.png"
    code, out, _ = run(capsys, "--lang", "en", "devices", "capture", "sim-camera:0", "--out", str(out_file))
    assert code == 0 and "saved to" in out
    with Image.open(out_file) as image:
        assert image.mode == "RGB" and image.size == (1280, 720)


def test_capture_errors_are_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(
        capsys,
        "--lang",
        "en",
        "devices",
        "capture",
        "sim-fingerprint:0",
        "--out",
        str(tmp_path / "x.png"),
        "--finger",
        "left-toe",
    )
    assert code == 2 and "unknown finger position 'left-toe'" in err
    code, _, err = run(
        capsys, "--lang", "en", "devices", "capture", "nothing:0", "--out", str(tmp_path / "x.png")
    )
    assert code == 1 and err.startswith("kiosk: device nothing:0 not found") and err.count("\n") == 1
    code, _, err = run(
        capsys, "--lang", "en", "devices", "capture", "sim-camera:0", "--out", str(tmp_path / "no" / "x.png")
    )
    assert code == 1 and "the folder does not exist" in err


def test_capture_and_diagnose_refuse_during_an_enrolment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, station_dir: Path
) -> None:
    out_file = tmp_path / "print.png"
    with hold(station_dir):
        code, _, err = run(
            capsys, "--lang", "en", "devices", "capture", "sim-fingerprint:0", "--out", str(out_file)
        )
        assert code == 1 and "an enrolment session is open" in err
        code, _, err = run(capsys, "--lang", "en", "diagnose")
        assert code == 1 and "an enrolment session is open" in err
    assert not out_file.exists()


def test_diagnose_prints_checks_and_saves_the_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    code, out, _ = run(
        capsys, "--lang", "en", "diagnose", "--device", "sim-fingerprint:0", "--report", str(report)
    )
    assert code == 0
    assert "sim-fingerprint:0: all checks passed" in out and "dead or stuck pixels" in out and "pass" in out
    data = json.loads(report.read_text())
    assert data["passed"] and [d["device"]["id"] for d in data["devices"]] == ["sim-fingerprint:0"]
    code, out, _ = run(capsys, "diagnose", "--device", "sim-camera:0", "--json")
    assert code == 0 and {c["name"] for c in json.loads(out)["devices"][0]["checks"]} >= {"focus", "exposure"}


def test_session_lock_in_this_process(station_dir: Path) -> None:
    assert not enrolment_open(station_dir)
    with hold(station_dir) as path:
        assert path == lock_path(station_dir) and enrolment_open(station_dir)
        with pytest.raises(KioskError) as second, hold(station_dir):
            pass
    assert second.value.message.code == "session.already_open"
    assert not enrolment_open(station_dir)


def test_a_stale_lock_file_is_not_an_open_session(station_dir: Path) -> None:
    lock_path(station_dir).write_text("pid=999999 since=yesterday\n")  # a crashed kiosk left it
    assert not enrolment_open(station_dir)
    with hold(station_dir):
        assert enrolment_open(station_dir)


def test_session_lock_held_by_another_process(station_dir: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from kiosk.session_lock import hold
        with hold(Path({str(station_dir)!r})):
            print("held", flush=True)
            sys.stdin.readline()
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        assert enrolment_open(station_dir)
        with pytest.raises(KioskError), hold(station_dir):
            pass
    finally:
        assert child.stdin is not None
        child.stdin.write("\n")
        child.stdin.close()
        child.wait(30)
    assert not enrolment_open(station_dir)
