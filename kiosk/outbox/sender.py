"""Delivering the outbox: one packet at a time, exponential backoff with jitter, exactly-once by packet id.

A packet is "delivered" only with a receipt whose signature verified; then its sealed bytes are purged.
Answers that condemn the packet itself (tampered, malformed, replayed id) set it aside as rejected
with the backend's code; everything else (network, backend down or lying, station-wide problems such
as a wrong clock) leaves it queued and tries again later.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.client.http import BackendError
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

# (packet id, sealed bytes) -> (receipt envelope as JSON text, folio); raises BackendError.
Deliver = Callable[[str, bytes], tuple[str, str]]


@dataclass(frozen=True)
class Outcome:
    packet_id: str
    result: str  # delivered, retry, rejected
    detail: str = ""


class Sender:
    def __init__(
        self,
        store: OutboxStore,
        deliver: Deliver,
        base_delay: float = 2.0,
        max_delay: float = 600.0,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.deliver = deliver
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.clock = clock
        self.rng = rng or random.Random()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: BackendError | None = None

    def backoff(self, attempts: int) -> float:
        """Full-jitter exponential backoff: spreads a fleet of stations after an outage."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** max(0, attempts - 1)))
        return self.rng.uniform(ceiling / 2, ceiling)

    def deliver_one(self) -> Outcome | None:
        packet = self.store.claim_due(self.clock())
        if packet is None:
            return None
        assert packet.blob is not None
        try:
            receipt, folio = self.deliver(packet.packet_id, packet.blob)
        except BackendError as exc:
            self.last_error = exc
            if exc.api_code in PACKET_FAULTS:
                self.store.reject(packet.packet_id, exc.api_code or exc.message.code)
                log.warning("packet rejected", extra={"packet_id": packet.packet_id, "code": exc.api_code})
                return Outcome(packet.packet_id, "rejected", exc.api_code or "")
            delay = self.backoff(packet.attempts)
            self.store.retry_later(packet.packet_id, exc.message.code, self.clock() + delay)
            log.info(
                "delivery postponed",
                extra={"packet_id": packet.packet_id, "code": exc.message.code, "delay_s": round(delay, 1)},
            )
            return Outcome(packet.packet_id, "retry", exc.message.code)
        except Exception as exc:  # a bug must not lose the packet: it stays queued
            self.store.retry_later(
                packet.packet_id, type(exc).__name__, self.clock() + self.backoff(packet.attempts)
            )
            log.exception("delivery failed unexpectedly", extra={"packet_id": packet.packet_id})
            return Outcome(packet.packet_id, "retry", type(exc).__name__)
        self.last_error = None
        self.store.delivered(packet.packet_id, receipt, folio, self.clock())
        self.store.purge(packet.packet_id)
        log.info("packet delivered", extra={"packet_id": packet.packet_id, "folio": folio})
        return Outcome(packet.packet_id, "delivered", folio)

    def drain(self, deadline: float | None = None) -> list[Outcome]:
        """Deliver everything due now (for `kiosk outbox flush` and the headless enrolment)."""
        outcomes = []
        while deadline is None or self.clock() < deadline:
            outcome = self.deliver_one()
            if outcome is None:
                break
            outcomes.append(outcome)
        return outcomes

    # -- background thread --------------------------------------------------------------------------
    def start(self, idle_interval: float = 5.0) -> None:
        if self._thread is not None:
            return
        self.store.recover()
        self._stop.clear()

        def loop() -> None:
            while not self._stop.is_set():
                if self.deliver_one() is None:
                    self._wake.wait(idle_interval)
                    self._wake.clear()

        self._thread = threading.Thread(target=loop, name="outbox-sender", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        """A new packet was sealed: try now rather than at the next idle tick."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
