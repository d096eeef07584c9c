"""Delivering the outbox: one packet at a time, exponential backoff with jitter, exactly-once by packet id.

A packet is "delivered" only with a receipt whose signature, packet id and digest verified (the
`Deliver` callable raises otherwise); then its sealed bytes are purged. Answers that condemn the
packet itself (tampered, malformed, replayed id) set it aside as rejected with the backend's code;
everything else (network, backend down or lying, station-wide problems such as a wrong clock or a
revoked station) leaves it queued and tries again later. A failure of the backend also pauses the
whole queue, so a station with 200 waiting packets makes one request per backoff step during an
outage, not 200. A bug in the delivery code (any other exception) postpones only that packet.

Given the station's audit log, the sender records every outcome that settles a packet there (a
verified receipt, a rejection): whoever delivered it, the window application or `kiosk outbox
flush`. `after_round` runs when the queue has run dry (the station's audit checkpoints go to the
backend then, see `kiosk.audit.remote.CheckpointCourier`).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.audit import events
from kiosk.client.http import BackendError
from kiosk.errors import KioskError
from kiosk.outbox import faults
from kiosk.outbox.store import OutboxStore

log = logging.getLogger("kiosk.outbox")

# Answers about the packet itself: sending it again cannot help.
PACKET_FAULTS = frozenset(
    {
        "too_large",
        "malformed_packet",
        "unknown_key",
        "decryption_failed",
        "bad_signature",
        "unsigned_packet",
        "station_mismatch",
        "packet_id_mismatch",
        "packet_id_reused",
        "manifest_invalid",
        "record_invalid",
        "unregistered_device",
    }
)

# (packet id, sealed bytes) -> (verified receipt as JSON text, folio); raises BackendError.
Deliver = Callable[[str, bytes], tuple[str, str]]


@dataclass(frozen=True)
class Outcome:
    packet_id: str
    result: str  # delivered, retry, rejected
    detail: str = ""  # the folio when delivered, else the message or contract code


class Sender:
    def __init__(
        self,
        store: OutboxStore,
        deliver: Deliver,
        base_delay: float = 2.0,
        max_delay: float = 600.0,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        audit: Any = None,
        after_round: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.audit = audit
        self.after_round = after_round
        self.deliver = deliver
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.clock = clock
        self.rng = rng or random.Random()
        self.failures = 0  # consecutive failures of the backend, whichever packet met them
        self.paused_until = 0.0
        self.last_error: BackendError | None = None
        self._purged = False
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def backoff(self, attempts: int) -> float:
        """Exponential with "equal jitter": between half and all of base * 2^(attempts-1), capped.

        The random half spreads a fleet of stations that all lost the backend at once; the fixed half
        keeps any one station from retrying at once after a failure.
        """
        ceiling = min(self.max_delay, self.base_delay * (2 ** max(0, attempts - 1)))
        return self.rng.uniform(ceiling / 2, ceiling)

    @property
    def paused(self) -> bool:
        return self.clock() < self.paused_until

    def deliver_one(self) -> Outcome | None:
        """Try the next due packet now (ignores the pause: a caller asking explicitly gets an attempt)."""
        packet = self.store.claim_due(self.clock())
        if packet is None:
            if self._purged:  # the queue ran dry: now fold the zeroed pages into the file
                self._purged = False
                self.store.compact()
            return None
        assert packet.blob is not None  # only sealed packets are claimed, and those keep their bytes
        try:
            receipt, folio = self.deliver(packet.packet_id, packet.blob)
        except BackendError as exc:
            self.last_error = exc
            if exc.api_code in PACKET_FAULTS:
                self.store.reject(packet.packet_id, exc.api_code)
                log.warning("packet rejected", extra={"packet_id": packet.packet_id, "code": exc.api_code})
                self._audit(events.DELIVERY_FAILED, packet_id=packet.packet_id, code=exc.api_code, final=True)
                return Outcome(packet.packet_id, "rejected", exc.api_code)
            now = self.clock()
            delay = self.backoff(packet.attempts)
            self.store.retry_later(packet.packet_id, exc.message.code, now + delay)
            self.failures += 1
            self.paused_until = now + self.backoff(self.failures)
            log.info(
                "delivery postponed",
                extra={"packet_id": packet.packet_id, "code": exc.message.code, "delay_s": round(delay, 1)},
            )
            return Outcome(packet.packet_id, "retry", exc.message.code)
        except Exception as exc:  # a bug must not lose the packet: it stays queued
            self.store.retry_later(
                packet.packet_id, f"bug: {type(exc).__name__}", self.clock() + self.backoff(packet.attempts)
            )
            log.exception("delivery failed unexpectedly", extra={"packet_id": packet.packet_id})
            return Outcome(packet.packet_id, "retry", type(exc).__name__)
        self.last_error = None
        self.failures = 0
        self.paused_until = 0.0
        self.store.delivered(
            packet.packet_id,
            receipt,
            folio,
            self.clock(),
            before_commit=lambda: faults.hit("in_commit"),
            purge=True,
        )
        self._purged = True
        log.info("packet delivered", extra={"packet_id": packet.packet_id, "folio": folio})
        self._audit(events.RECEIPT, packet_id=packet.packet_id, folio=folio, purged=True)  # bytes dropped
        return Outcome(packet.packet_id, "delivered", folio)

    def _audit(self, event: str, **fields: Any) -> None:
        """Record a settled packet; a log that cannot be written (full disk) must not undo a delivery."""
        if self.audit is None:
            return
        try:
            self.audit.append(event, role="system", fields=fields)
        except (KioskError, OSError):
            log.warning("delivery not audited", extra={"packet_id": str(fields.get("packet_id"))})

    def drain(self, deadline: float | None = None) -> list[Outcome]:
        """Deliver everything due now; stop early when the backend fails (the rest would fail the same)."""
        outcomes = []
        while deadline is None or self.clock() < deadline:
            outcome = self.deliver_one()
            if outcome is None:
                break
            outcomes.append(outcome)
            if outcome.result == "retry" and self.paused:
                break
        return outcomes

    # -- background thread --------------------------------------------------------------------------
    def start(self, idle_interval: float = 5.0) -> None:
        if self._thread is not None:
            return
        self.store.recover()
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._loop, args=(idle_interval,), name="outbox-sender", daemon=True
        )
        self._thread.start()

    def _loop(self, idle_interval: float) -> None:
        while not self._stop.is_set():
            try:
                wait = self._step(idle_interval)
            except Exception:  # the store failed (disk full, I/O): keep the thread, try again later
                log.exception("outbox sender step failed")
                wait = idle_interval
                try:  # a packet whose outcome could not be recorded would otherwise wait for a restart
                    self.store.recover()
                except Exception:
                    log.exception("outbox recovery failed")
            if wait > 0:
                self._wake.wait(wait)
                self._wake.clear()

    def _step(self, idle_interval: float) -> float:
        """One round of the thread; returns how long to sleep before the next."""
        if self.paused:
            return min(idle_interval, self.paused_until - self.clock())
        outcome = self.deliver_one()
        if outcome is not None:
            return 0.0
        if self.after_round is not None:
            self.after_round()
        due = self.store.next_due_at()
        return idle_interval if due is None else max(0.05, min(idle_interval, due - self.clock()))

    def poke(self) -> None:
        """A new packet was sealed, or an operator asked: try now rather than after the pause or idle tick."""
        self.paused_until = 0.0
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
