"""The technician's diagnostic report: the self-tests, the device table and the station, saved and sent.

The report is what `kiosk diagnose` saves (environment, inventory, every check with its value, limit and
advice) plus the station it came from and the devices page's table (allow-list and registration). It
holds no image and nothing about any person. It is saved as JSON (owner-only, like everything in the
station's folder) next to a PDF a person can read (drawn by the window), and uploaded to the backend's
diagnostics operation with the technician's session.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from devices.diagnostics import DiagnosticsReport
from kiosk import __version__
from kiosk.api import models
from kiosk.audit import events
from kiosk.enrol.station import StationContext
from kiosk.errors import KioskError
from kiosk.jobs import Job
from kiosk.operators.login import OperatorLogin
from kiosk.private import private_dir, write_private
from kiosk.station.device_rows import DeviceRow

FOLDER = "diagnostics"


def station_report(
    station: StationContext, report: DiagnosticsReport, rows: list[DeviceRow]
) -> dict[str, Any]:
    data = report.to_json()
    data["station"] = {
        "id": station.station_id,
        "name": station.name,
        "software_version": __version__,
        "policy_version": station.policy.version,
        "online": station.online,
    }
    data["device_table"] = [r.to_json() for r in rows]
    return data


def report_name(data: dict[str, Any]) -> str:
    stamp = "".join(ch for ch in str(data.get("created", "")) if ch.isdigit())[:14] or "report"
    return f"diagnostics-{data['station']['id']}-{stamp}"


def export_json(data: dict[str, Any], folder: Path) -> Path:
    """Write the report as `<folder>/diagnostics-<station>-<time>.json`; a folder that cannot take it
    (read-only, full, missing medium) is one clear error."""
    try:
        private_dir(folder)
        path = Path(folder) / (report_name(data) + ".json")
        write_private(path, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
    except OSError as exc:
        raise KioskError(
            "devices.cli.cannot_write", path=str(folder), reason=exc.strerror or str(exc)
        ) from None
    return path


def upload_job(
    station: StationContext, login: OperatorLogin, data: dict[str, Any]
) -> Job[models.DiagnosticsStored, models.DiagnosticsStored]:
    """Send the report to the backend's diagnostics operation as the signed-in technician."""
    client = station.client
    if client is None or login.token is None:
        raise KioskError("station.diagnostics.offline")
    token = login.token

    def finish(stored: models.DiagnosticsStored) -> models.DiagnosticsStored:
        login.session.record(
            station.audit, events.DIAGNOSTICS, {"check": "report_uploaded", "report": stored.report_id}
        )
        return stored

    return Job("diagnostics.upload", lambda: client.upload_diagnostics(token, data), finish)
