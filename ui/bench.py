"""`kiosk bench --only ui`: what a clerk feels of the application, measured on the real program.

- `ui.run_to_login`: from starting `kiosk run` to its login screen on screen, with the reference backend
  running in another process (the station was registered first). Target <= 2 s: heavy libraries
  (mediapipe, NFIQ 2, OpenCV) load only when a capture first needs them.
- `ui.autopilot.*`: one complete enrolment through the real window (`kiosk demo --autopilot --json` in its
  own process): the total, the painted preview frame rates with the quality overlay, the face analysis
  rate, the longest GUI-thread stall during capture and sealing (target <= 50 ms), and the station
  process's peak memory (target <= 500 MB); the demo's backend and print simulator, processes of their
  own, are shown apart with no target.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kiosk.bench import Row, row_ms

PROBE = "KIOSK_STARTUP_PROBE"


def _kiosk(*args: str, env: dict[str, str] | None = None, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=kwargs.pop("timeout", 300),
        **kwargs,
    )


def _serve_backend(folder: Path) -> tuple[subprocess.Popen[str], Path]:
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "backend", "serve", "--backend-dir", str(folder), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    for _ in range(2):  # "listening on URL" then "station enrolment file: PATH"
        line = process.stdout.readline()
    enrolment = Path(line.split(":", 1)[1].strip())
    return process, enrolment


def startup_samples(runs: int) -> list[float]:
    root = Path(tempfile.mkdtemp(prefix="kiosk-bench-ui-"))
    backend, enrolment = _serve_backend(root / "backend")
    try:
        station = root / "station"
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_MODE": "production"}
        registered = _kiosk(
            "--data-dir", str(station), "station", "register", "--enrolment-file", str(enrolment), env=env
        )
        if registered.returncode != 0:
            raise RuntimeError(registered.stderr.strip())
        samples = []
        for _ in range(runs):
            started = time.time()
            run = _kiosk(
                "--data-dir",
                str(station),
                "run",
                "--quit-after",
                "300",
                env={**env, PROBE: repr(started)},
            )
            shown = [json.loads(line) for line in run.stderr.splitlines() if line.startswith('{"startup_ms"')]
            if not shown:
                raise RuntimeError(run.stderr.strip()[-300:])
            samples.append(float(shown[0]["startup_ms"]))
        return samples
    finally:
        backend.send_signal(signal.SIGINT)
        try:
            backend.wait(15)
        except subprocess.TimeoutExpired:
            backend.kill()
        shutil.rmtree(root, ignore_errors=True)


def autopilot_summary() -> tuple[dict[str, Any], float]:
    """One `kiosk demo --autopilot --json` run in its own process; returns the summary and peak RSS (MB)."""
    root = Path(tempfile.mkdtemp(prefix="kiosk-bench-demo-"))
    try:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        run = _kiosk(
            "--data-dir",
            str(root / "station"),
            "demo",
            "--autopilot",
            "--json",
            "--screenshots",
            str(root / "shots"),
            env=env,
            timeout=900,
        )
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if run.returncode != 0:
            raise RuntimeError(run.stderr.strip()[-500:])
        return json.loads(run.stdout), max(peak_kb, before) / 1024.0
    finally:
        shutil.rmtree(root, ignore_errors=True)


def rows(quick: bool) -> Iterator[Row]:
    yield row_ms("ui.run_to_login", startup_samples(2 if quick else 5), target="<= 2000 ms")
    summary, peak_mb = autopilot_summary()
    yield Row("ui.autopilot.total", "ms", summary["total_ms"], summary["total_ms"], 1, "", "one enrolment")
    figures = summary.get("figures", {})
    for name, unit, target in (
        ("finger_preview_fps", "fps", ">= 15"),
        ("face_preview_fps", "fps", ">= 25"),
        ("face_analysis_hz", "Hz", ">= 15"),
        ("longest_gui_stall_ms", "ms", "<= 50"),
    ):
        if name in figures:
            value = float(figures[name])
            yield Row(f"ui.autopilot.{name}", unit, value, value, 1, target)
    yield from memory_rows(figures, peak_mb)


def memory_rows(figures: dict[str, Any], largest_mb: float) -> Iterator[Row]:
    """The station's own peak against the target; the demo's stand-ins (its backend, its print simulator,
    which are other programs in the field) on rows of their own, with no target. An older summary without
    the station's figure falls back to the largest process's peak, which is then the station's."""
    station = float(figures.get("station_peak_mb") or largest_mb)
    yield Row(
        "ui.autopilot.peak_memory", "MB", station, station, 1, "<= 500", "the station process's peak RSS"
    )
    for name, what in (
        ("backend_process_peak_mb", "the demo's reference backend (another machine in the field)"),
        ("print_simulator_peak_mb", "the demo's print simulator (the reader's sensor in the field)"),
    ):
        if name in figures:
            value = float(figures[name])
            yield Row(f"ui.autopilot.{name.removesuffix('_mb')}_memory", "MB", value, value, 1, "", what)
