"""The audit log: who did what and when at this station, append-only and hash-chained.

Every entry links to the one before it (see `kiosk.audit.chain`), across file rotations, and every
so often the station key signs the current head into `checkpoints.jsonl`, so that rewriting the chain
or cutting off its end is caught against a signature an attacker cannot make. The head (the last
entry's hash) goes into every packet manifest: the backend then holds, for each packet, a point the
station's log must still pass through.

The writer takes a file lock and re-reads the tail of the log whenever another process may have
written, so the window application and a technician's command can log at the same time. Each entry is
written whole or not at all (one append; a write cut short by a full disk is truncated back before the
error is raised) and fsynced before `append` returns: an event that happened is on disk, and a full
disk leaves no fragment that could pass for tampering. Only a power cut in the middle of a write can
still tear a line; the writer closes it with an `audit_recovered` entry, which the verifier accepts for
that line only (a torn last line no writer has closed yet is reported as such, not as tampering). A
torn tail of `checkpoints.jsonl` (never a complete signed statement) is dropped by the writer.
"""

from __future__ import annotations

import base64
import errno
import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.audit import events
from kiosk.audit.chain import (
    AUDIT_DIR,
    CHECKPOINTS_FILE,
    GENESIS,
    LOCK_FILE,
    Checkpoint,
    canonical,
    checkpoint_payload,
    entry_hash,
    file_name,
    file_number,
    log_files,
    parse_entry,
)
from kiosk.audit.fields import clean_actor, clean_fields
from kiosk.audit.lock import locked
from kiosk.audit.tail import last_line, line_count
from kiosk.clock import Clock, rfc3339, utcnow
from kiosk.errors import KioskError

Signer = Callable[[bytes], bytes]
MAX_ENTRY_BYTES = 16 * 1024
# The last checkpoint alone pins the whole chain up to it (every hash covers all before it); older ones
# only narrow down where a rewrite began. Hybrid signatures take ~4.5 kB each, so only the newest
# KEEP_CHECKPOINTS are kept once there are twice as many.
KEEP_CHECKPOINTS = 64


def format_ts(moment: datetime) -> str:
    """UTC with milliseconds; a naive time is taken as UTC (never as the machine's zone)."""
    return rfc3339(moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment)


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    ts: str
    actor: str | None
    role: str | None
    event: str
    fields: dict[str, Any]
    prev: str
    hash: str
    file: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "ts": self.ts,
            "actor": self.actor,
            "role": self.role,
            "event": self.event,
            "fields": self.fields,
            "prev": self.prev,
            "hash": self.hash,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], file: str = "") -> AuditEntry:
        return cls(file=file, **data)


@dataclass
class _State:
    file: Path
    size: int
    seq: int
    head: str
    checkpoint_seq: int
    checkpoint_lines: int = 0


class AuditLog:
    """Append-only writer of one station's audit log under `<data_dir>/audit/`."""

    DEFAULT_MAX_BYTES = 8 * 1024 * 1024
    DEFAULT_CHECKPOINT_EVERY = 16

    def __init__(
        self,
        directory: Path,
        *,
        sign: Signer | None = None,
        clock: Clock = utcnow,
        max_bytes: int = DEFAULT_MAX_BYTES,
        checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY,
    ) -> None:
        if checkpoint_every < 1 or max_bytes < 1024:
            raise ValueError("checkpoint_every must be >= 1 and max_bytes >= 1024")
        self.directory = Path(directory)
        self._sign = sign
        self._clock = clock
        self._max_bytes = max_bytes
        self._checkpoint_every = checkpoint_every
        self._thread_lock = threading.RLock()
        self._state: _State | None = None
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with self._locked():
            self._sync()

    @classmethod
    def open(cls, data_dir: Path, **options: Any) -> AuditLog:
        """The station's log in `<data_dir>/audit/` (options as for the constructor)."""
        return cls(Path(data_dir) / AUDIT_DIR, **options)

    # -- writing -------------------------------------------------------------------------------------

    def append(
        self,
        event: str,
        *,
        actor: str | None = None,
        role: str | None = None,
        fields: Mapping[str, Any] | None = None,
    ) -> AuditEntry:
        """Record `event` by `actor` (an operator id, masked here) acting as `role`; returns the entry.

        Raises `KioskError` for an unknown event name or a field that cannot go into the log (image or
        template bytes, an unsupported type); nothing is written then.
        """
        if not events.is_known(event):
            raise KioskError("audit.unknown_event", event=event)
        cleaned = clean_fields(fields or {})
        who = clean_actor(actor)
        with self._locked():
            state = self._sync()
            entry = self._write_entry(state, event, who, None if role is None else str(role), cleaned)
            if self._sign is not None and (
                entry.seq == 1 or entry.seq - state.checkpoint_seq >= self._checkpoint_every
            ):
                self._write_checkpoint(state)
        return entry

    def checkpoint(self) -> Checkpoint | None:
        """Sign the current head now (before sealing a packet, at logout); None without a key or entries."""
        with self._locked():
            state = self._sync()
            if self._sign is None or state.seq == 0 or state.checkpoint_seq == state.seq:
                return None
            return self._write_checkpoint(state)

    def rotate(self) -> Path:
        """Start a new file; its first entry will link to the last entry of the old one."""
        with self._locked():
            return self._rotate(self._sync())

    def close(self) -> None:
        """Sign whatever is not yet covered by a checkpoint (call at shutdown)."""
        self.checkpoint()

    # -- reading -------------------------------------------------------------------------------------

    def head(self) -> str:
        """The hash of the last entry (64 zeros for an empty log): what a packet manifest carries."""
        with self._locked():
            return self._sync().head

    def last_seq(self) -> int:
        with self._locked():
            return self._sync().seq

    def entries(self) -> Iterator[AuditEntry]:
        """Every readable entry, oldest first (for viewers; `kiosk.audit.verify` is what checks them)."""
        for path in log_files(self.directory):
            with path.open(encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    try:
                        yield AuditEntry.from_json(parse_entry(line), path.name)
                    except ValueError:
                        continue

    # -- internals -----------------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """This process's threads first, then other processes (the window app and a command)."""
        with self._thread_lock, locked(self.directory / LOCK_FILE):
            yield

    def _sync(self) -> _State:
        """The writer's position, re-read from disk whenever another process may have moved it."""
        files = log_files(self.directory)
        state = self._state
        if state is not None and files and files[-1] == state.file and _size(state.file) == state.size:
            return state
        if not files:
            files = [self._create(1)]
        current = files[-1]
        seq, head = 0, GENESIS
        for path in reversed(files):
            # Only the file being written can end in a torn line; closed files are read as they are.
            found = self._last_entry(path) if path == current else _last_good(path)
            if found is not None:
                seq, head = found
                break
        points = self.directory / CHECKPOINTS_FILE
        lines = line_count(points) if points.exists() else 0
        self._state = _State(current, _size(current), seq, head, self._last_checkpoint_seq(), lines)
        return self._state

    def _last_entry(self, path: Path) -> tuple[int, str] | None:
        """(seq, hash) of the last entry in `path`, closing a torn final line first."""
        text, complete = last_line(path)
        if text is None:
            return None
        if complete:
            try:
                entry = parse_entry(text)
                return entry["seq"], entry["hash"]
            except ValueError:
                reason = "unreadable"
        else:
            reason = "torn"
        # The last line is damaged: find the entry before it and record the damage in the chain.
        fragment_line = line_count(path) + (0 if complete else 1)
        previous = _last_good(path)
        if not complete:
            append_whole(path, b"\n")
        prev_seq, prev_hash = previous if previous else self._before(path)
        state = _State(path, _size(path), prev_seq, prev_hash, prev_seq)
        fields = {"file": path.name, "line": fragment_line, "reason": reason}
        written = self._write_entry(state, events.AUDIT_RECOVERED, None, "system", fields)
        return written.seq, written.hash

    def _before(self, path: Path) -> tuple[int, str]:
        earlier = [p for p in log_files(self.directory) if p.name < path.name]
        for candidate in reversed(earlier):
            found = _last_good(candidate)
            if found:
                return found
        return 0, GENESIS

    def _write_entry(
        self, state: _State, event: str, actor: str | None, role: str | None, fields: dict[str, Any]
    ) -> AuditEntry:
        body = {
            "seq": state.seq + 1,
            "ts": format_ts(self._clock()),
            "actor": actor,
            "role": role,
            "event": event,
            "fields": fields,
            "prev": state.head,
        }
        body["hash"] = entry_hash(body)
        line = canonical(body) + b"\n"
        if len(line) > MAX_ENTRY_BYTES:
            raise KioskError("audit.entry_too_large", size=len(line), limit=MAX_ENTRY_BYTES)
        if state.size > 0 and state.size + len(line) > self._max_bytes:
            self._rotate(state)
        append_whole(state.file, line)
        state.size += len(line)
        state.seq += 1
        state.head = str(body["hash"])
        return AuditEntry.from_json(body, state.file.name)

    def _write_checkpoint(self, state: _State) -> Checkpoint:
        assert self._sign is not None
        ts = format_ts(self._clock())
        signature = self._sign(checkpoint_payload(state.seq, state.head, ts, state.file.name))
        point = Checkpoint(state.seq, state.head, ts, state.file.name, base64.b64encode(signature).decode())
        path = self.directory / CHECKPOINTS_FILE
        _drop_torn_tail(path)
        append_whole(path, canonical(point.to_json()) + b"\n")
        state.checkpoint_seq = state.seq
        state.checkpoint_lines += 1
        if state.checkpoint_lines > 2 * KEEP_CHECKPOINTS:
            state.checkpoint_lines = _compact(path)
        return point

    def _rotate(self, state: _State) -> Path:
        if state.size == 0:
            return state.file
        if self._sign is not None and state.seq > state.checkpoint_seq:
            self._write_checkpoint(state)
        number = (file_number(state.file) or 0) + 1
        new = self._create(number)
        os.chmod(state.file, 0o440)  # closed files are read-only: append-only in intent and in mode
        state.file, state.size = new, 0
        return new

    def _create(self, number: int) -> Path:
        path = self.directory / file_name(number)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            _fsync_dir(self.directory)
        except OSError as exc:
            code = "audit.disk_full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else "audit.write_failed"
            raise KioskError(code, path=str(path), reason=exc.strerror or str(exc)) from None
        return path

    def _last_checkpoint_seq(self) -> int:
        text, complete = last_line(self.directory / CHECKPOINTS_FILE)
        if text is None or not complete:
            return 0
        try:
            return Checkpoint.from_json(json.loads(text)).seq
        except ValueError:
            return 0


def _last_good(path: Path) -> tuple[int, str] | None:
    """(seq, hash) of the last parseable entry: the final line when it is one, else a full scan."""
    text, complete = last_line(path)
    if text is None:
        return None
    if complete:
        try:
            entry = parse_entry(text)
            return entry["seq"], entry["hash"]
        except ValueError:
            pass
    found = None
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                entry = parse_entry(line)
            except ValueError:
                continue
            found = entry["seq"], entry["hash"]
    return found


def append_whole(path: Path, data: bytes) -> None:
    """Append all of `data` to `path` (created 0600) and fsync, or nothing: a write cut short (a full
    disk) is truncated back to where it began, and `audit.disk_full` / `audit.write_failed` raised."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        start = os.fstat(fd).st_size
        try:
            view = memoryview(data)
            while view:
                view = view[_write_some(fd, view) :]
            _fsync(fd)
        except OSError as exc:
            try:
                os.ftruncate(fd, start)
                _fsync(fd)
            except OSError:
                pass  # the fragment stays; the writer closes it as torn at its next start
            code = "audit.disk_full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else "audit.write_failed"
            raise KioskError(code, path=str(path), reason=exc.strerror or str(exc)) from None
    finally:
        os.close(fd)


def _write_some(fd: int, data: memoryview) -> int:
    """One `os.write` (a seam for the tests that make the disk fill up halfway through a line)."""
    return os.write(fd, data)


def _drop_torn_tail(path: Path) -> None:
    """Cut a checkpoint line a power cut left unfinished (it was never a complete signed statement)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size == 0:
        return
    with path.open("r+b") as handle:
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return
        handle.seek(0)
        data = handle.read()
        handle.truncate(data.rfind(b"\n") + 1)
        handle.flush()
        _fsync(handle.fileno())


def _write(path: Path, data: bytes, mode: int) -> None:
    """Write all of `data` (created 0600) and fsync before returning."""
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | mode, 0o600), "wb") as handle:
        handle.write(data)
        handle.flush()
        _fsync(handle.fileno())


def _compact(path: Path) -> int:
    """Keep the newest checkpoints (atomically: a crash leaves the old file or the new one)."""
    kept = path.read_bytes().splitlines(keepends=True)[-KEEP_CHECKPOINTS:]
    temporary = path.with_suffix(".tmp")
    _write(temporary, b"".join(kept), os.O_TRUNC)
    os.replace(temporary, path)
    _fsync_dir(path.parent)
    return len(kept)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return -1


def _fsync(fd: int) -> None:
    os.fsync(fd)


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
