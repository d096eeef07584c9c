"""`kiosk demo --autopilot`: one complete enrolment through the real window, acting only through Qt input
events on widgets found by their accessible names; at least ten screens and the receipt PDFs saved."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures.no_images import find_plaintext_images


def test_the_autopilot_enrols_a_synthetic_person_through_the_screens(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(tmp_path / "station"), "demo", "--autopilot",
         "--json", "--screenshots", str(shots)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert summary["receipt_verified"] and summary["folio"].startswith("ACU-") and summary["packet_id"]
    assert {
        "login",
        "lookup",
        "identity",
        "consent",
        "fingers",
        "face",
        "review",
        "submit",
        "receipt",
    } <= set(summary["timings_ms"])
    assert summary["startup_ms"] > 0 and summary["total_ms"] > 0
    pictures = sorted(p.name for p in shots.glob("*.png"))
    assert len(pictures) >= 10 and pictures == sorted(summary["screenshots_taken"])
    assert {"letter", "roll"} <= {p.stem.rsplit("-", 1)[-1] for p in shots.glob("*.pdf")}
    figures = summary["figures"]
    assert figures["finger_preview_fps"] > 0 and figures["face_preview_fps"] > 0
    # each process's peak, apart: the station's (the target's), the backend's and the print simulator's
    assert figures["station_peak_mb"] > 0
    assert figures["backend_process_peak_mb"] > 0 and figures["print_simulator_peak_mb"] > 0
    # The station's own folder holds no image of the person: only the screenshots folder (synthetic) does.
    assert find_plaintext_images(tmp_path / "station") == []
