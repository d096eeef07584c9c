"""`kiosk demo --autopilot --role technician` on a fresh folder: a new station set up through the wizard
(an unknown token refused first) to a verified test receipt, then the devices page: hot-plug, live tests,
self-tests, the report saved as JSON and PDF and received by the backend; no image left behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures.no_images import find_plaintext_images


def test_the_technician_sets_a_new_station_up_and_tests_its_devices(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    station = tmp_path / "station"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(station), "demo", "--autopilot",
         "--role", "technician", "--json", "--screenshots", str(shots)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert summary["passed"] and summary["test_receipt_verified"]
    assert summary["test_receipt_folio"].startswith("ACU-")
    assert summary["report_sent"].startswith("diag-") and summary["selftests_passed"]
    assert list(summary["timings_ms"]) == [
        "setup",
        "login",
        "device_table",
        "hotplug",
        "live_test",
        "selftests",
        "report",
    ]
    pictures = sorted(p.name for p in shots.glob("*.png"))
    assert pictures == sorted(summary["screenshots_taken"])
    assert {"setup-token-refused", "setup-done", "devices-live-reader", "devices-selftests"} <= {
        name[3:-4] for name in pictures
    }
    json_report, pdf_report = summary["report_files"]
    saved = json.loads((shots / json_report).read_text(encoding="utf-8"))
    assert saved["passed"] and saved["station"]["id"]
    assert (shots / pdf_report).read_bytes().startswith(b"%PDF")
    figures = summary["figures"]
    assert figures["live_reader_fps"] > 0 and figures["live_camera_fps"] > 0
    # The live test and the self-tests wrote no image into the station's folder.
    assert find_plaintext_images(station) == []
