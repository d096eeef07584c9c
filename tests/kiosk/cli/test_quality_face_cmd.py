"""`kiosk quality face`: per-image report, --token writes only when asked and never during an enrolment.

The `quality` command itself belongs to the fingerprint area (`quality_cmd.py`); these tests mount the
face subcommand under a stand-in `quality` command, so they exercise `kiosk.cli.main` end to end
(parsing, exit codes, one-line errors) whatever state that module is in.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import cv2
import numpy as np
import pytest

from kiosk import session_lock
from kiosk.cli import main as cli_main
from kiosk.cli import quality_face_cmd
from kiosk.quality.face import MEASURES
from tests.kiosk.quality import face_stills as fs


def _register_quality(subparsers: Any) -> None:
    parser = subparsers.add_parser("quality")
    quality_face_cmd.register(parser.add_subparsers(dest="quality_command", required=True))


@pytest.fixture(autouse=True)
def _quality_command(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = SimpleNamespace(name="quality", load=lambda: _register_quality)
    fake = SimpleNamespace(entry_points=lambda group: [entry] if group == cli_main.COMMANDS_GROUP else [])
    monkeypatch.setattr(cli_main, "metadata", fake)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli_main.main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _write(path: Path, rgb: np.ndarray) -> Path:
    assert cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    return path


@pytest.fixture(scope="module")
def still_rgb(shared_data: Path) -> np.ndarray:
    return fs.webcam_still(fs.read_rgb(shared_data / "faces" / "astronaut.png"))


@pytest.fixture
def images(tmp_path: Path, still_rgb: np.ndarray) -> tuple[Path, Path]:
    return _write(tmp_path / "still.png", still_rgb), _write(tmp_path / "empty.png", fs.no_face(still_rgb))


@pytest.mark.shared_data
def test_json_reports_every_measure_per_image_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], images: tuple[Path, Path], tmp_path: Path
) -> None:
    before = sorted(tmp_path.iterdir())
    code, out, _ = run(capsys, "quality", "face", str(images[0]), str(images[1]), "--json")
    data = json.loads(out)
    assert code == 1  # the empty frame fails
    assert [d["path"] for d in data] == [str(p) for p in images]
    assert {"path", "faces", "passed", "score", "measures", "ms"} <= set(data[0])
    assert list(data[0]["measures"]) == list(MEASURES)
    assert set(data[0]["measures"]["yaw"]) == {"value", "passed", "message"}
    assert data[0]["faces"] == 1 and 90 < data[0]["measures"]["inter_eye_distance"]["value"] < 115
    assert data[1]["faces"] == 0 and data[1]["passed"] is False and data[1]["score"] == 0
    assert data[1]["measures"]["single_face"]["message"] == "No face can be seen: look at the camera"
    assert sorted(tmp_path.iterdir()) == before


@pytest.mark.shared_data
def test_human_output_names_the_fault_and_the_measures(
    capsys: pytest.CaptureFixture[str], images: tuple[Path, Path]
) -> None:
    code, out, _ = run(capsys, "quality", "face", str(images[1]))
    assert code == 1
    assert "fails, score 0/100, faces 0" in out
    assert "-> No face can be seen: look at the camera" in out
    assert all(name in out for name in MEASURES)


@pytest.mark.shared_data
def test_token_writes_the_crop(
    capsys: pytest.CaptureFixture[str], images: tuple[Path, Path], tmp_path: Path
) -> None:
    out_path = tmp_path / "token.png"
    _, out, _ = run(capsys, "quality", "face", str(images[0]), "--token", str(out_path), "--json")
    assert json.loads(out)[0]["token"] == str(out_path)
    token = cv2.imread(str(out_path))
    assert token is not None
    height, width = token.shape[:2]
    assert width >= 240 and height == round(width / 0.75)


@pytest.mark.shared_data
def test_token_is_refused_while_an_enrolment_is_open(
    capsys: pytest.CaptureFixture[str], images: tuple[Path, Path], tmp_path: Path, station_dir: Path
) -> None:
    out_path = tmp_path / "token.png"
    with session_lock.hold(station_dir):
        code, out, err = run(capsys, "quality", "face", str(images[0]), "--token", str(out_path))
    assert code == 1 and out == ""
    assert (
        err.strip()
        == f"kiosk: an enrolment session is open in {station_dir}: --token writes no image while it lasts"
    )
    assert not out_path.exists()
    # Without --token the check itself is harmless and still runs during an enrolment.
    with session_lock.hold(station_dir):
        code, out, _ = run(capsys, "quality", "face", str(images[0]), "--json")
    assert json.loads(out)[0]["faces"] == 1


@pytest.mark.shared_data
def test_token_needs_one_image_with_one_face(
    capsys: pytest.CaptureFixture[str], images: tuple[Path, Path], tmp_path: Path
) -> None:
    out_path = tmp_path / "token.png"
    code, _, err = run(capsys, "quality", "face", str(images[0]), str(images[1]), "--token", str(out_path))
    assert code == 2 and "--token needs exactly one image (2 given)" in err
    code, _, err = run(capsys, "quality", "face", str(images[1]), "--token", str(out_path))
    assert code == 1 and "exactly one face is needed and 0 were found" in err
    assert not out_path.exists()


def test_a_corrupt_or_missing_image_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    code, out, err = run(capsys, "quality", "face", str(corrupt))
    assert code == 1 and out == ""
    assert err == f"kiosk: cannot read the image {corrupt}: not a decodable image\n"
    code, _, err = run(capsys, "quality", "face", str(tmp_path / "missing.jpg"))
    assert code == 1 and err.startswith(f"kiosk: cannot read the image {tmp_path / 'missing.jpg'}: ")
    assert len(err.strip().splitlines()) == 1
