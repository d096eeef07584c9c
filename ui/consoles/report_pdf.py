"""The diagnostic report as a PDF a person can read: the station, one table of devices, then each
device's self-tests with value, limit, result and what to do, in the technician's language.

Laid out as rich text (`QTextDocument`) and printed to a `QPdfWriter`: a report is a few tables of text,
unlike the receipt, which is drawn to the millimetre. Everything comes from the report's JSON and the
catalogue; the report holds no image and nothing about any person, so the PDF does not either.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from kiosk.messages import Message
from kiosk.private import write_private
from ui.qt import QBuffer, QIODevice, QMarginsF, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from ui.style import BAD, INK, MUTED, OK

STATUS_COLOURS = {"pass": OK, "fail": BAD, "skip": MUTED}


def _t(code: str, language: str, **params: Any) -> str:
    return escape(Message(code, params).render(language))


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th align='left'>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (
        "<table border='1' cellspacing='0' cellpadding='4' width='100%' style='border-color:#d4d9d6'>"
        f"<tr style='background:#eef1ef'>{head}</tr>{body}</table>"
    )


def report_html(data: dict[str, Any], language: str) -> str:
    station = data["station"]
    verdict = "ui.report.passed" if data["passed"] else "ui.report.failed"
    versions = _t(
        "ui.report.versions", language, software=station["software_version"], policy=station["policy_version"]
    )
    colour = OK if data["passed"] else BAD
    parts = [
        f"<h1 style='color:{INK}'>{_t('ui.report.title', language)}</h1>",
        f"<p>{_t('ui.report.station', language, name=station['name'], id=station['id'])}<br>"
        f"{_t('ui.report.created', language, created=data['created'])}<br>"
        f"{versions}"
        f"<br>{escape(data['environment']['platform'])} · Python {escape(data['environment']['python'])}</p>",
        f"<h2 style='color:{colour}'>{_t(verdict, language)}</h2>",
        f"<h3>{_t('ui.devices.title', language)}</h3>",
    ]
    columns = ("device", "driver", "serial", "firmware", "state", "registered", "verdict")
    rows = []
    table = data.get("device_table", [])
    refused = [row["driver"] for row in table if row["state"] == "refused"]
    for row in (r for r in table if r["state"] != "refused"):
        registered = {None: "ui.devices.registered.unknown", True: "ui.devices.registered.yes"}.get(
            row["registered"], "ui.devices.registered.no"
        )
        rows.append(
            [
                escape(row["name"]),
                escape(row["driver"]),
                escape(row["serial"]),
                escape(row["firmware"]),
                _t(f"ui.devices.state.{row['state']}", language),
                _t(registered, language),
                _t(row["verdict"], language, serial=row["serial"]),
            ]
        )
    parts.append(_table([_t(f"ui.devices.column.{c}", language) for c in columns], rows))
    if refused:
        parts.append(f"<p>{_t('ui.devices.refused', language, drivers=', '.join(refused))}</p>")
    for device in data["devices"]:
        info = device["device"]
        passed = "devices.cli.device_passed" if device["passed"] else "devices.cli.device_failed"
        parts.append(f"<h3>{escape(info['name'])} · {escape(info['serial'])}</h3>")
        parts.append(f"<p>{_t(passed, language, device=info['id'])}</p>")
        checks = []
        for check in device["checks"]:
            value = "" if check["value"] is None else f"{check['value']} {check['unit']}".strip()
            status = check["status"]
            advice = _t(check["advice"], language, **check["params"]) if check["advice"] else ""
            checks.append(
                [
                    _t(f"devices.check.{check['name']}", language),
                    escape(value),
                    escape(check["limit"]),
                    f"<span style='color:{STATUS_COLOURS[status]}'><b>"
                    f"{_t(f'devices.status.{status}', language)}</b></span>",
                    advice,
                ]
            )
        header = [
            _t(f"ui.report.column.{c}", language) for c in ("check", "value", "limit", "status", "advice")
        ]
        parts.append(_table(header, checks))
        if device["error"]:
            error = device["error"]
            parts.append(
                f"<p style='color:{BAD}'><b>{_t(error['code'], language, **error.get('params', {}))}</b></p>"
            )
    for failed in data.get("open_errors", []):
        parts.append(f"<p style='color:{BAD}'>{_t(failed['code'], language, **failed.get('params', {}))}</p>")
    return (
        "<html><body style='font-family:\"DejaVu Sans\"; font-size:9pt'>" + "".join(parts) + "</body></html>"
    )


def report_pdf_bytes(data: dict[str, Any], language: str) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(150)
    writer.setCreator("kiosk")
    writer.setTitle(Message("ui.report.title").render(language))
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.Letter),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    document = QTextDocument()
    document.setHtml(report_html(data, language))
    document.print_(writer)
    del writer
    pdf = bytes(buffer.data().data())
    buffer.close()
    return pdf


def write_report_pdf(data: dict[str, Any], path: Path, language: str) -> Path:
    write_private(path, report_pdf_bytes(data, language))
    return path
