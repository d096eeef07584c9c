"""What each outbox action leaves in the audit log and tells the person, field by field: retry,
export, import, and the purge of rejected packets at the exact end of their retention."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.audit import AuditLog
from kiosk.errors import KioskError
from kiosk.operators.session import OperatorSession
from kiosk.outbox.handling import OutboxHands, purge_expired_rejected
from kiosk.outbox.store import OutboxStore
from kiosk.station.keys import StationKeys
from tests.kiosk.outbox.helpers import add_fake

NOW = 1_800_000_000.0
KEYS = StationKeys.generate()
RETENTION = 30 * 24 * 3600


def hands(
    store: OutboxStore, audit: AuditLog, station_id: str = "ST-0001", role: str = "supervisor"
) -> OutboxHands:
    session = OperatorSession.start(
        operator_id="op-sup", role=role, station_id=station_id, auth_method="password"
    )
    return OutboxHands(store, audit, session, station_id, KEYS, clock=lambda: NOW + 5)


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit")


def rejected(store: OutboxStore, code: str, count: int = 1, created_at: float = NOW) -> list[str]:
    ids = add_fake(store, count, created_at=created_at)
    for packet_id in ids:
        store.reject(packet_id, code)
    return ids


def test_a_retry_is_audited_with_the_packet_and_its_code(store: OutboxStore, audit: AuditLog) -> None:
    (packet_id,) = rejected(store, "unregistered_device")
    hands(store, audit).retry(packet_id)
    (entry,) = audit.entries()
    assert (entry.event, entry.actor, entry.role) == ("outbox_retry", "op-sup", "supervisor")
    assert entry.fields["packet_id"] == packet_id and entry.fields["code"] == "unregistered_device"


def test_a_retry_of_a_packet_refused_without_a_code_says_so(store: OutboxStore, audit: AuditLog) -> None:
    (packet_id,) = rejected(store, "")
    hands(store, audit).retry(packet_id)
    (entry,) = audit.entries()
    assert entry.fields["code"] == "-"


def test_an_unknown_or_waiting_packet_cannot_be_retried_and_is_named(
    store: OutboxStore, audit: AuditLog
) -> None:
    with pytest.raises(KioskError) as unknown:
        hands(store, audit).retry("no-such-packet")
    assert unknown.value.message.code == "outbox.unknown_packet"
    assert unknown.value.message.params == {"packet_id": "no-such-packet"}
    (waiting,) = add_fake(store, 1)
    with pytest.raises(KioskError) as impossible:
        hands(store, audit).retry(waiting)
    assert impossible.value.message.code == "outbox.retry_not_possible"
    assert impossible.value.message.params == {"packet_id": waiting}
    assert list(audit.entries()) == []


def test_an_export_names_this_station_and_is_audited_with_the_count(
    store: OutboxStore, audit: AuditLog, tmp_path: Path
) -> None:
    ids = add_fake(store, 2, created_at=NOW - 60)
    document = hands(store, audit).export(tmp_path / "usb")
    assert document["station_id"] == "ST-0001" and {p["packet_id"] for p in document["packets"]} == set(ids)
    assert all(p.exported_at == NOW + 5 for p in store.all())  # on the hands' clock
    (entry,) = audit.entries()
    assert (entry.event, entry.actor, entry.fields["packets"]) == ("outbox_export", "op-sup", 2)


def test_an_import_is_audited_with_where_it_came_from_and_what_was_new(
    store: OutboxStore, audit: AuditLog, tmp_path: Path
) -> None:
    source = OutboxStore(tmp_path / "source" / "outbox.db")
    try:
        add_fake(source, 3, created_at=NOW - 60)
        hands(source, AuditLog(tmp_path / "source-audit"), "ST-0009").export(tmp_path / "usb")
    finally:
        source.close()
    here = hands(store, audit)
    first = here.import_from(tmp_path / "usb")
    again = here.import_from(tmp_path / "usb")
    assert (first["imported"], first["already_here"], again["imported"], again["already_here"]) == (
        3,
        0,
        0,
        3,
    )
    entries = list(audit.entries())
    assert [e.event for e in entries] == ["outbox_import", "outbox_import"]
    assert {k: entries[0].fields[k] for k in ("from_station", "imported", "already_here")} == {
        "from_station": "ST-0009",
        "imported": 3,
        "already_here": 0,
    }
    assert entries[1].fields["already_here"] == 3


def test_rejected_packets_are_purged_once_their_retention_is_over_not_at_its_last_second(
    store: OutboxStore, audit: AuditLog
) -> None:
    (packet_id,) = rejected(store, "bad_signature", created_at=NOW)
    assert purge_expired_rejected(store, audit, RETENTION, NOW + RETENTION) == []
    assert purge_expired_rejected(store, audit, RETENTION, NOW + RETENTION + 0.5) == [packet_id]
    (entry,) = audit.entries()
    assert (entry.event, entry.actor, entry.role) == ("outbox_purge", None, "system")
    assert entry.fields == {
        "packet_id": packet_id,
        "why": "rejected_retention",
        "code": "bad_signature",
        "retention_s": RETENTION,
    }


def test_the_purge_looks_past_packets_it_keeps(store: OutboxStore, audit: AuditLog) -> None:
    add_fake(store, 1, created_at=NOW - 2 * RETENTION)  # older, but waiting: never purged
    (young,) = rejected(store, "bad_signature", created_at=NOW)
    (old,) = rejected(store, "", created_at=NOW - RETENTION - 10)
    assert [p.packet_id for p in store.all()][-1] == young
    assert purge_expired_rejected(store, None, RETENTION, NOW) == [old]
    assert purge_expired_rejected(store, audit, RETENTION, NOW + RETENTION + 1) == [young]
    assert [e.fields["packet_id"] for e in audit.entries()] == [young]


def test_a_purged_packet_without_a_code_is_logged_with_a_dash(store: OutboxStore, audit: AuditLog) -> None:
    rejected(store, "", created_at=NOW - RETENTION - 1)
    purge_expired_rejected(store, audit, RETENTION, NOW)
    (entry,) = audit.entries()
    assert entry.fields["code"] == "-"
    assert json.dumps(entry.fields)  # plain JSON, nothing of the packet's bytes
