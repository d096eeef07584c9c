"""Lists on the consoles as HTML tables in a read-only browser: rows of data under translated headers.

A table of packets or audit entries is read, not edited, so a `QTextBrowser` is enough: it scrolls,
selects and copies, wraps long cells, and is rebuilt whole when the data or the language change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from ui import style

ROW = "<tr>{}</tr>"


def html_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    empty: str,
    tones: Sequence[str] = (),
    nowrap: Sequence[int] = (0,),
) -> str:
    """`tones[i]` colours row i ("ok", "warn", "bad" or ""); the columns in `nowrap` never break (times,
    ids: Qt's layout would break a time after its colon)."""
    colours = {"ok": style.OK, "warn": style.WARN, "bad": style.BAD}
    head = "".join(
        f'<th align="left" style="padding:4px 10px;color:{style.MUTED}">{escape(h)}</th>' for h in headers
    )
    body = []
    for index, row in enumerate(rows):
        tone = tones[index] if index < len(tones) else ""
        colour = f"color:{colours[tone]};" if tone in colours else ""
        cells = "".join(
            f'<td style="padding:3px 10px;{colour}{"white-space:nowrap;" if n in nowrap else ""}">'
            f"{escape(str(c))}</td>"
            for n, c in enumerate(row)
        )
        body.append(ROW.format(cells))
    if not body:
        return f'<p style="color:{style.MUTED}">{escape(empty)}</p>'
    table = '<table cellspacing="0" width="100%"><thead>{}</thead><tbody>{}</tbody></table>'
    return table.format(ROW.format(head), "".join(body))


def age_text(seconds: float) -> str:
    """A packet's age the way a person says it: 42 s, 7 min, 5 h 10 min, 3 d 4 h (units are symbols)."""
    s = int(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 86400:
        return f"{s // 3600} h {s % 3600 // 60} min"
    return f"{s // 86400} d {s % 86400 // 3600} h"


def local_time(ts: str, with_date: bool = False) -> str:
    """An audit time stamp (UTC) as the station's clock showed it."""
    from kiosk.clock import parse_rfc3339

    moment = parse_rfc3339(ts).astimezone()
    return moment.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M")
