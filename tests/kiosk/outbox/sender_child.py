"""The process the kill test SIGKILLs: a station's sender delivering its outbox until nothing waits.

Run as `python -m tests.kiosk.outbox.sender_child DATA_DIR` from the repository root. It opens the
registered station in DATA_DIR exactly as `kiosk outbox flush` does (its keys, its pinned client, its
outbox), recovers what a previous run left in flight, prints one JSON line when ready and one when
done. `KIOSK_FAULT_POINT=after_send:N|in_commit:N` (see `kiosk.outbox.faults`) makes it die at a
named point.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    from kiosk.outbox.delivery import deliver_with, open_outbox
    from kiosk.outbox.sender import Sender
    from kiosk.station.keys import StationKeys
    from kiosk.station.link import StationLink

    data_dir = Path(argv[0])
    link = StationLink.load(data_dir)
    assert link is not None, f"no station registered in {data_dir}"
    client = link.client(data_dir, StationKeys.load_or_create(data_dir), timeout=10.0)
    store = open_outbox(data_dir)
    requeued = store.recover()
    sender = Sender(store, deliver_with(client), base_delay=0.05, max_delay=0.5)
    print(json.dumps({"ready": True, "requeued": requeued}), flush=True)
    results: dict[str, int] = {}
    deadline = time.monotonic() + 120
    while store.waiting()[0] and time.monotonic() < deadline:
        for outcome in sender.drain():
            results[outcome.result] = results.get(outcome.result, 0) + 1
        time.sleep(0.02)  # something was postponed: its short backoff passes, then drain again
    print(json.dumps({"done": True, "waiting": store.waiting()[0], **results}), flush=True)
    store.close()
    client.http.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
