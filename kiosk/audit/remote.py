"""The station's audit checkpoints at its backend: delivered after each delivery round, asked back by
`kiosk audit verify`.

Locally, a log cut together with its newest checkpoints, or deleted whole, leaves nothing to compare
with. The backend keeps the newest checkpoint each station delivered (`POST /audit/checkpoints`) and
refuses one from a log that no longer passes through the last it acknowledged, counting the conflict
(kiosk/backend/checkpoints.py). Call `deliver_checkpoint(client, audit)` at logout; the outbox sender
does it through a `CheckpointCourier` whenever its queue runs dry and the log's head has moved.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.audit.chain import CHECKPOINTS_FILE, Checkpoint, log_files, parse_entry
from kiosk.audit.tail import last_line
from kiosk.audit.verify import Remote
from kiosk.client.http import BackendError

log = logging.getLogger("kiosk.audit")
ATTEMPTS = 3  # a `checkpoint_stale` answer means another process delivered meanwhile: ask again


def newest_checkpoint(directory: Path) -> Checkpoint | None:
    """The last complete checkpoint of `checkpoints.jsonl`, or None."""
    text, complete = last_line(Path(directory) / CHECKPOINTS_FILE)
    if text is None or not complete:
        return None
    try:
        return Checkpoint.from_json(json.loads(text))
    except ValueError:
        return None


def hash_at(directory: Path, seq: int) -> str | None:
    """The hash of entry `seq` in the log, or None when the log holds no such entry (newest files first)."""
    needle = f',"seq":{seq},"ts":'.encode()  # canonical JSON: keys sorted, so "seq" comes before "ts"
    for path in reversed(log_files(Path(directory))):
        data = path.read_bytes()
        position = data.rfind(needle)
        while position >= 0:
            start = data.rfind(b"\n", 0, position) + 1
            end = data.find(b"\n", position)
            try:
                entry = parse_entry(data[start : end if end >= 0 else len(data)].decode("utf-8"))
                if entry["seq"] == seq:
                    return str(entry["hash"])
            except (ValueError, UnicodeDecodeError):
                pass
            position = data.rfind(needle, 0, position)
    return None


def deliver_checkpoint(client: Any, audit: Any) -> Any:
    """Sign the log's head if no checkpoint covers it, and deliver the newest checkpoint to the backend.

    `client` is the station's `BackendClient`, `audit` its `AuditLog`. Returns the backend's
    acknowledgement (`AuditCheckpointAck`), or None when the log has nothing to sign yet. Raises
    `BackendError`: `backend.error.checkpoint_conflict` when the log no longer passes through the
    last checkpoint the backend acknowledged (it was cut or rewritten), or a network failure."""
    audit.checkpoint()
    point = newest_checkpoint(audit.directory)
    if point is None:
        return None
    for attempt in range(ATTEMPTS):
        last = client.last_checkpoint()
        acknowledged = None
        if last is not None:
            here = hash_at(audit.directory, last.seq)
            if here == last.hash and last.seq >= point.seq:
                return last  # the backend already holds this point or a later one of the same log
            acknowledged = {"seq": last.seq, "hash": here}
        try:
            return client.deliver_checkpoint(point.to_json(), acknowledged)
        except BackendError as exc:
            if exc.api_code != "checkpoint_stale" or attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def remote_checkpoint(client: Any) -> Remote | None:
    """The last checkpoint the backend acknowledged for this station, for `verify_log(remote=...)`."""
    last = client.last_checkpoint()
    return None if last is None else Remote(last.seq, last.hash, last.ts)


class CheckpointCourier:
    """Delivers when the log's head moved since the last delivery; after a failure, waits before the next
    try (doubling up to `max_wait`), so an unreachable backend costs no request on every idle tick."""

    def __init__(
        self,
        client: Any,
        audit: Any,
        clock: Callable[[], float] = time.monotonic,
        min_wait: float = 30.0,
        max_wait: float = 600.0,
    ) -> None:
        self.client = client
        self.audit = audit
        self.clock = clock
        self.min_wait, self.max_wait = min_wait, max_wait
        self.delivered_head: str | None = None
        self.wait = 0.0
        self.next_try = 0.0
        self.last_error: BackendError | None = None

    def __call__(self) -> None:
        """One delivery round (the sender calls this when its queue runs dry); never raises."""
        if self.clock() < self.next_try:
            return
        try:
            head = self.audit.head()
            if head == self.delivered_head:
                return
            deliver_checkpoint(self.client, self.audit)
        except Exception as exc:  # the backend down, a conflict, a full disk: logged, retried later
            self.last_error = exc if isinstance(exc, BackendError) else None
            self.wait = min(self.max_wait, max(self.min_wait, self.wait * 2))
            self.next_try = self.clock() + self.wait
            code = exc.message.code if isinstance(exc, BackendError) else type(exc).__name__
            log.warning("audit checkpoint not delivered", extra={"code": code})
            return
        self.delivered_head, self.wait, self.next_try, self.last_error = head, 0.0, 0.0, None
