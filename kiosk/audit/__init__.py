"""The station's audit log: append-only, hash-chained, checkpointed under the station key.

Write through `AuditLog.open(data_dir, sign=...)`, `append(events.X, actor=..., role=..., fields=...)`;
check through `verify_log(directory, verify=...)`. Event names are in `kiosk.audit.events`.
"""

from kiosk.audit import events
from kiosk.audit.chain import GENESIS, Checkpoint
from kiosk.audit.log import AuditEntry, AuditLog
from kiosk.audit.verify import Issue, Report, verify_log

__all__ = ["GENESIS", "AuditEntry", "AuditLog", "Checkpoint", "Issue", "Report", "events", "verify_log"]
