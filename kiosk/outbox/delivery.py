"""Wiring the outbox to the station's backend: open the store, build the sender, deliver and verify."""

from __future__ import annotations

import json
from pathlib import Path

from kiosk.client.backend import BackendClient
from kiosk.outbox.sender import Deliver
from kiosk.outbox.store import OutboxStore

OUTBOX_FILE = "outbox.db"


def open_outbox(data_dir: Path) -> OutboxStore:
    return OutboxStore(data_dir / OUTBOX_FILE)


def deliver_with(client: BackendClient) -> Deliver:
    """Submit and verify: only a receipt whose signature, packet id and digest check out is returned."""

    def deliver(packet_id: str, blob: bytes) -> tuple[str, str]:
        body, envelope, _resend = client.submit(packet_id, blob)
        return json.dumps({"envelope": envelope.model_dump(), "body": body.model_dump()}), body.folio

    return deliver
