"""Reprint by folio: the Acuse a person lost, found again in the outbox and verified again.

The outbox keeps a delivered packet's row after its sealed bytes are purged: the backend's signed
receipt and its folio (`kiosk.outbox.store`). A reprint needs nothing else of the person, and gets
nothing else: the masked CURP, folio, times and digest are read from the signed payload itself (not from
the unsigned copy stored beside it), and the signature is checked again now against the backend keys
the station trusts. A row edited on disk therefore prints as "not verified", never as verified.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from kiosk.api.envelopes import unb64
from kiosk.enrol.station import StationContext
from kiosk.enrol.submit import ReceiptView, receipt_for


def normalize_folio(text: str) -> str:
    """As a clerk types or scans it: spaces dropped, upper case."""
    return "".join(text.split()).upper()


def receipt_by_folio(station: StationContext, folio: str) -> ReceiptView | None:
    """The verified Acuse this station holds for `folio`, or None when it holds none."""
    wanted = normalize_folio(folio)
    row = station.outbox.by_folio(wanted) if wanted else None
    if row is None or not row.receipt:
        return None
    signed = _signed_body(row.receipt)
    if signed is None:
        return None
    base = ReceiptView(
        kind="acuse",
        packet_id=row.packet_id,
        digest=row.digest,
        station_id=str(signed.get("station_id", station.station_id)),
        station_name=station.name,
        curp_masked=str(signed.get("curp_masked", "")),
        person_name="",  # a reprint knows the person only as the receipt does
        sealed_at=_iso(row.created_at),
        test=row.test,
    )
    view = receipt_for(station, base)
    if view.kind != "acuse":
        return None
    return replace(
        view,
        folio=str(signed.get("folio", "")),
        received_at=signed.get("received_at"),
        verified=view.verified and signed.get("folio") == wanted,
    )


def _signed_body(stored: str) -> dict[str, Any] | None:
    """The receipt body as the backend signed it (its signature is checked by `receipt_for`)."""
    try:
        envelope = json.loads(stored)["envelope"]
        body = json.loads(unb64(envelope["payload"]))
    except (ValueError, KeyError, TypeError):
        return None
    return body if isinstance(body, dict) else None


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
