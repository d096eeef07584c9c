"""The settings a station reads at start: their names, types, defaults and what they are for.

This is the schema only; `kiosk.config` finds the values (defaults, the TOML file, `KIOSK_*`
variables, the command line) and validates them against it. The backend's signed policy is a
different thing (thresholds, fingers, freeze rules) and overrides nothing here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

APP = "kiosk"


@dataclass(frozen=True)
class Setting:
    name: str  # dotted: "log.level" is [log] level = ... in the file and KIOSK_LOG_LEVEL in the environment
    kind: str  # str, int, float, bool, path, choice, list, table
    default: Any | Callable[[], Any]
    help: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None  # numbers: the smallest value that makes sense (inclusive)
    maximum: float | None = None

    @property
    def env_var(self) -> str:
        return "KIOSK_" + self.name.upper().replace(".", "_")

    def default_value(self) -> Any:
        return self.default() if callable(self.default) else self.default


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


SETTINGS: tuple[Setting, ...] = (
    Setting("language", "choice", "es_MX", "Language of the text for people", ("es_MX", "en")),
    Setting(
        "data_dir", "path", _default_data_dir, "Where the station keeps its state (outbox, keys, logs, audit)"
    ),
    Setting(
        "mode",
        "choice",
        "production",
        "production refuses simulated devices unless the policy allows them; demo and test load them",
        ("production", "demo", "test"),
    ),
    Setting(
        "log.level",
        "choice",
        "INFO",
        "Lowest level written to the log",
        ("DEBUG", "INFO", "WARNING", "ERROR"),
    ),
    Setting("log.max_bytes", "int", 5_000_000, "Size at which a log file is rotated", (), 1, 10**9),
    Setting("log.backups", "int", 5, "Rotated log files kept", (), 0, 100),
    Setting("devices.priority", "table", dict, "Driver id -> score that overrides its probe score"),
    Setting(
        "devices.fingerprint", "str", "", "Device id of the fingerprint reader to use (empty: best found)"
    ),
    Setting("devices.camera", "str", "", "Device id of the camera to use (empty: best found)"),
    Setting(
        "devices.poll_interval",
        "float",
        2.0,
        "Seconds between hot-plug scans where udev is absent",
        (),
        0.1,
        3600,
    ),
    Setting("backend.enrolment_file", "path", "", "station-enrolment.json of the backend this station joins"),
    Setting("backend.timeout", "float", 10.0, "Seconds before a backend call is given up", (), 0.1, 600),
    Setting("outbox.send_interval", "float", 5.0, "Seconds between delivery rounds when idle", (), 0.1, 3600),
    Setting("ui.fullscreen", "bool", False, "Run the window full screen (kiosk mode)"),
)

BY_NAME = {s.name: s for s in SETTINGS}
