"""The format of the audit log on disk, shared by the writer and the verifier.

One JSON object a line, keys sorted, no spaces, UTF-8: the same entry always gives the same bytes, so
the hash can be recomputed from what is read. Each entry's `hash` is SHA-256 over a domain tag and the
canonical form of the entry without its `hash`; `prev` is the previous entry's hash (64 zeros before
the first). Editing, deleting, inserting or moving an entry therefore breaks a link that the verifier
can point at. A signed checkpoint fixes (seq, hash) of one entry under the station key, which is what
catches a rewritten chain or a cut-off tail.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GENESIS = "0" * 64
ENTRY_KEYS = frozenset({"seq", "ts", "actor", "role", "event", "fields", "prev", "hash"})
CHECKPOINT_KEYS = frozenset({"seq", "hash", "ts", "file", "sig"})
_ENTRY_TAG = b"kiosk-audit-entry-v1\n"
_CHECKPOINT_TAG = b"kiosk-audit-checkpoint-v1\n"

AUDIT_DIR = "audit"
CHECKPOINTS_FILE = "checkpoints.jsonl"
LOCK_FILE = ".lock"
_FILE_RE = re.compile(r"^audit-(\d{6})\.jsonl$")


def canonical(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def entry_hash(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(_ENTRY_TAG + canonical(body)).hexdigest()


def checkpoint_payload(seq: int, head: str, ts: str, file: str) -> bytes:
    """The bytes the station key signs: which entry, its hash, when, and in which file."""
    return _CHECKPOINT_TAG + canonical({"seq": seq, "hash": head, "ts": ts, "file": file})


def file_name(number: int) -> str:
    return f"audit-{number:06d}.jsonl"


def file_number(path: Path) -> int | None:
    match = _FILE_RE.match(path.name)
    return int(match.group(1)) if match else None


def log_files(directory: Path) -> list[Path]:
    """The log's files, oldest first (numbered names, so rotation order never depends on mtimes)."""
    if not directory.is_dir():
        return []
    numbered = [(file_number(p), p) for p in directory.iterdir() if p.is_file()]
    return [p for n, p in sorted((n, p) for n, p in numbered if n is not None)]


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement by the station: "entry `seq` of the log has hash `hash`"."""

    seq: int
    hash: str
    ts: str
    file: str
    sig: str  # base64

    def payload(self) -> bytes:
        return checkpoint_payload(self.seq, self.hash, self.ts, self.file)

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash, "ts": self.ts, "file": self.file, "sig": self.sig}

    @classmethod
    def from_json(cls, data: Any) -> Checkpoint:
        if not isinstance(data, dict) or set(data) != CHECKPOINT_KEYS:
            raise ValueError("not a checkpoint")
        if not isinstance(data["seq"], int) or not all(
            isinstance(data[k], str) for k in CHECKPOINT_KEYS - {"seq"}
        ):
            raise ValueError("not a checkpoint")
        return cls(data["seq"], data["hash"], data["ts"], data["file"], data["sig"])


def parse_entry(line: str) -> dict[str, Any]:
    """A line as an entry, or ValueError when it is not one (bad JSON, keys missing or extra, wrong types)."""
    data = json.loads(line)
    if not isinstance(data, dict) or set(data) != ENTRY_KEYS:
        raise ValueError("not an audit entry")
    if not isinstance(data["seq"], int) or isinstance(data["seq"], bool) or data["seq"] < 1:
        raise ValueError("bad seq")
    if not all(isinstance(data[k], str) for k in ("ts", "event", "prev", "hash")):
        raise ValueError("bad field types")
    if not isinstance(data["fields"], dict):
        raise ValueError("bad fields")
    return data
