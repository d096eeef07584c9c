"""What a person may do to the outbox from the station's consoles, each step checked and audited.

The screens call these and only show the outcome: the operator's permission is checked here against
the roles table (`manage_outbox` to retry, `outbox_export` to move packets, as the command line), and
every action lands in the audit log as that operator. The same media functions serve
`kiosk outbox export|import`.

Retention of rejected packets: the backend refused them for good (a signature it cannot verify, a
device it does not know), but the cause is sometimes fixed at the station and a retry then succeeds,
so their sealed bytes are kept for the policy's `outbox.rejected_retention_s` after sealing. After
that they are purged like a delivered packet (the row stays, with its code) and the purge is audited.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.audit import events
from kiosk.audit.log import AuditLog
from kiosk.errors import KioskError
from kiosk.operators.session import OperatorSession
from kiosk.outbox import media
from kiosk.outbox.store import OutboxStore
from kiosk.roles import Permission
from kiosk.station.keys import StationKeys


@dataclass
class OutboxHands:
    """The outbox actions of one signed-in operator at one station."""

    store: OutboxStore
    audit: AuditLog
    session: OperatorSession
    station_id: str
    keys: StationKeys
    clock: Callable[[], float] = time.time

    def _may(self, permission: Permission) -> None:
        self.session.require(permission, self.station_id)

    def retry(self, packet_id: str) -> None:
        """Put a rejected packet back in the queue; the sender tries it at its next round."""
        self._may(Permission.MANAGE_OUTBOX)
        packet = self.store.get(packet_id)
        if packet is None:
            raise KioskError("outbox.unknown_packet", packet_id=packet_id)
        if not self.store.requeue(packet_id):
            raise KioskError("outbox.retry_not_possible", packet_id=packet_id)
        self.session.record(
            self.audit, events.OUTBOX_RETRY, {"packet_id": packet_id, "code": packet.reject_code or "-"}
        )

    def export(self, folder: Path) -> dict[str, Any]:
        """Every waiting packet to `folder` with the signed manifest (see `kiosk.outbox.media`)."""
        self._may(Permission.OUTBOX_EXPORT)
        document = media.export(
            self.store,
            Path(folder),
            self.station_id,
            self.keys.public.to_json(),
            lambda data: self.keys.sign(data).to_bytes(),
            self.clock(),
        )
        self.session.record(self.audit, events.OUTBOX_EXPORT, {"packets": len(document["packets"])})
        return document

    def import_from(self, folder: Path) -> dict[str, Any]:
        """Another station's export, checked whole, queued here for delivery."""
        self._may(Permission.OUTBOX_EXPORT)
        result = media.import_folder(self.store, Path(folder))
        self.session.record(
            self.audit,
            events.OUTBOX_IMPORT,
            {
                "from_station": result["station_id"],
                "imported": result["imported"],
                "already_here": result["already_here"],
            },
        )
        return result


def purge_expired_rejected(
    store: OutboxStore, audit: AuditLog | None, retention_s: int, now: float
) -> list[str]:
    """Drop the sealed bytes of rejected packets sealed more than `retention_s` ago, each audited.

    Run by the station itself (at start and after each delivery round), not by a person: the audit
    entry's actor is the system. Returns the ids purged."""
    purged = []
    for packet in store.all():
        if packet.state != "rejected" or packet.blob is None or now - packet.created_at <= retention_s:
            continue
        if store.purge_rejected(packet.packet_id):
            purged.append(packet.packet_id)
            if audit is not None:
                audit.append(
                    events.OUTBOX_PURGE,
                    role="system",
                    fields={
                        "packet_id": packet.packet_id,
                        "why": "rejected_retention",
                        "code": packet.reject_code or "-",
                        "retention_s": retention_s,
                    },
                )
    return purged
