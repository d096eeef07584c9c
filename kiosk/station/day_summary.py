"""Today at this station, for the supervisor: read back from what the station already keeps.

The audit log records every enrolment step with scores, reasons and who confirmed, and the outbox holds
each packet's state, so the day's account needs no store of its own (nothing new about a person is
kept). Person identifiers never reach the summary: decisions carry finger positions, codes, reasons
and operator ids (masked again through `kiosk.masking`, in case one looks like an identifier), and the
NFIQ 2 figures are scores per finger position and per reader, not per person.

The score kept for a finger is the one the flow kept: its accepted attempt, or the best attempt a
confirmation accepted below the threshold; a retake at review replaces it. Attempts that were retried
are not counted (they were never kept), so the chart shows what went into the packets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

from kiosk.audit import events
from kiosk.audit.log import AuditEntry
from kiosk.clock import local_day
from kiosk.masking import mask_text
from kiosk.outbox.overview import OutboxView
from kiosk.outbox.overview import for_station as outbox_for_station
from kiosk.roles import Permission, require

# Decisions a person had to take beside the machine, as the summary lists them.
EXCEPTION = "exception"
BELOW_THRESHOLD = "below_threshold"
FACE_BELOW_THRESHOLD = "face_below_threshold"
REENROLMENT = "reenrolment"


@dataclass(frozen=True)
class Decision:
    """An exception, a below-threshold acceptance or a re-enrolment, and who confirmed it."""

    ts: str
    kind: str
    operator: str  # the clerk at the window (masked)
    confirmed_by: str  # the operator itself, or the supervisor who signed in over the session (masked)
    finger: str | None = None
    code: str | None = None  # XX / UP for an exception
    reason: str | None = None  # the exception's or the re-enrolment's reason
    score: float | None = None  # NFIQ 2 (finger) or the face score accepted below the threshold

    @property
    def by_supervisor(self) -> bool:
        return self.confirmed_by != self.operator


@dataclass(frozen=True)
class Rejection:
    ts: str
    packet_id: str
    code: str  # the backend's code (kiosk.outbox.sender.PACKET_FAULTS)


@dataclass(frozen=True)
class Scores:
    """NFIQ 2 scores of the fingers kept, for one finger position or one reader."""

    values: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> float:
        return round(fmean(self.values), 1) if self.values else 0.0

    @property
    def low(self) -> int:
        return min(self.values, default=0)

    @property
    def high(self) -> int:
        return max(self.values, default=0)

    def below(self, threshold: int) -> int:
        return sum(v < threshold for v in self.values)


@dataclass
class DaySummary:
    day: dt.date
    started: int = 0  # visits opened
    sealed: int = 0  # packets sealed (enrolments done)
    delivered: int = 0  # verified receipts that arrived today
    refused: int = 0  # sessions the station refused to start (freeze, disk, devices)
    decisions: list[Decision] = field(default_factory=list)
    confirmations: int = 0  # supervisor sign-ins over a clerk's session that succeeded
    failed_confirmations: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    by_finger: dict[str, Scores] = field(default_factory=dict)
    by_device: dict[str, Scores] = field(default_factory=dict)
    threshold: int = 40
    outbox: OutboxView | None = None  # the outbox now (`for_station`)

    @property
    def unsealed(self) -> int:
        """Visits opened that ended without a packet (consent refused, cancelled, idle, still open)."""
        return max(self.started - self.sealed, 0)

    def of_kind(self, kind: str) -> list[Decision]:
        return [d for d in self.decisions if d.kind == kind]

    @property
    def reenrolments(self) -> int:
        return len(self.of_kind(REENROLMENT))

    def to_json(self) -> dict[str, Any]:
        def scores(table: Mapping[str, Scores]) -> dict[str, Any]:
            return {
                k: {
                    "count": s.count,
                    "mean": s.mean,
                    "min": s.low,
                    "max": s.high,
                    "below": s.below(self.threshold),
                }
                for k, s in table.items()
            }

        return {
            "day": self.day.isoformat(),
            "started": self.started,
            "sealed": self.sealed,
            "delivered": self.delivered,
            "unsealed": self.unsealed,
            "refused": self.refused,
            "reenrolments": self.reenrolments,
            "decisions": [d.__dict__ for d in self.decisions],
            "confirmations": self.confirmations,
            "failed_confirmations": self.failed_confirmations,
            "rejections": [r.__dict__ for r in self.rejections],
            "nfiq2_threshold": self.threshold,
            "nfiq2_by_finger": scores(self.by_finger),
            "nfiq2_by_device": scores(self.by_device),
            "outbox": self.outbox.to_json() if self.outbox else None,
        }


def for_station(
    station: Any, role: str, day: dt.date | None = None, tz: dt.tzinfo | None = None, now: float | None = None
) -> DaySummary:
    """The day at `station` (a `StationContext`) for an operator of `role`: a supervisor's view.

    It lists who confirmed what: `view_station_day`, a supervisor's (a technician has it not)."""
    require(role, Permission.VIEW_STATION_DAY)
    tz = tz or dt.datetime.now().astimezone().tzinfo or dt.UTC
    now = station.clock() if now is None else now
    day = day or dt.datetime.fromtimestamp(now, tz).date()
    summary = summarise(station.audit.entries(), day, tz, station.policy.fingers.min_nfiq2)
    summary.outbox = outbox_for_station(station, role, now)
    return summary


def summarise(entries: Iterable[AuditEntry], day: dt.date, tz: dt.tzinfo, threshold: int = 40) -> DaySummary:
    """The summary of `day` (in `tz`) from the audit entries, oldest first."""
    summary = DaySummary(day, threshold=threshold)
    kept: dict[tuple[str, str], tuple[str, int]] = {}  # (session, finger) -> (device, nfiq2)
    last_device: dict[tuple[str, str], str] = {}
    for entry in entries:
        if local_day(entry.ts, tz) != day:
            continue
        _take(summary, entry, kept, last_device)
    fingers: dict[str, list[int]] = {}
    devices: dict[str, list[int]] = {}
    for (_session, finger), (device, score) in kept.items():
        fingers.setdefault(finger, []).append(score)
        devices.setdefault(device, []).append(score)
    summary.by_finger = {k: Scores(tuple(v)) for k, v in fingers.items()}
    summary.by_device = {k: Scores(tuple(v)) for k, v in sorted(devices.items())}
    return summary


def _take(
    summary: DaySummary,
    entry: AuditEntry,
    kept: dict[tuple[str, str], tuple[str, int]],
    last_device: dict[tuple[str, str], str],
) -> None:
    f = entry.fields
    event = entry.event
    actor = mask_text(entry.actor or "-")
    session = str(f.get("session", ""))
    finger = f.get("finger") if isinstance(f.get("finger"), str) else None
    if event == events.ENROLMENT_STARTED:
        summary.started += 1
    elif event == events.SEAL:
        summary.sealed += 1
    elif event == events.RECEIPT:
        summary.delivered += 1
    elif event == events.ENROLMENT_REFUSED:
        summary.refused += 1
    elif event == events.CAPTURE_ATTEMPT and finger is not None:
        device = str(f.get("device") or "-")
        last_device[(session, finger)] = device
        if f.get("verdict") == "accepted" and isinstance(f.get("nfiq2"), int):
            kept[(session, finger)] = (device, int(f["nfiq2"]))
    elif event == events.CAPTURE and f.get("retake") and finger is not None:
        kept.pop((session, finger), None)
    elif event == events.ACCEPTED_BELOW_THRESHOLD:
        face = f.get("modality") == "face"
        score = f.get("score") if face else f.get("nfiq2")
        summary.decisions.append(
            Decision(
                entry.ts,
                FACE_BELOW_THRESHOLD if face else BELOW_THRESHOLD,
                actor,
                mask_text(str(f.get("confirmed_by") or actor)),
                finger=None if face else finger,
                reason=", ".join(map(str, f.get("failed") or [])) or None if face else None,
                score=float(score) if isinstance(score, int | float) else None,
            )
        )
        if not face and finger is not None and isinstance(score, int):
            kept[(session, finger)] = (last_device.get((session, finger), "-"), score)
    elif event == events.EXCEPTION:
        summary.decisions.append(
            Decision(
                entry.ts,
                EXCEPTION,
                actor,
                mask_text(str(f.get("confirmed_by") or actor)),
                finger=finger,
                code=str(f.get("code") or "") or None,
                reason=str(f.get("reason") or "") or None,
            )
        )
        if finger is not None:
            kept.pop((session, finger), None)
    elif event == events.REENROLMENT:
        summary.decisions.append(
            Decision(
                entry.ts,
                REENROLMENT,
                actor,
                mask_text(str(f.get("confirmed_by") or actor)),
                reason=str(f.get("reason") or "") or None,
            )
        )
    elif event in (events.EXCEPTION_CONFIRMED, events.SUPERVISOR_CONFIRMED):
        summary.confirmations += 1
    elif event == events.SUPERVISOR_OVERRIDE_FAILED:
        summary.failed_confirmations += 1
    elif event == events.DELIVERY_FAILED and f.get("final") is True:
        summary.rejections.append(
            Rejection(entry.ts, mask_text(str(f.get("packet_id", "-"))), str(f.get("code") or "-"))
        )
