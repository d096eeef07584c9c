"""`kiosk bench` rows of the outbox health check (registered as `outbox_health`).

The check runs before every session, so it must stay cheap as the station ages. The station here has
an audit log of 3000 enrolments (30 entries each, 90 000 entries, 300 with `--quick`) and an outbox
holding a row for every one of them (delivered ones without their bytes) and 200 packets waiting.
Rows: `check_outbox` on that whole outbox, on one whose file was deleted, and on one with a garbage
header (in-process, ms); and the time from starting `kiosk outbox status` in a new process to its
"outbox damaged" message and exit (ms, interpreter start included).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from kiosk.bench import Row, row_ms, time_ms

ENTRIES_PER_ENROLMENT = 30
WAITING = 200


def build_station(root: Path, enrolments: int) -> None:
    """An audit log and an outbox that agree: one `seal` entry per packet, every packet recorded."""
    from kiosk.audit import events
    from kiosk.audit.chain import AUDIT_DIR, GENESIS, canonical, entry_hash, file_name
    from kiosk.audit.fields import clean_fields
    from kiosk.outbox.health import OUTBOX_FILE
    from kiosk.outbox.store import OutboxStore
    from kiosk.packet.header import PacketHeader
    from kiosk.packet.ids import new_packet_id
    from kiosk.packet.keys import PacketSuite
    from kiosk.private import private_dir

    audit_dir = private_dir(root / AUDIT_DIR)
    store = OutboxStore(root / OUTBOX_FILE)
    lines, head, seq = [], GENESIS, 0
    waiting = []
    for n in range(enrolments):
        packet_id = new_packet_id()
        for k in range(ENTRIES_PER_ENROLMENT):
            seq += 1
            event = events.SEAL if k == ENTRIES_PER_ENROLMENT - 2 else events.CAPTURE_ATTEMPT
            fields = clean_fields(
                {"packet_id": packet_id} if event == events.SEAL else {"finger": "right-index", "n": k}
            )
            body = {"seq": seq, "ts": "2026-01-01T00:00:00.000Z", "actor": "ventanilla", "role": "clerk",
                    "event": event, "fields": fields, "prev": head}  # fmt: skip
            body["hash"] = head = entry_hash(body)
            lines.append(canonical(body) + b"\n")
        blob = PacketHeader(packet_id, PacketSuite.X25519, "kem-bench").encode() + os.urandom(4096)
        digest = hashlib.sha256(blob).hexdigest()
        store.add(packet_id, blob, digest, created_at=1_800_000_000.0 + n)
        if n < enrolments - WAITING:
            store.delivered(packet_id, "{}", f"ACU-{n}", 1_800_000_000.0 + n, purge=True)
        else:
            waiting.append(packet_id)
    store.compact()
    store.close()
    (audit_dir / file_name(1)).write_bytes(b"".join(lines))


def rows(quick: bool) -> Iterator[Row]:
    from kiosk.outbox.health import OUTBOX_FILE, check_outbox

    enrolments = 300 if quick else 3000
    runs = 5 if quick else 15
    note = f"{enrolments * ENTRIES_PER_ENROLMENT} audit entries, {enrolments} packets ({WAITING} waiting)"
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "station"
        build_station(root, enrolments)
        assert check_outbox(root) is None
        yield row_ms(
            "outbox.check_outbox.whole", time_ms(lambda: check_outbox(root), runs), "< 1000 ms", note
        )
        saved = Path(scratch) / "saved.db"
        os.replace(root / OUTBOX_FILE, saved)
        yield row_ms(
            "outbox.check_outbox.deleted", time_ms(lambda: check_outbox(root), runs), "< 1000 ms", note
        )
        process = []
        for _ in range(runs):
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "kiosk.cli.main", "--data-dir", str(root), "outbox", "status"],
                capture_output=True,
                check=False,
            )
            process.append((time.perf_counter() - start) * 1000)
            assert done.returncode == 1, done.stderr
            (root / OUTBOX_FILE).unlink(missing_ok=True)  # status must not have made one
        yield row_ms(
            "outbox.status_process.damaged_message",
            process,
            "< 2000 ms",
            "from starting `kiosk outbox status` to its 'outbox damaged' message and exit",
        )
        data = bytearray(saved.read_bytes())
        data[:100] = os.urandom(100)
        (root / OUTBOX_FILE).write_bytes(bytes(data))
        yield row_ms(
            "outbox.check_outbox.corrupt", time_ms(lambda: check_outbox(root), runs), "< 1000 ms", note
        )
