"""`kiosk demo --autopilot --role supervisor`: the demo clerk enrols a person, then the supervisor signs
in through the window and reads the day, the outbox and the audit log; a picture of each."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures.no_images import find_plaintext_images


def test_the_supervisor_autopilot_reads_the_day_after_a_real_enrolment(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(tmp_path / "station"), "demo", "--autopilot",
         "--role", "supervisor", "--json", "--screenshots", str(shots)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert summary["passed"] and summary["role"] == "supervisor"
    assert summary["clerk_enrolment"]["outcome"] == "delivered"
    assert summary["day"]["sealed"] == 1 and summary["day"]["delivered"] == 1
    assert summary["nfiq2_fingers_kept"] == 10 and summary["audit_ok"]
    assert summary["outbox"]["purged"] == 1  # delivered, receipt verified, bytes dropped
    assert summary["screenshots_taken"] == [
        "01-supervisor-day.png",
        "02-supervisor-outbox.png",
        "03-supervisor-audit.png",
    ]
    assert sorted(p.name for p in shots.glob("*.png")) == summary["screenshots_taken"]
    assert find_plaintext_images(tmp_path / "station") == []
