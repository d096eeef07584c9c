"""Checking an audit log: every entry intact, in order, none missing or added, and nothing cut off.

The verifier reads the files oldest first and walks the chain. Each finding names the file, the line
and the sequence number, because "the log is broken" helps nobody; "audit-000003.jsonl line 41, seq
8123: changed after it was written" lets a supervisor compare it with the backup. Checkpoints are then
matched against the chain: a signature that does not verify, a signed (seq, hash) the chain no longer
passes through (a rewritten chain), or a signed seq beyond the end of the log (a cut-off tail).

What it cannot see locally, and says: entries written after the last local checkpoint could be cut off
without trace (`unprotected` counts them), and so could the newest checkpoints with them, or the whole
folder. So the station delivers its checkpoints to the backend, and `remote` (the last checkpoint the
backend acknowledged) is compared too: the log must still reach that seq, with that hash.

A torn last line (a power cut during a write that no writer has closed yet) and a torn last line of
`checkpoints.jsonl` are notes, not findings: appends are whole or nothing, so only a crash makes them,
and what they could hide is what `unprotected` already counts.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.audit import events
from kiosk.audit.chain import (
    CHECKPOINTS_FILE,
    GENESIS,
    Checkpoint,
    entry_hash,
    file_name,
    file_number,
    log_files,
)
from kiosk.audit.chain import parse_entry as _parse
from kiosk.messages import Message

Verifier = Callable[[bytes, bytes], bool]  # (data, signature) -> valid


@dataclass(frozen=True)
class Issue:
    """One thing wrong with the log, and where: `kind` is one of `KINDS`."""

    kind: str
    file: str | None = None
    line: int | None = None
    seq: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def message(self) -> Message:
        params = {"file": self.file or "-", "line": self.line or "-", "seq": self.seq or "-", **self.detail}
        return Message(f"audit.issue.{self.kind}", params)

    def to_json(self, language: str = "en") -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "line": self.line,
            "seq": self.seq,
            **self.detail,
            "text": self.message().render(language),
        }


KINDS = (
    "unreadable",
    "edited",
    "broken_link",
    "deleted",
    "inserted",
    "reordered",
    "missing_file",
    "bad_checkpoint",
    "bad_signature",
    "checkpoint_mismatch",
    "truncated",
    "no_checkpoint",
    "missing_log",
    "remote_truncated",
    "remote_missing",
    "remote_mismatch",
)


@dataclass
class Report:
    directory: str
    files: list[str]
    entries: int
    last_seq: int
    head: str
    checkpoints: int
    last_checkpoint_seq: int
    signatures_checked: bool
    issues: list[Issue]
    notes: list[Issue]

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def unprotected(self) -> int:
        """Entries after the last good checkpoint: a cut there would leave no trace."""
        return max(self.last_seq - self.last_checkpoint_seq, 0)

    def to_json(self, language: str = "en") -> dict[str, Any]:
        return {
            "ok": self.ok,
            "directory": self.directory,
            "files": self.files,
            "entries": self.entries,
            "last_seq": self.last_seq,
            "head": self.head,
            "checkpoints": self.checkpoints,
            "last_checkpoint_seq": self.last_checkpoint_seq,
            "unprotected": self.unprotected,
            "signatures_checked": self.signatures_checked,
            "issues": [i.to_json(language) for i in self.issues],
            "notes": [n.to_json(language) for n in self.notes],
        }


@dataclass(frozen=True)
class Remote:
    """The last checkpoint the backend acknowledged for this station."""

    seq: int
    hash: str
    ts: str


@dataclass(frozen=True)
class _Line:
    file: str
    line: int
    entry: dict[str, Any] | None
    complete: bool = True

    def where(self) -> str:
        return f"{self.file}:{self.line}"


def verify_log(
    directory: Path,
    *,
    verify: Verifier | None = None,
    require_checkpoint: bool = True,
    remote: Remote | None = None,
) -> Report:
    """Check the log in `directory` (the `audit/` folder); `verify` checks checkpoint signatures and
    `remote` is the backend's last acknowledged checkpoint, when it could be asked."""
    directory = Path(directory)
    paths = log_files(directory)
    issues: list[Issue] = []
    notes: list[Issue] = []
    issues += _missing_files(paths)
    lines = _read(paths)
    for item in lines:
        if item.entry is not None and entry_hash(item.entry) != item.entry["hash"]:
            issues.append(Issue("edited", item.file, item.line, item.entry["seq"]))
    last_seq, head, by_seq = _walk(lines, issues, notes)
    entries = sum(1 for item in lines if item.entry is not None)
    count, last_checkpoint = _check_checkpoints(directory, by_seq, last_seq, verify, issues, notes)
    if require_checkpoint and entries and count == 0:
        issues.append(Issue("no_checkpoint", detail={"entries": entries}))
    if remote is not None:
        _compare_remote(remote, by_seq, last_seq, issues, notes)
    return Report(
        str(directory),
        [p.name for p in paths],
        entries,
        last_seq,
        head,
        count,
        last_checkpoint,
        verify is not None,
        issues,
        notes,
    )


def _missing_files(paths: list[Path]) -> list[Issue]:
    numbers = [n for n in (file_number(p) for p in paths) if n is not None]
    expected = set(range(1, max(numbers, default=0) + 1))
    return [Issue("missing_file", file_name(n)) for n in sorted(expected - set(numbers))]


def _read(paths: list[Path]) -> list[_Line]:
    lines: list[_Line] = []
    for path in paths:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    entry: dict[str, Any] | None = _parse(raw.decode("utf-8"))
                except (ValueError, UnicodeDecodeError):
                    entry = None
                lines.append(_Line(path.name, number, entry, raw.endswith(b"\n")))
    return lines


def _walk(lines: list[_Line], issues: list[Issue], notes: list[Issue]) -> tuple[int, str, dict[int, _Line]]:
    """Follow `prev` links and sequence numbers in file order; returns (last seq, head, seq -> line)."""
    later: dict[int, int] = {}  # seq -> index of its last occurrence, to tell "moved" from "gone"
    for index, item in enumerate(lines):
        if item.entry is not None:
            later[item.entry["seq"]] = index
    expected_seq, expected_prev = 1, GENESIS
    previous: _Line | None = None
    seen: dict[int, _Line] = {}
    for index, item in enumerate(lines):
        entry = item.entry
        if entry is None:
            if _recovered(lines, index):
                notes.append(Issue("recovered", item.file, item.line))
            elif index == len(lines) - 1 and not item.complete:
                notes.append(Issue("torn_tail", item.file, item.line))
            else:
                issues.append(Issue("unreadable", item.file, item.line))
            continue
        seq = entry["seq"]
        here: dict[str, Any] = {"file": item.file, "line": item.line, "seq": seq}
        if seq in seen:
            first = seen[seq]
            issues.append(Issue("inserted", **here, detail={"first": first.where()}))
            continue
        seen[seq] = item
        if seq == expected_seq:
            if entry["prev"] != expected_prev:
                before = previous.where() if previous else "-"
                issues.append(Issue("broken_link", **here, detail={"previous": before}))
        elif seq < expected_seq:
            issues.append(Issue("reordered", **here, detail={"expected": expected_seq}))
            continue
        else:
            gap = range(expected_seq, seq)
            if any(later.get(s, -1) > index for s in gap):
                issues.append(Issue("reordered", **here, detail={"expected": expected_seq}))
            else:
                issues.append(
                    Issue("deleted", **here, detail={"first_missing": gap[0], "last_missing": gap[-1]})
                )
        expected_seq, expected_prev, previous = seq + 1, entry["hash"], item
    return expected_seq - 1, expected_prev, seen


def _recovered(lines: list[_Line], index: int) -> bool:
    """A torn line is accepted only when the next entry is the writer's own `audit_recovered` for it."""
    if index + 1 >= len(lines):
        return False
    item, following = lines[index], lines[index + 1].entry
    if following is None or following["event"] != events.AUDIT_RECOVERED:
        return False
    fields = following["fields"]
    return (
        fields.get("file") == item.file and fields.get("line") == item.line and fields.get("reason") == "torn"
    )


def _check_checkpoints(
    directory: Path,
    by_seq: dict[int, _Line],
    last_seq: int,
    verify: Verifier | None,
    issues: list[Issue],
    notes: list[Issue],
) -> tuple[int, int]:
    """Check every checkpoint; returns (good checkpoints, seq of the last good one)."""
    path = directory / CHECKPOINTS_FILE
    if not path.exists():
        return 0, 0
    good, last_good, highest = 0, 0, 0
    raws = path.read_bytes().splitlines(keepends=True)
    for number, raw in enumerate(raws, start=1):
        try:
            point = Checkpoint.from_json(json.loads(raw))
            signature = base64.b64decode(point.sig, validate=True)
        except (ValueError, binascii.Error):
            if number == len(raws) and not raw.endswith(b"\n"):  # a crash mid-append, not an edit
                notes.append(Issue("torn_checkpoint", CHECKPOINTS_FILE, number))
            else:
                issues.append(Issue("bad_checkpoint", CHECKPOINTS_FILE, number))
            continue
        where: dict[str, Any] = {"file": CHECKPOINTS_FILE, "line": number, "seq": point.seq}
        if verify is not None and not _valid(verify, point.payload(), signature):
            issues.append(Issue("bad_signature", **where))
            continue
        if point.seq < highest:
            issues.append(Issue("bad_checkpoint", **where))
            continue
        highest = point.seq
        found = by_seq.get(point.seq)
        if point.seq > last_seq and found is None:
            issues.append(Issue("truncated", **where, detail={"last_seq": last_seq, "signed_at": point.ts}))
            continue
        if found is not None and found.entry is not None and found.entry["hash"] != point.hash:
            at: dict[str, Any] = {"file": found.file, "line": found.line, "seq": point.seq}
            issues.append(Issue("checkpoint_mismatch", **at, detail={"checkpoint": number}))
            continue
        good, last_good = good + 1, point.seq
    return good, last_good


def _compare_remote(
    remote: Remote, by_seq: dict[int, _Line], last_seq: int, issues: list[Issue], notes: list[Issue]
) -> None:
    """The log must still pass through the checkpoint the backend acknowledged."""
    found = by_seq.get(remote.seq)
    detail = {"last_seq": last_seq, "signed_at": remote.ts}
    if found is None or found.entry is None:
        kind = "remote_truncated" if remote.seq > last_seq else "remote_missing"
        issues.append(Issue(kind, seq=remote.seq, detail=detail))
    elif found.entry["hash"] != remote.hash:
        issues.append(Issue("remote_mismatch", found.file, found.line, remote.seq, {"signed_at": remote.ts}))
    else:
        notes.append(Issue("remote_ok", found.file, found.line, remote.seq, {"signed_at": remote.ts}))


def _valid(verify: Verifier, data: bytes, signature: bytes) -> bool:
    try:
        return bool(verify(data, signature))
    except Exception:  # a verifier that raises on a bad signature (as `cryptography` does) means "no"
        return False
