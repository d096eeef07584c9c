"""`kiosk quality finger` and `kiosk quality match` on real image files: output, exit codes, errors."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.cli.main import build_parser, main

FP = "fingerprints"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_finger_json_per_image(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = shared_data / FP / "nbis-rs/p1_1.png"
    wsq = shared_data / FP / "sourceafis/wsq-original.wsq"
    code, out, _ = run(capsys, "--lang", "en", "quality", "finger", str(png), str(wsq), "--json")
    assert code == 0
    reports = json.loads(out)
    assert [r["path"] for r in reports] == [str(png), str(wsq)]
    assert [r["nfiq2"] for r in reports] == [68, 60]  # nfiq2-reference.csv
    for r in reports:
        assert {"path", "nfiq2", "live_estimate", "foreground", "guidance", "ms"} <= set(r)
        assert set(r["ms"]) == {"nfiq2", "live"} and r["ms"]["live"] > 0
        assert abs(r["live_estimate"] - r["nfiq2"]) < 15
        assert 0.2 < r["foreground"] < 0.8
        assert r["guidance"] == [] and r["nfiq2_error"] is None


def test_finger_human_output_says_what_to_fix_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((500, 400), 255, np.uint8))
    code, out, _ = run(capsys, "quality", "finger", str(blank))
    assert code == 1
    assert "blank.png" in out and "no hay dedo" in out  # es_MX by default


def test_finger_resampling_is_reported(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    card = shared_data / FP / "nbis-sivv-cards/card0003_05.bmp"
    code, out, _ = run(capsys, "--lang", "en", "quality", "finger", "--ppi", "1000", str(card))
    assert code == 0
    assert "resampled from 1000 to 500 ppi" in out
    code, out, _ = run(capsys, "quality", "finger", "--ppi", "1000", "--json", str(card))
    assert json.loads(out)[0]["resampled"] is True


def test_a_missing_image_is_one_line_and_nothing_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--lang", "en", "quality", "finger", str(tmp_path / "none.png"))
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [f"kiosk: the image file {tmp_path / 'none.png'} does not exist"]


def test_a_corrupt_image_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.tif"
    bad.write_bytes(b"II*\x00 this is not a tiff")
    code, out, err = run(capsys, "--lang", "en", "quality", "match", str(bad), str(bad))
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "cannot read the image" in err


def test_a_nonsense_resolution_is_a_usage_error(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = shared_data / FP / "nbis-rs/p1_1.png"
    code, _, err = run(capsys, "--lang", "en", "quality", "finger", "--ppi", "0", str(png))
    assert code == 2 and "positive" in err


def test_match_same_and_different_fingers(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b, other = (shared_data / FP / p for p in ("nbis-rs/p1_1.png", "nbis-rs/p1_2.png", "nbis-rs/p2_1.png"))
    code, out, _ = run(capsys, "quality", "match", str(a), str(b), "--json")
    same = json.loads(out)
    assert code == 0 and same["same_finger"] is True and same["score"] >= 40
    code, out, _ = run(capsys, "quality", "match", str(a), str(other), "--json")
    different = json.loads(out)
    assert code == 1 and different["same_finger"] is False and different["score"] < 40
    code, out, _ = run(capsys, "--lang", "en", "quality", "match", str(a), str(b))
    assert code == 0 and "same finger (same finger from 40 up)" in out and "Bozorth3" in out
    code, out, _ = run(capsys, "--lang", "en", "quality", "match", str(a), str(other))
    assert code == 1 and ": different fingers (same finger from 40 up)" in out  # never ">= 40: different"


def test_the_face_checks_hang_off_the_same_command() -> None:
    args = build_parser().parse_args(["quality", "face", "portrait.png"])
    from kiosk.cli import quality_face_cmd

    assert args.func is quality_face_cmd.run_face
