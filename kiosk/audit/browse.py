"""The audit log as a console shows it: the chain verified first, then the entries, filtered, masked.

Opening the log verifies it (`kiosk.audit.verify`, signatures with the station key) and the result
comes before any entry, because entries from a broken chain cannot be trusted as they read. Who sees
what follows the roles table: `verify_audit` gives the verdict and where the chain is broken (file,
line, seq), never what the entries say; `view_audit_entries` (a supervisor) also gives the entries.
Entries were masked when written; every string is masked again here, so an entry written before a
masking rule existed, or by a tool that forgot, still shows no identifier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.audit.chain import log_files, parse_entry
from kiosk.audit.log import AuditEntry
from kiosk.audit.verify import Report, Verifier, verify_log
from kiosk.clock import local_day
from kiosk.masking import mask_text
from kiosk.roles import Permission, allowed

MAX_SHOWN = 2000  # entries a page lists at once (newest first); the filters narrow it down


@dataclass(frozen=True)
class Filter:
    day: dt.date | None = None
    actor: str | None = None  # as shown (masked)
    event: str | None = None

    def keeps(self, entry: AuditEntry, tz: dt.tzinfo) -> bool:
        if self.day is not None and local_day(entry.ts, tz) != self.day:
            return False
        if self.actor and mask_text(entry.actor or "-") != self.actor:
            return False
        return not (self.event and entry.event != self.event)


@dataclass
class AuditBrowser:
    """One opening of the log: the verification report and (when allowed) the entries, masked."""

    report: Report
    entries: list[AuditEntry] = field(default_factory=list)
    may_read: bool = False
    tz: dt.tzinfo = dt.UTC

    def actors(self) -> list[str]:
        return sorted({mask_text(e.actor or "-") for e in self.entries})

    def event_names(self) -> list[str]:
        return sorted({e.event for e in self.entries})

    def days(self) -> list[dt.date]:
        return sorted({local_day(e.ts, self.tz) for e in self.entries}, reverse=True)

    def select(self, wanted: Filter) -> list[AuditEntry]:
        """Newest first, at most `MAX_SHOWN`."""
        kept = [e for e in reversed(self.entries) if wanted.keeps(e, self.tz)]
        return kept[:MAX_SHOWN]


def masked(entry: AuditEntry) -> AuditEntry:
    return AuditEntry(
        entry.seq,
        entry.ts,
        mask_text(entry.actor) if entry.actor else None,
        entry.role,
        entry.event,
        _mask_fields(entry.fields),
        entry.prev,
        entry.hash,
        entry.file,
    )


def _mask_fields(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return {k: _mask_fields(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_fields(v) for v in value]
    return value


def read_entries(directory: Path) -> Iterable[AuditEntry]:
    """Every readable entry in `directory`, oldest first (unreadable lines are the report's business)."""
    for path in log_files(directory):
        with path.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    yield AuditEntry.from_json(parse_entry(line), path.name)
                except (ValueError, TypeError):
                    continue


def open_browser(directory: Path, role: str, verify: Verifier | None, tz: dt.tzinfo = dt.UTC) -> AuditBrowser:
    """Verify the log in `directory`; read its entries only for a role allowed to see them.

    Raises `roles.forbidden` for a role that may not even verify (a clerk)."""
    from kiosk.roles import require

    require(role, Permission.VERIFY_AUDIT)
    report = verify_log(Path(directory), verify=verify)
    if not Path(directory).is_dir():
        from kiosk.audit.verify import Issue

        report.issues.insert(0, Issue("missing_log", str(directory)))
    may_read = allowed(role, Permission.VIEW_AUDIT_ENTRIES)
    entries = [masked(e) for e in read_entries(Path(directory))] if may_read else []
    return AuditBrowser(report, entries, may_read, tz)


Opener = Callable[[], AuditBrowser]
