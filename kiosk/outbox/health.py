"""Is the outbox whole? Its file checked by SQLite, and cross-checked with the audit log.

A deleted or emptied `outbox.db` used to be replaced by a fresh one without a word, and a corrupt one
was noticed only when a sealed packet could not be stored, after the person's fingers had been taken.
Before a session starts (and at the station's start) `check_outbox` answers in well under a second:

- the file must open and pass SQLite's own check (`quick_check`; `kiosk outbox check` runs the full
  `integrity_check` and also re-hashes every waiting packet);
- every packet the audit log records as sealed (since the last reconciliation, see
  `kiosk.audit.scan`) must still have its row in the outbox, whatever its state (delivered packets
  keep a row without their bytes).

The answer is a `Message` naming what is wrong, what is missing, and the commands that recover
(`kiosk outbox import`, `kiosk outbox salvage`), or None when all is well.
"""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.audit.chain import AUDIT_DIR
from kiosk.audit.scan import packet_account
from kiosk.masking import forms_in_logs
from kiosk.messages import Message

OUTBOX_FILE = "outbox.db"
SHOWN = 5  # packet ids named in the message; the JSON of `kiosk outbox check` lists them all


@dataclass(frozen=True)
class MissingPacket:
    packet_id: str  # as the audit log names it
    sealed_at: str
    delivered: bool  # the log also holds its verified receipt: the backend has it


@dataclass
class OutboxHealth:
    path: Path
    state: str  # ok, absent (no file, nothing sealed yet), missing (packets gone), corrupt
    reason: str = ""
    missing: list[MissingPacket] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return self.state in ("ok", "absent")

    @property
    def undelivered(self) -> list[MissingPacket]:
        return [m for m in self.missing if not m.delivered]

    def message(self) -> Message | None:
        if self.state == "corrupt":
            return Message("outbox.damaged_corrupt", {"path": str(self.path), "reason": self.reason})
        if self.state == "missing":
            first = self.missing[0]
            return Message(
                "outbox.damaged_missing",
                {
                    "path": str(self.path),
                    "count": len(self.missing),
                    "undelivered": len(self.undelivered),
                    "first": first.packet_id,
                    "sealed_at": first.sealed_at,
                    "ids": ", ".join(m.packet_id for m in self.undelivered[:SHOWN]) or "-",
                },
            )
        return None

    def to_json(self, language: str) -> dict[str, Any]:
        message = self.message()
        return {
            "ok": self.ok,
            "state": self.state,
            "path": str(self.path),
            "reason": self.reason or None,
            "rows": self.rows,
            "missing": [m.__dict__ for m in self.missing],
            "message": message.render(language) if message else None,
        }


def inspect_outbox(data_dir: Path, audit_dir: Path | None = None, thorough: bool = False) -> OutboxHealth:
    """The outbox of `data_dir` checked; nothing is created or changed (a missing file stays missing)."""
    path = Path(data_dir) / OUTBOX_FILE
    account = packet_account(audit_dir if audit_dir is not None else Path(data_dir) / AUDIT_DIR)
    present: set[str] = set()
    if path.exists():
        try:
            present, problem = _read_ids(path, thorough)
        except sqlite3.DatabaseError as exc:
            return OutboxHealth(path, "corrupt", str(exc))
        if problem:
            return OutboxHealth(path, "corrupt", problem)
    masked = {form for packet_id in present for form in forms_in_logs(packet_id)}
    missing = [
        MissingPacket(packet_id, sealed_at, packet_id in account.delivered)
        for packet_id, sealed_at in account.sealed.items()
        if packet_id not in masked
    ]
    if missing:
        return OutboxHealth(path, "missing", "", missing, len(present))
    return OutboxHealth(path, "ok" if path.exists() else "absent", "", [], len(present))


def check_outbox(data_dir: Path, audit: Any = None) -> Message | None:
    """Before a session and at start: why enrolments must not begin, or None when the outbox is whole.

    `audit` is the station's `AuditLog` (its folder is read); without it, `<data_dir>/audit`."""
    directory = Path(audit.directory) if audit is not None else None
    return inspect_outbox(data_dir, directory).message()


def _read_ids(path: Path, thorough: bool) -> tuple[set[str], str]:
    """(packet ids in the file, the first problem SQLite or a digest found, or "")."""
    uri = f"{path.resolve().as_uri()}?mode=rw"  # never creates the file; may replay its WAL
    with closing(sqlite3.connect(uri, uri=True, timeout=30)) as db:
        check = "integrity_check" if thorough else "quick_check"
        verdict = [str(r[0]) for r in db.execute(f"PRAGMA {check}").fetchall()]
        if verdict != ["ok"]:
            return set(), "; ".join(verdict[:3])
        if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'packets'").fetchone():
            return set(), ""  # an emptied file: as good as a new one, the cross-check tells the rest
        ids = {str(r[0]) for r in db.execute("SELECT packet_id FROM packets")}
        if thorough:
            for packet_id, blob, digest in db.execute(
                "SELECT packet_id, blob, digest FROM packets WHERE blob IS NOT NULL"
            ):
                if hashlib.sha256(blob).hexdigest() != digest:
                    return ids, f"packet {packet_id}: its bytes no longer match their digest"
    return ids, ""
