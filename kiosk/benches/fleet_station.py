"""One station of the fleet load test: `python -m kiosk.benches.fleet_station DATA_DIR PACKETS [KB]`.

Opens the station registered in DATA_DIR (its keys, its pinned TLS client), seals PACKETS realistic
ten-print + face packets (synthetic prints, seven people in turn) of about KB kilobytes each
(`kiosk.benches.fleet_packets`; 0 or absent: the ~160 KB sample packet), prints `{"ready": true}`,
waits for a line on stdin, then delivers them one after the other as a kiosk does, each resent after
a failure until its receipt comes (verified against the backend's keys). The last line printed is
the report.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    from kiosk.benches import fleet_packets
    from kiosk.client.http import BackendError
    from kiosk.packet.keys import BackendPublicKey
    from kiosk.packet.samples import sample_manifest, sample_records
    from kiosk.packet.seal import seal
    from kiosk.station.keys import StationKeys
    from kiosk.station.link import StationLink

    data_dir, count = Path(argv[0]), int(argv[1])
    target_kb = int(argv[2]) if len(argv) > 2 else 0
    link = StationLink.load(data_dir)
    assert link is not None, f"no station registered in {data_dir}"
    keys = StationKeys.load_or_create(data_dir)
    client = link.client(data_dir, keys, timeout=60.0)
    config, _ = client.config()
    recipient = BackendPublicKey.from_json(next(k for k in config.backend_keys if k.current).model_dump())
    if target_kb > 0:
        sealed = [
            seal(
                fleet_packets.manifest(link.station_id),
                fleet_packets.records(target_kb, n % 7),
                keys,
                recipient,
            )
            for n in range(count)
        ]
    else:
        sealed = [
            seal(sample_manifest(station_id=link.station_id), sample_records(seed=n % 7), keys, recipient)
            for n in range(count)
        ]
    kb = sum(len(p.blob) for p in sealed) / max(1, len(sealed)) / 1024
    print(json.dumps({"ready": True}), flush=True)
    sys.stdin.readline()
    latencies, duplicates, errors, refused = [], 0, 0, 0
    for packet in sealed:
        started = time.monotonic()
        duplicate = False
        while True:
            try:
                _body, _receipt, duplicate = client.submit(packet.packet_id, packet.blob)
                break
            except BackendError as exc:
                if not exc.retryable:
                    refused += 1
                    break
                errors += 1
            except OSError:
                errors += 1
            time.sleep(0.2)
        latencies.append(1000 * (time.monotonic() - started))
        duplicates += int(duplicate)
    client.http.close()
    print(
        json.dumps(
            {
                "latencies_ms": latencies,
                "duplicates": duplicates,
                "errors": errors,
                "refused": refused,
                "kb": kb,
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
