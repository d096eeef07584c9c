"""The audit page's core: the chain verified on open, entries filtered and masked, by role."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kiosk.audit import events
from kiosk.audit.browse import Filter, open_browser
from kiosk.audit.log import AuditLog
from kiosk.audit.station import open_station_log, verifier_for
from kiosk.errors import KioskError
from kiosk.station.keys import StationKeys

CURP = "GOMA800101HDFRRN01"
KEYS = StationKeys.generate()
VERIFY = verifier_for(KEYS.public)


def write_log(directory: Path) -> AuditLog:
    log = open_station_log(directory, KEYS)
    log.append(events.LOGIN, actor="op-clerk", role="clerk", fields={"method": "password"})
    log.append(events.LOOKUP, actor="op-clerk", role="clerk", fields={"curp": CURP, "found": True})
    log.append(events.EXCEPTION_CONFIRMED, actor="op-sup", role="supervisor", fields={"clerk": "op-clerk"})
    log.checkpoint()
    return log


def test_a_supervisor_sees_the_verdict_and_masked_entries(tmp_path: Path) -> None:
    write_log(tmp_path).close()
    browser = open_browser(tmp_path / "audit", "supervisor", verify=VERIFY)
    assert (
        browser.report.ok
        and browser.report.signatures_checked
        and browser.may_read
        and len(browser.entries) >= 3
    )
    assert CURP not in json.dumps([e.to_json() for e in browser.entries])
    assert browser.actors() == ["op-clerk", "op-sup"]
    today = dt.datetime.now(dt.UTC).date()
    picked = browser.select(Filter(day=today, actor="op-clerk", event=events.LOOKUP))
    assert [e.event for e in picked] == [events.LOOKUP] and picked[0].fields["curp"].startswith("GOMA*")
    assert browser.select(Filter(day=today - dt.timedelta(days=1))) == []


def test_a_technician_sees_the_verdict_only(tmp_path: Path) -> None:
    write_log(tmp_path).close()
    browser = open_browser(tmp_path / "audit", "technician", verify=VERIFY)
    assert browser.report.ok and not browser.may_read and browser.entries == []


def test_a_clerk_may_not_open_the_log(tmp_path: Path) -> None:
    write_log(tmp_path).close()
    with pytest.raises(KioskError) as caught:
        open_browser(tmp_path / "audit", "clerk", verify=VERIFY)
    assert caught.value.message.code == "roles.forbidden"


def test_a_tampered_entry_is_found_with_where(tmp_path: Path) -> None:
    write_log(tmp_path).close()
    path = tmp_path / "audit" / "audit-000001.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace('"found":true', '"found":false')
    path.chmod(0o600)
    path.write_text("".join(lines), encoding="utf-8")
    browser = open_browser(tmp_path / "audit", "supervisor", verify=VERIFY)
    assert not browser.report.ok
    first = browser.report.issues[0]
    assert (first.kind, first.file, first.line, first.seq) == ("edited", "audit-000001.jsonl", 2, 2)
