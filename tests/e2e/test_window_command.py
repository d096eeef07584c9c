import os
import subprocess
import sys
from pathlib import Path


def test_kiosk_demo_opens_the_window_and_saves_a_screenshot(tmp_path: Path) -> None:
    shot = tmp_path / "demo.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "demo", "--screenshot", str(shot), "--quit-after", "1500"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert shot.exists() and shot.stat().st_size > 1000


def test_without_a_screen_the_window_commands_say_so(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--lang", "en", "run"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    if sys.platform.startswith("linux"):
        assert result.returncode == 1
        assert result.stderr.strip().startswith("kiosk: no screen")
