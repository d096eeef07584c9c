"""`kiosk bench` rows for the audit log: what one event costs, what a checkpoint costs, how fast a check is.

Measured in a temporary directory on the machine's own disk (fsync included, because that is what an
event at the window pays), with the station's real hybrid key held in memory.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from kiosk.audit import events
from kiosk.audit.log import AuditLog
from kiosk.audit.station import signer_for, verifier_for
from kiosk.audit.verify import verify_log
from kiosk.bench import Row, row_ms, row_rate, time_ms
from kiosk.station.keys import StationKeys

FIELDS = {"finger": "right-index", "nfiq2": 57, "attempt": 1, "curp": "GOMA080512HDFRRNA0"}


def rows(quick: bool) -> Iterator[Row]:
    keys = StationKeys.generate()
    runs = 30 if quick else 300
    with tempfile.TemporaryDirectory(prefix="kiosk-audit-bench-") as folder:
        unsigned = AuditLog(Path(folder) / "plain")
        yield row_ms(
            "audit.append",
            time_ms(lambda: unsigned.append(events.CAPTURE, actor="op-1", role="clerk", fields=FIELDS), runs),
            note="one event, fsynced, no checkpoint",
        )
        signed = AuditLog(Path(folder) / "signed", sign=signer_for(keys), checkpoint_every=1)
        yield row_ms(
            "audit.append+checkpoint",
            time_ms(lambda: signed.append(events.CAPTURE, actor="op-1", role="clerk", fields=FIELDS), runs),
            note="event + hybrid Ed25519/ML-DSA-65 checkpoint (the writer signs every 16th event)",
        )
        directory = Path(folder) / "verify"
        log = AuditLog(directory, sign=signer_for(keys))
        size = 500 if quick else 5000
        for i in range(size):
            log.append(events.LOOKUP, actor="op-1", role="clerk", fields={**FIELDS, "i": i})
        verify = verifier_for(keys.public)
        rates = []
        for _ in range(3 if quick else 5):
            start = time.perf_counter()
            report = verify_log(directory, verify=verify)
            rates.append(report.entries / (time.perf_counter() - start))
        yield row_rate(
            "audit.verify", "entries/s", rates, note=f"{size} entries, {report.checkpoints} checkpoints"
        )
