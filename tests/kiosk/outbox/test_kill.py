"""The kill test: 200 sealed packets, a sender SIGKILLed again and again, every packet accepted once.

A real reference backend runs on loopback in this process; the sender runs in a child process
(`sender_child`) that is killed with SIGKILL at the two named points (after the request was answered
but before the answer was read; inside the outbox's commit of the delivery) and at random moments,
and restarted each time. Afterwards: the backend accepted each of the 200 packets exactly once and
rejected none (resends are answered with the original receipt and counted as duplicates); every
packet at the station is purged with a receipt whose signature, packet id and digest verify; SQLite's
integrity check passes after every kill; and no image bytes lie in the station's folder or temp dir.

Uses the default hybrid suite (ML-KEM-768+X25519): sealing 200 packets takes well under a second.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kiosk.outbox.delivery import OUTBOX_FILE, open_outbox, verify_stored_receipt
from kiosk.packet.seal import SealedPacket
from tests.fixtures.no_images import assert_no_plaintext_images
from tests.kiosk.outbox.helpers import Loopback, start_loopback

PACKETS = 200
ROOT = Path(__file__).resolve().parents[3]
NAMED = ("after_send:2", "in_commit:3", "after_send:7", "in_commit:1", "after_send:1", "in_commit:5")
RANDOM_KILLS = 8


@dataclass
class Fleet:
    loopback: Loopback
    packets: dict[str, SealedPacket]
    temp: Path

    @property
    def data_dir(self) -> Path:
        return self.loopback.station.data_dir


@dataclass
class Tally:
    kills: int = 0
    restarts: int = 0
    finished_before_kill: int = 0
    in_flight_at_kill: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    root = tmp_path_factory.mktemp("kill")
    loopback = start_loopback(root)
    packets = {p.packet_id: p for p in (loopback.seal() for _ in range(PACKETS))}
    store = open_outbox(loopback.station.data_dir)
    for packet in packets.values():
        store.add(packet.packet_id, packet.blob, packet.digest, test=True)
    store.close()
    temp = root / "child-tmp"
    temp.mkdir()
    try:
        yield Fleet(loopback, packets, temp)
    finally:
        loopback.close()


def child(fleet: Fleet, fault: str | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "TMPDIR": str(fleet.temp), "KIOSK_DATA_DIR": str(fleet.data_dir)}
    env.pop("KIOSK_FAULT_POINT", None)
    if fault:
        env["KIOSK_FAULT_POINT"] = fault
    return subprocess.Popen(
        [sys.executable, "-m", "tests.kiosk.outbox.sender_child", str(fleet.data_dir)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def outbox_state(fleet: Fleet) -> tuple[list[str], dict[str, list[str]]]:
    """SQLite's integrity check and the packet ids in each state, read as a fresh process would."""
    db = sqlite3.connect(fleet.data_dir / OUTBOX_FILE)
    try:
        integrity = [r[0] for r in db.execute("PRAGMA integrity_check")]
        states: dict[str, list[str]] = {}
        for packet_id, state in db.execute("SELECT packet_id, state FROM packets"):
            states.setdefault(state, []).append(packet_id)
    finally:
        db.close()
    return integrity, states


def accepted_by_backend(fleet: Fleet, packet_id: str) -> bool:
    row = fleet.loopback.running.backend.store.one("SELECT 1 FROM packets WHERE packet_id = ?", packet_id)
    return row is not None


def after_kill(fleet: Fleet, tally: Tally) -> dict[str, list[str]]:
    integrity, states = outbox_state(fleet)
    assert integrity == ["ok"]
    assert sum(len(v) for v in states.values()) == PACKETS  # nothing lost, nothing invented
    assert not states.get("rejected")
    assert len(states.get("sending", [])) <= 1  # one packet at a time was in flight
    tally.in_flight_at_kill.extend(states.get("sending", []))
    return states


def test_sigkill_at_named_points_and_random_moments_loses_nothing_and_accepts_once(fleet: Fleet) -> None:
    rng = random.Random(20270115)
    tally = Tally()
    for fault in NAMED:
        point = fault.split(":")[0]
        process = child(fleet, fault)
        assert process.wait(60) == -signal.SIGKILL, f"{fault}: the child was not killed there"
        tally.kills += 1
        states = after_kill(fleet, tally)
        (in_flight,) = states["sending"]  # killed mid-delivery: exactly that packet is in flight
        # Both named points are after the backend committed: it has the packet, the station does not know.
        assert accepted_by_backend(fleet, in_flight), point
        with sqlite3.connect(fleet.data_dir / OUTBOX_FILE) as db:
            (receipt,) = db.execute(
                "SELECT receipt FROM packets WHERE packet_id = ?", (in_flight,)
            ).fetchone()
        assert receipt is None  # in_commit: the UPDATE never committed
        tally.restarts += 1

    for _ in range(RANDOM_KILLS):
        process = child(fleet)
        assert process.stdout is not None
        ready = json.loads(process.stdout.readline())
        assert ready["ready"]
        time.sleep(rng.uniform(0.0, 0.4))
        process.send_signal(signal.SIGKILL)
        code = process.wait(60)
        if code == -signal.SIGKILL:
            tally.kills += 1
        else:
            tally.finished_before_kill += 1
        after_kill(fleet, tally)
        tally.restarts += 1

    final = child(fleet)
    out, _ = final.communicate(timeout=120)
    assert final.returncode == 0, out
    done = json.loads(out.strip().splitlines()[-1])
    assert done["done"] and done["waiting"] == 0

    integrity, states = outbox_state(fleet)
    assert integrity == ["ok"]
    assert sorted(states) == ["purged"] and sorted(states["purged"]) == sorted(fleet.packets)

    store = open_outbox(fleet.data_dir)
    client = fleet.loopback.station.client
    folios = set()
    for packet_id, packet in fleet.packets.items():
        kept = store.get(packet_id)
        assert kept is not None and kept.blob is None and kept.digest == packet.digest
        assert verify_stored_receipt(client, packet_id, packet.digest, kept.receipt or "")
        folios.add(kept.folio)
    store.close()
    assert len(folios) == PACKETS

    backend = fleet.loopback.running.backend
    stats = backend.stats()
    accepted = [
        r["packet_id"] for r in backend.store.all("SELECT packet_id FROM events WHERE kind = 'accepted'")
    ]
    assert sorted(accepted) == sorted(fleet.packets)  # each exactly once
    assert (stats["accepted"], stats["rejected"]) == (PACKETS, 0)
    # Every named kill left an accepted packet unrecorded: its resend was a duplicate, answered with
    # the original receipt.
    assert stats["duplicates"] >= len(NAMED)
    assert_no_plaintext_images(fleet.data_dir, fleet.temp)
    print(
        f"\nkill test: {tally.kills} SIGKILLs ({len(NAMED)} at named points, "
        f"{tally.kills - len(NAMED)} random; {tally.finished_before_kill} runs finished first), "
        f"{tally.restarts + 1} starts, {len(tally.in_flight_at_kill)} packets in flight at a kill; "
        f"backend accepted {stats['accepted']} once each, {stats['duplicates']} duplicates, "
        f"{stats['rejected']} rejected"
    )
