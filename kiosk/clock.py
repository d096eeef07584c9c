"""One clock for the whole core, so tests can set the date (certificates and policies expire)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_rfc3339(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"timestamp without a time zone: {text}")
    return moment.astimezone(UTC)


def local_day(ts: str, tz: tzinfo) -> date:
    """The station's calendar day of a time stamp written in UTC (audit entries): a supervisor's
    "today" is the station's day, not Greenwich's."""
    return parse_rfc3339(ts).astimezone(tz).date()
