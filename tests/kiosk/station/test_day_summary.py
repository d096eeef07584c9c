"""The supervisor's day, read back from the audit log and the outbox of a station that worked."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.errors import KioskError
from kiosk.station.day_summary import BELOW_THRESHOLD, EXCEPTION, REENROLMENT, for_station, summarise
from tests.fixtures.enrolment import PERSON, Bench
from tests.fixtures.station_day import backend_refuses, plain_visit, visit_with_decisions


def test_the_day_counts_visits_decisions_and_who_confirmed(bench: Bench) -> None:
    visit_with_decisions(bench)
    plain_visit(bench, score=80)
    summary = for_station(bench.station, "supervisor", tz=dt.UTC)
    assert (summary.started, summary.sealed, summary.unsealed) == (2, 2, 0)
    assert summary.reenrolments == 1 and summary.confirmations == 2
    (exception,) = summary.of_kind(EXCEPTION)
    assert (exception.finger, exception.code, exception.reason) == ("left-little", "UP", "bandaged")
    assert exception.confirmed_by == "op-supervisor" and exception.by_supervisor
    (below,) = summary.of_kind(BELOW_THRESHOLD)
    assert below.finger == "right-thumb" and below.score == 25 and not below.by_supervisor
    assert summary.of_kind(REENROLMENT)[0].reason == "poor_quality"


def test_nfiq2_per_finger_and_device_counts_the_kept_fingers_only(bench: Bench) -> None:
    visit_with_decisions(bench)
    plain_visit(bench, score=80)
    summary = for_station(bench.station, "supervisor", tz=dt.UTC)
    thumb = summary.by_finger["right-thumb"]
    assert sorted(thumb.values) == [25, 80]  # the best below-threshold attempt, not the retried ones
    assert summary.by_finger["left-little"].values == (80,)  # the exception kept nothing
    assert summary.by_finger["right-index"].mean == 73.0 and thumb.below(40) == 1
    serial = bench.station.devices.reader.info.serial  # type: ignore[union-attr]
    assert list(summary.by_device) == [serial] and summary.by_device[serial].count == 19


def test_rejected_packets_show_the_backend_s_code_and_no_person_data(bench: Bench) -> None:
    packet_id = plain_visit(bench)
    assert backend_refuses(bench) == [packet_id]
    summary = for_station(bench.station, "supervisor", tz=dt.UTC)
    assert [(r.packet_id, r.code) for r in summary.rejections] == [(packet_id, "unregistered_device")]
    assert summary.outbox is not None and summary.outbox.counts["rejected"] == 1
    text = str(summary.to_json())
    assert PERSON.curp not in text and PERSON.nss not in text and PERSON.name not in text


def test_another_day_is_empty(bench: Bench) -> None:
    plain_visit(bench)
    yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    summary = summarise(bench.station.audit.entries(), yesterday, dt.UTC)
    assert summary.started == 0 and summary.by_finger == {} and summary.decisions == []


def test_a_technician_gets_no_day_summary(bench: Bench) -> None:
    with pytest.raises(KioskError) as caught:
        for_station(bench.station, "technician")
    assert caught.value.message.code == "roles.forbidden"
