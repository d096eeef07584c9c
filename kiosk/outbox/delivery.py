"""Wiring the outbox to the station's backend: open the store, build the sender, deliver and verify."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kiosk.client.backend import BackendClient
from kiosk.outbox import faults
from kiosk.outbox.health import OUTBOX_FILE
from kiosk.outbox.sender import Deliver
from kiosk.outbox.store import OutboxStore

__all__ = ["OUTBOX_FILE", "deliver_with", "open_outbox", "verify_stored_receipt"]


def open_outbox(data_dir: Path) -> OutboxStore:
    return OutboxStore(data_dir / OUTBOX_FILE)


def deliver_with(client: BackendClient) -> Deliver:
    """Submit and verify: only a receipt whose signature, packet id and digest check out is returned.

    The stored receipt is the backend's signed envelope plus its verified body, so it can be checked
    again later (`verify_stored_receipt`) without trusting the outbox file.
    """
    if faults.active():
        _arm_after_send(client)

    def deliver(packet_id: str, blob: bytes) -> tuple[str, str]:
        body, envelope, _resend = client.submit(packet_id, blob)
        return json.dumps({"envelope": envelope.model_dump(), "body": body.model_dump()}), body.folio

    return deliver


def verify_stored_receipt(client: BackendClient, packet_id: str, digest: str, receipt: str) -> bool:
    """Whether a receipt kept in the outbox is signed by a trusted backend key for this packet and digest."""
    from kiosk.api import models
    from kiosk.client.http import BackendError

    try:
        envelope = models.Receipt.model_validate(json.loads(receipt)["envelope"])
        body = client.verify_receipt(envelope, packet_id, None)
    except (BackendError, ValueError, KeyError, TypeError):
        return False
    return body.digest == digest


def _arm_after_send(client: BackendClient) -> None:
    """The `after_send` crash point: the answer's headers are in (the backend committed), body unread."""

    def hook(response: Any, *args: Any, **kwargs: Any) -> Any:
        request = response.request
        if request.method == "POST" and request.path_url.endswith("/packets"):
            faults.hit("after_send")
        return response

    client.http.http.hooks["response"].append(hook)
