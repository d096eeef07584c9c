"""The real RFCs and CURPs inside SAT's public test certificates, through the identifier checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kiosk.fiel import parse_certificate
from kiosk.identity import check

pytestmark = pytest.mark.shared_data

# The one real value with a wrong check digit: SAT's test CURP for AAA010101AAA's representative.
BAD_CHECK_DIGIT = {"HEGT761003MDFRNN09": "7"}
# SAT's own test RFC breaks SAT's check-digit rule (a warning, as for ~1.5% of real RFCs).
RFC_WARNINGS = {"AAA010101AAA"}


def _values(shared_data: Path) -> set[tuple[str, str]]:
    values: set[tuple[str, str]] = set()
    for path in sorted((shared_data / "sat-test-credentials").rglob("*.cer")):
        cert = parse_certificate(path.read_bytes())
        values |= {("rfc", v) for v in (cert.rfc, cert.representative_rfc) if v}
        values |= {("curp", v) for v in (cert.holder_curp, cert.representative_curp) if v}
    return values


def test_every_rfc_and_curp_in_the_sat_certificates(shared_data: Path) -> None:
    values = _values(shared_data)
    assert (
        len([v for k, v in values if k == "rfc"]) >= 25 and len([v for k, v in values if k == "curp"]) >= 10
    )
    for kind, value in sorted(values):
        result = check(value, today=date(2025, 6, 1))
        assert result.kind == kind, value
        if value in BAD_CHECK_DIGIT:
            assert not result.valid
            assert (
                result.errors[0]
                .render("en")
                .startswith(f"the 18th character should be {BAD_CHECK_DIGIT[value]}")
            )
            continue
        assert result.valid, (value, [m.render("en") for m in result.errors])
        assert bool(result.warnings) == (value in RFC_WARNINGS), value
