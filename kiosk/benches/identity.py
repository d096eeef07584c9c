"""`kiosk bench` rows for the identifier checks: they run on every keystroke of the lookup field."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from kiosk.bench import Row, row_ms, time_ms
from kiosk.identity import check

SAMPLES = {
    "curp": "BOXW310820HNERXN09",
    "nss": "12345678903",
    "rfc": "GODE561231GR8",
    "curp-lookalikes": "b0xw-3108z0-hnerxn09",
}


def rows(quick: bool) -> Iterator[Row]:
    runs = 200 if quick else 2000
    for name, value in SAMPLES.items():
        yield row_ms(
            f"id.check {name}", time_ms(partial(check, value), runs), target="< 1 ms (per keystroke)"
        )
