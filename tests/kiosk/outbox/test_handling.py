"""Outbox actions from the consoles: retry, export, import, the retention of rejected packets; each
checked against the roles table and audited."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kiosk.errors import KioskError
from kiosk.operators.session import OperatorSession
from kiosk.outbox.handling import OutboxHands, purge_expired_rejected
from kiosk.outbox.overview import look
from kiosk.outbox.store import OutboxStore
from tests.fixtures.enrolment import Bench
from tests.fixtures.media import full_medium, readonly_medium  # noqa: F401 (fixtures)
from tests.fixtures.station_day import backend_refuses, plain_visit


def hands(bench: Bench, role: str = "supervisor") -> OutboxHands:
    session = OperatorSession.start(
        operator_id=f"op-{role}", role=role, station_id=bench.station.station_id, auth_method="password"
    )
    s = bench.station
    return OutboxHands(s.outbox, s.audit, session, s.station_id, s.keys)


def events_of(bench: Bench) -> list[tuple[str, str | None]]:
    return [(e.event, e.actor) for e in bench.station.audit.entries()]


def test_a_rejected_packet_is_retried_and_audited(bench: Bench) -> None:
    plain_visit(bench)
    (packet_id,) = backend_refuses(bench)
    hands(bench).retry(packet_id)
    row = bench.station.outbox.get(packet_id)
    assert row is not None and row.state == "sealed" and row.next_attempt_at == 0
    assert ("outbox_retry", "op-supervisor") in events_of(bench)
    with pytest.raises(KioskError) as again:
        hands(bench).retry(packet_id)  # waiting already: nothing to retry
    assert again.value.message.code == "outbox.retry_not_possible"


def test_a_clerk_may_not_retry(bench: Bench) -> None:
    plain_visit(bench)
    (packet_id,) = backend_refuses(bench)
    with pytest.raises(KioskError) as caught:
        hands(bench, "clerk").retry(packet_id)
    assert caught.value.message.code == "roles.forbidden"
    assert bench.station.outbox.get(packet_id).state == "rejected"  # type: ignore[union-attr]


def test_export_then_import_at_another_station(bench: Bench, tmp_path: Path) -> None:
    first, second = plain_visit(bench), plain_visit(bench)
    document = hands(bench, "technician").export(tmp_path / "stick")
    assert {p["packet_id"] for p in document["packets"]} == {first, second}
    other = OutboxStore(tmp_path / "other" / "outbox.db")
    try:
        s = bench.station
        result = OutboxHands(other, s.audit, hands(bench).session, s.station_id, s.keys).import_from(
            tmp_path / "stick"
        )
        assert result["imported"] == 2 and {p.packet_id for p in other.pending()} == {first, second}
    finally:
        other.close()
    assert [e for e, _ in events_of(bench) if e.startswith("outbox_")] == ["outbox_export", "outbox_import"]


def _export_fails_cleanly(bench: Bench, target: Path) -> None:
    packet_id = plain_visit(bench)
    with pytest.raises(KioskError) as caught:
        hands(bench).export(target / "export")
    assert caught.value.message.code == "outbox.export_failed"
    assert "nothing was lost" in caught.value.message.render("en")
    row = bench.station.outbox.get(packet_id)
    assert row is not None and row.state == "sealed" and row.blob is not None and row.exported_at is None
    assert not any(target.rglob("*.kpk*")) and not any(target.rglob("export-manifest.json"))
    assert "outbox_export" not in [e for e, _ in events_of(bench)]


def test_export_to_a_full_medium_loses_nothing(bench: Bench, full_medium: Path) -> None:  # noqa: F811
    _export_fails_cleanly(bench, full_medium)


def test_export_to_a_read_only_medium_loses_nothing(bench: Bench, readonly_medium: Path) -> None:  # noqa: F811
    _export_fails_cleanly(bench, readonly_medium)


def test_rejected_packets_are_purged_after_the_policy_s_retention(bench: Bench) -> None:
    plain_visit(bench)
    (packet_id,) = backend_refuses(bench)
    store, audit = bench.station.outbox, bench.station.audit
    retention = bench.station.policy.outbox.rejected_retention_s
    assert retention == 30 * 24 * 3600
    assert purge_expired_rejected(store, audit, retention, time.time()) == []  # still within it
    assert purge_expired_rejected(store, audit, retention, time.time() + retention + 1) == [packet_id]
    row = store.get(packet_id)
    assert row is not None and row.state == "purged" and row.blob is None and row.reject_code
    purge = [e for e in audit.entries() if e.event == "outbox_purge"]
    assert [(e.fields["packet_id"], e.fields["why"], e.fields["code"]) for e in purge] == [
        (packet_id, "rejected_retention", "unregistered_device")
    ]
    with pytest.raises(KioskError):
        hands(bench).retry(packet_id)  # no bytes left to send


def test_the_overview_shows_states_ages_codes_and_the_freeze(bench: Bench) -> None:
    plain_visit(bench)
    plain_visit(bench)
    (rejected,) = backend_refuses(bench)[:1]
    bench.set_policy(**{"freeze.max_undelivered": 0})
    s = bench.station
    view = look(s.outbox, s.data_dir, s.policy.freeze.model_dump(), 3600, time.time() + 60, s.audit.directory)
    assert view.counts["rejected"] == 2 and view.health.state == "ok"
    row = next(r for r in view.rows if r.packet_id == rejected)
    assert row.code == "unregistered_device" and row.retryable and row.age_s >= 60
    assert view.freeze is None  # rejected packets wait for nobody: nothing undelivered counts
    waiting = plain_visit(bench)
    view = look(s.outbox, s.data_dir, s.policy.freeze.model_dump(), 3600, time.time(), s.audit.directory)
    assert view.freeze is not None and view.freeze.code == "outbox.frozen_count"
    assert [m.code for m in view.problems()] == ["outbox.frozen_count", "outbox.freeze_how_to_clear"]
    assert view.rows[0].packet_id == waiting and view.rows[0].state == "sealed"
